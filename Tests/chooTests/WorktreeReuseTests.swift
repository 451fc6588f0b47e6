import ChooCore
import ChooTesting
import Foundation
import Testing

/// `worktree.reuse`: a landed unit's worktree folder waits in `<base>/.pool/` and the next unit
/// that needs a worktree is switched into it, so git writes only the files that differ; a
/// worktree holding anything beyond the target is never recycled.
@Suite(.temporaryDirectory)
struct WorktreeReuseTests {
    /// The worktree events of a run, by unit.
    private func worktreeEvents(_ events: [Event]) -> [String: Event.UnitWorktree] {
        var result: [String: Event.UnitWorktree] = [:]
        for event in events {
            if case .unitWorktree(let details) = event.payload, details.path != nil, let unit = event.unit {
                result[unit] = details
            }
        }
        return result
    }

    /// The `unit.worktree.disk` records of a run.
    private func diskRecords(_ events: [Event]) -> [Event.WorktreeDisk] {
        events.compactMap { event in
            if case .unitWorktreeDisk(let disk) = event.payload { return disk }
            return nil
        }
    }

    /// The registered worktrees other than the main checkout, with their branch (`nil`: detached).
    private func worktrees(_ repository: GitRepository) async throws -> [(path: String, branch: String?)] {
        let list = try await repository.git("worktree", "list", "--porcelain")
        return list.components(separatedBy: "\n\n").dropFirst().compactMap { entry in
            let lines = entry.split(separator: "\n").map(String.init)
            guard let path = lines.first(where: { $0.hasPrefix("worktree ") })?.dropFirst("worktree ".count) else {
                return nil
            }
            let branch = lines.first { $0.hasPrefix("branch ") }.map {
                String($0.dropFirst("branch refs/heads/".count))
            }
            return (String(path), branch)
        }
    }

    /// Inode and modification time (to the nanosecond) of `path`.
    private func stamp(_ path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
        return "\(info.st_ino) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    @Test(
        "in a run of units one after another, a unit recycles a landed unit's folder; ignored files go unless kept",
        arguments: [false, true]
    )
    func recycledWithinRun(keepIgnored: Bool) async throws {
        let stamps = TemporaryDirectory.current("stamps")
        try FileManager.default.createDirectory(atPath: stamps, withIntermediateDirectories: true)
        // Each unit's check leaves an ignored build product and notes the untouched file's inode and
        // time; c's check also sees whether a's build product is still there.
        func check(_ unit: String, _ extra: String = "true") -> String {
            "mkdir -p build && echo \(unit) > build/\(unit).o && stat -c '%i %y' src/same.txt > \(stamps)/\(unit) && "
                + "\(extra) && " + workCheck(unit, 1)
        }
        let seesA = keepIgnored ? "test -f build/a.o" : "! test -e build/a.o"
        let fixture = try await RunFixture(
            .appendToShared(file: "src/changed.txt", resolves: true),
            settings: "parallelism: 1\nworktree:\n  keep_ignored: \(keepIgnored)\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: check("a"))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: check("b"))])
            try specs.unit(
                "c",
                dependsOn: ["b"],
                tasks: [.init(1, backpressure: check("c", "\(seesA) && grep -qx b src/changed.txt"))]
            )
            try specs.write(".gitignore", "build/\n")
            try specs.write("src/same.txt", "no unit changes me\n")
            try specs.write("src/changed.txt", "")
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let ready = worktreeEvents(events)
        let base = fixture.repository.path + "/.ralph/worktrees"
        // b was made while a ran (no folder was free yet); c, made once a had landed, is a's folder.
        #expect(ready["a"]?.recycled == nil && ready["b"]?.recycled == nil)
        #expect(ready["c"]?.recycled == true, "\(ready)")
        #expect(ready["c"]?.path == base + "/c")
        // The file no unit changed was not written again: same inode, same time as in a's worktree.
        let inA = try String(contentsOfFile: stamps + "/a", encoding: .utf8)
        #expect(try String(contentsOfFile: stamps + "/c", encoding: .utf8) == inA)
        #expect(try String(contentsOfFile: stamps + "/b", encoding: .utf8) != inA, "b's is a checkout of its own")
        #expect(try await fixture.landed().count == 3)
        // What is left: one pooled folder (limit: parallelism), detached, and no unit branch.
        let left = try await worktrees(fixture.repository)
        #expect(left.count == 1 && left[0].branch == nil, "\(left)")
        #expect(left.first?.path.contains("/.ralph/worktrees/.pool/b-") == true, "\(left)")
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty)
        // Each pooled folder's disk use was recorded.
        let disk = diskRecords(events)
        #expect(disk.filter { $0.pooled == true }.count == 2, "\(disk)")
        #expect(disk.allSatisfy { $0.bytes > 0 })
    }

