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
        let disk = events.compactMap { event -> Event.WorktreeDisk? in
            if case .unitWorktreeDisk(let disk) = event.payload { return disk }
            return nil
        }
        #expect(disk.filter { $0.pooled == true }.count == 2, "\(disk)")
        #expect(disk.allSatisfy { $0.bytes > 0 })
    }
}
