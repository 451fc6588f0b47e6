import ChooCore
import ChooTesting
import Foundation
import Testing

/// A unit whose dependencies are being landed gets its worktree meanwhile, so it starts the moment
/// they land, on top of what they landed.
@Suite(.temporaryDirectory)
struct HandOffTests {
    /// `a`'s check, as a script: passes when `a`'s work is there; the second time it runs (landing
    /// checks the result again) it first waits until `b`'s worktree exists, then passes or, with
    /// `failsLanding`, fails.
    private static func landingCheck(failsLanding: Bool) throws -> String {
        let folder = TemporaryDirectory.current("checks")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/a-check.sh"
        let landing = failsLanding ? "echo landing check failed; exit 1" : "exit 0"
        try """
        \(workCheck("a", 1))
        n=$(cat '\(folder)/count' 2>/dev/null || echo 0)
        echo $((n + 1)) > '\(folder)/count'
        [ "$n" -ge 1 ] || exit 0
        # Landing: wait (up to 10 s) for b's worktree, which is made while a lands.
        i=0
        while [ ! -d ../b ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
        [ -d ../b ] || { echo b was not prepared; exit 1; }
        \(landing)

        """.write(toFile: script, atomically: true, encoding: .utf8)
        return "sh " + script
    }

    @Test("b is prepared while a lands, then starts from what a landed")
    func preparedWhileLanding() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit(
                "a",
                tasks: [.init(1, backpressure: try Self.landingCheck(failsLanding: false))]
            )
            // b's check needs a's work: its worktree must have caught up with the landing.
            try specs.unit(
                "b",
                dependsOn: ["a"],
                tasks: [.init(1, backpressure: "test -f work/a-01-task-1.done && " + workCheck("b", 1))]
            )
        }
        let result = try await fixture.choo("run", "-p", "1")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            try await fixture.landed() == ["feat(a): complete task #1 - Task 1", "feat(b): complete task #1 - Task 1"]
        )
    }

    @Test("a unit prepared for a landing that fails is blocked, and its worktree and new branch are removed")
    func preparedThenBlocked() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit(
                "a",
                tasks: [.init(1, backpressure: try Self.landingCheck(failsLanding: true))]
            )
            try specs.unit("b", dependsOn: ["a"])
        }
        let result = try await fixture.choo("run", "-p", "1")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("b: blocked by a"), "\(result.stdout)")
        #expect(!FileSystem.exists(fixture.repository(".ralph/worktrees/b")))
        #expect(try await fixture.repository.git("branch", "--list", "ralph/b").isEmpty)
        // a's work is kept on its branch.
        #expect(try await fixture.commits(on: "ralph/a") == ["feat(a): complete task #1 - Task 1"])
    }

    @Test("an agent that writes into a worktree prepared for another unit cannot get that unit's work landed unchecked")
    func preparedWorktreeTamperedWith() async throws {
        // p = 1: b's worktree is prepared while a runs. a's agent weakens b's check there and leaves
        // a file; b's agent then marks its task complete without doing the work.
        let tamper = FakeAgent.Behaviour.scripted(
            """
            i=0
            # Until b's task file is written in full (its worktree is being checked out meanwhile).
            until grep -q '^backpressure:' ../b/specs/tasks/b/01-task-1.md 2>/dev/null || [ $i -ge 1000 ]; do
                sleep 0.01; i=$((i + 1))
            done
            sed -i 's/^backpressure:.*/backpressure: "true"/' ../b/specs/tasks/b/01-task-1.md
            echo planted > ../b/planted.txt
            do_work && mark_complete
            """
        )
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: ["a": tamper, "b": .scripted("mark_complete")],
            settings: "max_attempts: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json", "-p", "1")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        // The weakened check was put back before b's agent saw its prompt, and b's real check failed.
        #expect(events.contains { $0.type == .unitSpecRestored && $0.unit == "b" }, "\(result.stdout)")
        #expect(events.contains { $0.type == .unitFailed && $0.unit == "b" })
        #expect(!fixture.agent.prompts.contains { $0.contains("## Task #1") && $0.contains("`true`") })
        #expect(try await fixture.landed() == ["feat(a): complete task #1 - Task 1"])
        let planted = try? await fixture.repository.git("show", "main:planted.txt")
        #expect(planted == nil, "a file another agent planted landed")
    }

    @Test(
        "a worktree prepared and sealed goes to its first turn with no git status; one written into after the seal is looked at",
        arguments: [false, true]
    )
    func sealedPreparedWorktree(tampered: Bool) async throws {
        // p = 1: b (no dependencies) is prepared, its start recorded and its worktree sealed while a
        // runs. With `tampered`, a's agent waits for the seal's status and then weakens b's check.
        let git = try LoggingGit()
        let tamper = """
            i=0
            until grep -q "/b|.*|.* status " "$GIT_LOG" 2>/dev/null || [ $i -ge 1000 ]; do sleep 0.01; i=$((i + 1)); done
            sed -i 's/^backpressure:.*/backpressure: "true"/' ../b/specs/tasks/b/01-task-1.md
            """
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: [
                "a": .scripted((tampered ? tamper : "") + "\ndo_work && mark_complete"),
                "b": .scripted(
                    "echo \"$PWD|agent\" >> \"$GIT_LOG\"\n" + (tampered ? "mark_complete" : "do_work && mark_complete")
                ),
            ],
            settings: "max_attempts: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await ChooBinary.run(
            ["run", "--json", "-p", "1"],
            in: fixture.repository.path,
            environment: git.environment
        )
        let events = try fixture.events(result)
        let worktree = fixture.repository(".ralph/worktrees/b")
        let lines = try git.calls()
        let untilAgent = try #require(lines.firstIndex { $0.folder == worktree && $0.arguments == "agent" }, "\(lines)")
        let statuses = lines[..<untilAgent].filter { $0.folder == worktree && $0.arguments.contains(" status ") }
        let made = events.compactMap { event -> Event.UnitWorktree? in
            guard event.unit == "b", case .unitWorktree(let details) = event.payload else { return nil }
            return details
        }
        #expect(made.map(\.prepared) == [true])
        if tampered {
            // The seal was broken: b's start looked again, put the check back, and its real check failed.
            #expect(statuses.count >= 2, "\(lines)")
            #expect(events.contains { $0.type == .unitSpecRestored && $0.unit == "b" }, "\(result.stdout)")
            #expect(!fixture.agent.prompts.contains { $0.contains("## Task #1") && $0.contains("`true`") })
            #expect(result.exitCode == 1)
            #expect(try await fixture.landed() == ["feat(a): complete task #1 - Task 1"])
        } else {
            // Only the status taken when it was sealed: the start took that one as its own.
            #expect(statuses.count == 1, "\(lines)")
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(
                try await fixture.landed() == [
                    "feat(a): complete task #1 - Task 1", "feat(b): complete task #1 - Task 1",
                ]
            )
        }
    }

    @Test("a merge another agent leaves going in a worktree prepared for the next unit is rolled back at its start")
    func preparedWorktreeLeftMidMerge() async throws {
        // p = 1: b's worktree is prepared while a runs; a's agent makes git think a merge is in
        // progress there. b must still start, from what a landed, and land its own checked work.
        let meddle = FakeAgent.Behaviour.scripted(
            """
            i=0
            until grep -q '^backpressure:' ../b/specs/tasks/b/01-task-1.md 2>/dev/null || [ $i -ge 1000 ]; do
                sleep 0.01; i=$((i + 1))
            done
            git -C ../b rev-parse HEAD > "$(git -C ../b rev-parse --absolute-git-dir)/MERGE_HEAD"
            do_work && mark_complete
            """
        )
        let fixture = try await RunFixture(.completeNextTask, overrides: ["a": meddle]) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json", "-p", "1")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let rolledBack = events.first { $0.type == .unitMergeUpdated && $0.unit == "b" && $0.error != nil }
        #expect(rolledBack?.error?.contains("merge interrupted earlier was rolled back") == true, "\(result.stdout)")
        #expect(
            try await fixture.landed() == ["feat(a): complete task #1 - Task 1", "feat(b): complete task #1 - Task 1"]
        )
    }
}
