import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Landing finished units on the target branch through the merge queue.
@Suite(.temporaryDirectory)
struct LandingTests {
    @Test("a chain A -> B: B's worktree has A's change, and the target gets A then B")
    func chain() async throws {
        let seesA = "test -f work/a-01-task-1.done && " + workCheck("b", 1)
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: seesA)])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            try await fixture.landed() == ["feat(a): complete task #1 - Task 1", "feat(b): complete task #1 - Task 1"]
        )
        let events = try fixture.events(result).map { "\($0.typeName) \($0.unit ?? "")" }
        #expect(events.firstIndex(of: "unit.merged a")! < events.firstIndex(of: "unit.started b")!)
        #expect(events.firstIndex(of: "unit.merged a")! < events.firstIndex(of: "unit.completed a")!)
        // Landed units leave nothing behind: no worktree, no branch; the user's checkout is up to date.
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
        #expect(!FileSystem.exists(fixture.repository(".ralph/worktrees/a")))
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty)
        #expect(FileSystem.exists(fixture.repository("work/b-01-task-1.done")))
    }

    @Test("two units editing the same lines: the agent resolves the conflict and both land")
    func conflictResolved() async throws {
        let fixture = try await RunFixture(.appendToShared(file: "shared.txt", resolves: true)) { specs in
            try specs.unit("x", tasks: [.init(1, backpressure: "grep -qx x shared.txt")])
            try specs.unit("y", tasks: [.init(1, backpressure: "grep -qx y shared.txt")])
        }
        let result = try await fixture.choo("run", "--json", "-p", "2")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        #expect(
            events.contains { $0.details(Event.MergeConflict.self)?.files == ["shared.txt"] }
        )
        let shared = try String(contentsOfFile: fixture.repository("shared.txt"), encoding: .utf8)
        #expect(Set(shared.split(separator: "\n")) == ["x", "y"])
        #expect(!shared.contains("<<<<<<<"))
        #expect(try await fixture.landed().count == 2)
        // The conflict turn's log says what it was, after the unit's task turn.
        let conflicted = try #require(events.first { $0.type == .unitMergeConflict }?.unit)
        let logs = try FileManager.default.contentsOfDirectory(
            atPath: fixture.repository(".ralph/worktrees/logs/run-1/\(conflicted)")
        )
        #expect(logs.sorted() == ["001-task1-attempt1.log", "002-conflict-attempt1.log"])
        let shown = try await fixture.choo("logs", conflicted)
        #expect(shown.stdout.contains("== run #1, conflict turn, attempt 1: "), "\(shown.stdout)")
    }

    @Test("an unresolvable conflict fails the unit, keeps its work, and leaves the target as it was")
    func conflictUnresolved() async throws {
        let fixture = try await RunFixture(
            .appendToShared(file: "shared.txt", resolves: false),
            settings: "merge:\n  max_conflict_retries: 2\n"
        ) { specs in
            try specs.unit("x", tasks: [.init(1, backpressure: "grep -qx x shared.txt")])
            try specs.unit("y", tasks: [.init(1, backpressure: "grep -qx y shared.txt")])
            try specs.unit("z", dependsOn: ["x", "y"])
        }
        let result = try await fixture.choo("run", "--json", "-p", "2")
        #expect(result.exitCode == 1)
        let events = try fixture.events(result)
        let merged = try #require(events.first { $0.type == .unitMerged }?.unit)
        let loser = merged == "x" ? "y" : "x"
        let failed = try #require(events.first { $0.type == .unitFailed })
        #expect(failed.unit == loser)
        #expect(failed.error?.contains("merge conflicts in shared.txt could not be resolved after 2 attempts") == true)
        #expect(events.filter { $0.type == .unitMergeConflict }.count == 2)
        #expect(events.contains { $0.type == .unitBlocked && $0.unit == "z" })
        // The target has only the winner's work; the loser's commit is safe on its branch, not mid-rebase.
        #expect(try await fixture.landed() == ["feat(\(merged)): complete task #1 - Task 1"])
        #expect(try await fixture.commits(on: "ralph/\(loser)") == ["feat(\(loser)): complete task #1 - Task 1"])
        let worktree = fixture.repository(".ralph/worktrees/\(loser)")
        #expect(
            try await Git(repository: worktree, runner: SystemProcessRunner()).run(["status", "--porcelain"]).isEmpty
        )
        #expect(!FileSystem.exists(worktree + "/.git/rebase-merge"))
    }

    @Test("a unit whose checks pass on its branch but fail on the updated target never lands")
    func failsAfterRebase() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        // b's check demands that a's work is absent: true on b's branch, false once a has landed.
        let notA = "test ! -e work/a-01-task-1.done && " + workCheck("b", 1)
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: ["b": .waitAtGate(task: "01-task-1", gate: gate)]
        ) {
            specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: notA)])
        }
        let run = RunningChoo(["run", "--json", "-p", "2"], in: fixture.repository.path)
        await run.events.first(.unitMerged, unit: "a")
        try FakeAgent.openGate(gate)
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(1))
        let failed = run.events.all.first { $0.type == .unitFailed }
        #expect(failed?.unit == "b")
        #expect(failed?.error?.contains("after bringing ralph/b up to date with `main`") == true)
        #expect(failed?.error?.contains("nothing was landed") == true)
        #expect(try await fixture.landed() == ["feat(a): complete task #1 - Task 1"])
        #expect(try await fixture.commits(on: "ralph/b") == ["feat(b): complete task #1 - Task 1"])
    }

    @Test("the target moved by someone else while landing is never clobbered", arguments: [true, false])
    func targetMovedDuringMerge(checkedOut: Bool) async throws {
        let counter = TemporaryDirectory.current("check-runs")
        let mover = TemporaryDirectory.current("mover.sh")
        let repository = TemporaryDirectory.current("repo")
        // The second run of the check (the re-check while landing) commits to the target as "someone else".
        let script = """
            #!/bin/sh
            echo run >> '\(counter)'
            if [ "$(wc -l < '\(counter)')" -eq 2 ]; then
                tip=$(git -C '\(repository)' rev-parse trunk)
                commit=$(git -C '\(repository)' commit-tree "$tip^{tree}" -p "$tip" -m 'someone else')
                git -C '\(repository)' update-ref refs/heads/trunk "$commit" "$tip"
                \(checkedOut ? "git -C '\(repository)' reset --quiet --hard trunk" : "")
            fi
            test -f work/u-01-task-1.done

            """
        try script.write(toFile: mover, atomically: true, encoding: .utf8)
        #expect(chmod(mover, 0o755) == 0)
        let fixture = try await RunFixture(.completeNextTask, settings: "target_branch: trunk\n") { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: mover)])
        }
        try await fixture.repository.git("branch", "trunk")
        if checkedOut { try await fixture.repository.git("checkout", "--quiet", "trunk") }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            try await fixture.landed(on: "trunk") == ["someone else", "feat(u): complete task #1 - Task 1"]
        )
        let events = try fixture.events(result)
        #expect(events.contains { $0.details(Event.MergeUpdated.self)?.retry == true })
    }

    @Test("a dirty checkout is refused with the file list, and --force runs anyway")
    func dirtyCheckout() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        try fixture.repository.write("README.md", "# changed by the user\n")
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let refused = try await fixture.choo("run")
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("uncommitted changes to tracked files"))
        #expect(refused.stderr.contains("  README.md"))
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)
        let forced = try await fixture.choo("run", "--force")
        #expect(forced.exitCode == 0, "\(forced.stdout)\(forced.stderr)")
        #expect(try fixture.repository.read("README.md") == "# changed by the user\n")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("worktree.keep leaves the landed unit's worktree and branch in place")
    func keep() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "worktree:\n  keep: true\n") { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        #expect(FileSystem.exists(fixture.repository(".ralph/worktrees/u/work/u-01-task-1.done")))
        #expect(!(try await fixture.repository.git("branch", "--list", "ralph/u")).isEmpty)
        // Both are still there, so the landed plan names them.
        let plan = try await fixture.repository.git("show", "main:specs/tasks/u/IMPLEMENTATION_PLAN.md")
        #expect(plan.contains("orch_branch: ralph/u\norch_worktree: .ralph/worktrees/u\n"), "\(plan)")
    }

    @Test("merge.mode: github without a GitHub `origin` exits 2 saying what to add, before anything is created")
    func githubModeWithoutOrigin() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "merge:\n  mode: github\n") { specs in
            try specs.unit("u")
        }
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("there is no `origin` remote"))
        #expect(result.stderr.contains("github.owner and github.repo"))
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)
    }
}