    /// The one folder in the pool.
    private func pooledFolder(_ fixture: RunFixture) throws -> String {
        let pool = fixture.repository.path + "/.ralph/worktrees/.pool"
        let names = try FileManager.default.contentsOfDirectory(atPath: pool)
        try #require(names.count == 1, "\(names)")
        return pool + "/" + names[0]
    }

    @Test("the next run recycles a pooled folder: only the files that changed are written; status shows the disk")
    func reusedAcrossRuns() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "parallelism: 1\n") { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.write("src/same.txt", "no unit changes me\n")
            try specs.write("src/changed.txt", "before\n")
        }
        let first = try await fixture.choo("run", "--json")
        #expect(first.exitCode == 0, "\(first.stdout)\(first.stderr)")
        let pooled = try pooledFolder(fixture)
        #expect(pooled.contains("/.pool/a-"))
        #expect(!FileManager.default.fileExists(atPath: fixture.repository.path + "/.ralph/worktrees/a"))

        // choo status counts the pooled folder and the disk it was measured to take.
        let recorded = try #require(diskRecords(try fixture.events(first)).first)
        #expect(recorded.pooled == true && recorded.path == pooled)
        #expect(recorded.bytes == DiskUsage.bytes(of: pooled, excluding: [".git"]))
        let status = try await fixture.choo("status", "--json")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any],
            "\(status.stdout)\(status.stderr)"
        )
        let totals = try #require(json["worktrees"] as? [String: Any], "\(json)")
        #expect(totals["count"] as? Int == 1 && totals["pooled"] as? Int == 1)
        #expect(totals["measured"] as? Int == 1)
        #expect((totals["bytes"] as? NSNumber)?.int64Value == recorded.bytes)
        let text = try await fixture.choo("status")
        #expect(
            text.stdout.contains("Worktrees: 1 (1 pooled for reuse), \(DiskUsage.describe(recorded.bytes)) on disk\n"),
            "\(text.stdout)"
        )

        // Meanwhile the target changes one file, and a new unit is added.
        let sameBefore = try stamp(pooled + "/src/same.txt")
        let changedBefore = try stamp(pooled + "/src/changed.txt")
        try fixture.repository.write("src/changed.txt", "after\n")
        try fixture.specs.unit(
            "b",
            tasks: [.init(1, backpressure: workCheck("b", 1) + " && grep -qx after src/changed.txt")]
        )
        try fixture.repository.write(
            ".choo.yaml",
            try fixture.repository.read(".choo.yaml") + "worktree:\n  keep: true\n"
        )
        try await fixture.repository.commit("Change a file, add unit b, keep worktrees")

        let second = try await fixture.choo("run", "--json")
        #expect(second.exitCode == 0, "\(second.stdout)\(second.stderr)")
        let ready = worktreeEvents(try fixture.events(second))
        let worktree = fixture.repository.path + "/.ralph/worktrees/b"
        #expect(ready["b"]?.recycled == true && ready["b"]?.path == worktree, "\(ready)")
        #expect(try stamp(worktree + "/src/same.txt") == sameBefore, "an unchanged file is not written again")
        #expect(try stamp(worktree + "/src/changed.txt") != changedBefore)
        #expect(try String(contentsOfFile: worktree + "/src/changed.txt", encoding: .utf8) == "after\n")
        #expect(
            (try? FileManager.default.contentsOfDirectory(atPath: fixture.repository.path + "/.ralph/worktrees/.pool"))
                == []
        )
        #expect(try await worktrees(fixture.repository).map(\.branch) == ["ralph/b"])
    }

    @Test("a landed unit's worktree with files beyond the target is removed, never recycled")
    func leftoversAreNotRecycled() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            settings: "parallelism: 1\nworktree:\n  teardown:\n    - command: echo stray > stray.txt\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: workCheck("b", 1))])
            try specs.unit(
                "c",
                dependsOn: ["b"],
                tasks: [.init(1, backpressure: "! test -e stray.txt && " + workCheck("c", 1))]
            )
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let ready = worktreeEvents(try fixture.events(result))
        #expect(ready.values.allSatisfy { $0.recycled == nil }, "\(ready)")
        #expect(try await worktrees(fixture.repository).isEmpty)
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
    }

    @Test("a failed unit's worktree and commits stay where they are, and its disk use is recorded")
    func failedUnitIsKept() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "parallelism: 1\nmax_attempts: 1\n") { specs in
            try specs.unit(
                "f",
                tasks: [.init(1, backpressure: workCheck("f", 1)), .init(2, backpressure: "exit 1")]
            )
            try specs.unit("g", tasks: [.init(1, backpressure: workCheck("g", 1))])
            try specs.unit("h", dependsOn: ["g"], tasks: [.init(1, backpressure: workCheck("h", 1))])
            try specs.unit("i", dependsOn: ["h"], tasks: [.init(1, backpressure: workCheck("i", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let worktree = fixture.repository.path + "/.ralph/worktrees/f"
        #expect(FileManager.default.fileExists(atPath: worktree + "/work/f-01-task-1.done"))
        #expect(try await fixture.commits(on: "ralph/f").contains("feat(f): complete task #1 - Task 1"))
        #expect(try await worktrees(fixture.repository).contains { $0.branch == "ralph/f" })
        let ready = worktreeEvents(events)
        // The unit made once g had landed (h or i, as the landing and the preparations interleave)
        // recycles g's folder; nothing recycles f's.
        let recycled = ready.filter { $0.value.recycled == true }.map(\.key)
        #expect(recycled.count == 1 && ["h", "i"].contains(recycled.first ?? ""), "\(ready)")
        #expect(diskRecords(events).contains { $0.path == worktree && $0.pooled == nil })
    }

    @Test("a pooled folder a killed run left half-switched, or moved but not attached, is used by the next run")
    func killedRunLeftovers() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "parallelism: 1\n") { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.write("src/same.txt", "no unit changes me\n")
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        // A run killed while switching the pooled folder's files leaves changed and new files.
        let pooled = try pooledFolder(fixture)
        try "half-written\n".write(toFile: pooled + "/src/same.txt", atomically: true, encoding: .utf8)
        try "half\n".write(toFile: pooled + "/half.txt", atomically: true, encoding: .utf8)
        let dryRun = try await fixture.choo("cleanup", "--dry-run")
        #expect(dryRun.stdout.contains(".pool/a-"), "cleanup would remove it: \(dryRun.stdout)")
        #expect(!dryRun.stdout.contains("uncommitted"), "\(dryRun.stdout)")

        let clean = "! test -e half.txt && grep -qx 'no unit changes me' src/same.txt && "
        try fixture.specs.unit("b", tasks: [.init(1, backpressure: clean + workCheck("b", 1))])
        try await fixture.repository.commit("Add unit b")
        let second = try await fixture.choo("run", "--json")
        #expect(second.exitCode == 0, "\(second.stdout)\(second.stderr)")
        #expect(worktreeEvents(try fixture.events(second))["b"]?.recycled == true)

        // A run killed after switching a pooled folder to the target's tip, making the unit's branch
        // there and moving the folder to the unit's path, before attaching the branch.
        try fixture.specs.unit("c", tasks: [.init(1, backpressure: workCheck("c", 1))])
        try await fixture.repository.commit("Add unit c")
        let moved = fixture.repository.path + "/.ralph/worktrees/c"
        let folder = try pooledFolder(fixture)
        try await fixture.repository.git(arguments: ["checkout", "--quiet", "--detach", "main"], in: folder)
        try await fixture.repository.git("branch", "ralph/c", "main")
        try await fixture.repository.git("worktree", "move", folder, moved)
        let third = try await fixture.choo("run", "--json")
        #expect(third.exitCode == 0, "\(third.stdout)\(third.stderr)")
        #expect(try await fixture.landed().suffix(1) == ["feat(c): complete task #1 - Task 1"])

        // choo cleanup removes what is pooled, and the pool folder with it.
        let cleanup = try await fixture.choo("cleanup")
        #expect(cleanup.exitCode == 0, "\(cleanup.stdout)\(cleanup.stderr)")
        #expect(try await worktrees(fixture.repository).isEmpty, "\(cleanup.stdout)")
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.repository.path + "/.ralph/worktrees/.pool"))
    }
}
