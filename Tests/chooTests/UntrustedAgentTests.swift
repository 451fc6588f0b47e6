import ChooCore
import ChooTesting
import Foundation
import Testing

/// The agent is not trusted: each test runs an agent that cheats in one way, through the built
/// binary in a real repository, and checks that the check is the spec's, the cheating is undone
/// and reported, no committed work is lost, and nothing unchecked lands.
@Suite(.temporaryDirectory)
struct UntrustedAgentTests {
    /// `choo validate` on the target branch's tree, which must still be valid after the run.
    private func validatesOnMain(_ fixture: RunFixture) async throws {
        let result = try await fixture.choo("validate")
        #expect(result.exitCode == 0, "main no longer validates: \(result.stdout)\(result.stderr)")
    }

    /// Runs `choo run --json` on a unit `u` of `tasks` tasks, each checked by its work file, with an
    /// agent acting out `script` (see ``FakeAgent/Behaviour/scripted(_:)``).
    private func runUnit(tasks: Int = 1, settings: String = "", script: String) async throws
        -> (RunFixture, ChooBinary.Result)
    {
        let fixture = try await RunFixture(.scripted(script), settings: settings) { specs in
            try specs.unit("u", tasks: (1 ... tasks).map { .init($0, backpressure: workCheck("u", $0)) })
        }
        return (fixture, try await fixture.choo("run", "--json"))
    }

    private func text(_ fixture: RunFixture, _ path: String, on branch: String = "main") async throws -> String {
        try await fixture.repository.git("show", "\(branch):\(path)")
    }

    @Test("an agent that weakens its own check to `true` and does no work: the check is put back and the turn fails")
    func weakensOwnCheck() async throws {
        let (fixture, result) = try await runUnit(
            script:
                #"""
                if first_visit; then
                    sed -i 's/^backpressure:.*/backpressure: "true"/' "$file"
                    mark_complete
                else
                    do_work && mark_complete
                fi
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let restored = try #require(events.first { $0.type == .unitSpecRestored })
        #expect(restored.details(Event.SpecRestored.self)?.files == ["specs/tasks/u/01-task-1.md"])
        #expect(restored.error?.contains("was changed") == true)
        // The weakened check never ran: the only checks run are the spec's.
        let commands = events.compactMap { event in
            if case .taskBackpressure(let check) = event.payload { check.command } else { nil }
        }
        #expect(!commands.isEmpty && commands.allSatisfy { $0 == workCheck("u", 1) }, "\(commands)")
        #expect(fixture.agent.prompts.count == 2)
        #expect(fixture.agent.prompts[1].contains("You changed spec files, which are choo's, not yours"))
        let landed = try await text(fixture, "specs/tasks/u/01-task-1.md")
        #expect(landed.contains("work/u-01-task-1.done"))
        #expect(!landed.contains("backpressure: \"true\""))
        #expect(try await text(fixture, "work/u-01-task-1.done").contains("done by the fake agent"))
        try await validatesOnMain(fixture)
    }

    @Test("an agent that always weakens its check fails the unit with a reason that says what to do")
    func alwaysWeakens() async throws {
        let fixture = try await RunFixture(
            .scripted(#"sed -i 's/^backpressure:.*/backpressure: "true"/' "$file"; mark_complete"#),
            settings: "max_attempts: 2\n"
        ) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1)
        let failed = try #require(try fixture.events(result).first { $0.type == .unitFailed })
        let reason = try #require(failed.error)
        #expect(reason.contains("choo put them back"), "\(reason)")
        #expect(reason.contains("Do the work the task describes"))
        #expect(try await fixture.landed().isEmpty, "nothing unchecked lands")
        let onBranch = try await text(fixture, "specs/tasks/u/01-task-1.md", on: "ralph/u")
        #expect(!onBranch.contains("backpressure: \"true\""), "the weakened check is not even committed")
    }

    @Test("during task 2 the agent weakens task 1's check and deletes its work: nothing lands")
    func weakensEarlierCheck() async throws {
        let (fixture, result) = try await runUnit(
            tasks: 2,
            settings: "max_attempts: 2\n",
            script: #"""
                if [ "$task" = "02-task-2" ]; then
                    first_visit && sed -i 's/^backpressure:.*/backpressure: "true"/' "$(dirname "$file")/01-task-1.md"
                    rm -f "work/$unit-01-task-1.done"
                fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        #expect(events.contains { $0.type == .unitSpecRestored && $0.task == 2 })
        #expect(try await fixture.landed().isEmpty, "a unit whose task 1 work is gone does not land")
        // Task 2 was committed on the second attempt; the landing re-check ran task 1's own check.
        #expect(try await fixture.commits(on: "ralph/u").count == 2)
        let failed = try #require(events.first { $0.type == .unitFailed })
        #expect(failed.error?.contains("u-1 work is missing") == true, "\(String(describing: failed.error))")
        #expect(failed.error?.contains("nothing was landed") == true)
        try await validatesOnMain(fixture)
    }

    @Test("unit a's agent marks unit b's task complete and sets b's check to true: b still does its own work")
    func touchesOtherUnit() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: [
                "a": .scripted(
                    #"""
                    other=specs/tasks/b/01-task-1.md
                    sed -i 's/^status:.*/status: complete/; s/^backpressure:.*/backpressure: "true"/' "$other"
                    do_work && mark_complete
                    """#
                )
            ],
            settings: "max_attempts: 2\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json", "-p", "1")
        let events = try fixture.events(result)
        // a keeps cheating, so it fails; b is unaffected and lands by its own agent's work.
        #expect(events.filter { $0.type == .unitSpecRestored && $0.unit == "a" }.count == 2)
        #expect(events.contains { $0.type == .taskStarted && $0.unit == "b" }, "b had an agent turn of its own")
        #expect(events.contains { $0.type == .unitMerged && $0.unit == "b" })
        #expect(!events.contains { $0.type == .unitMerged && $0.unit == "a" })
        let b = try await text(fixture, "specs/tasks/b/01-task-1.md")
        #expect(b.contains("work/b-01-task-1.done"))
        #expect(try await text(fixture, "work/b-01-task-1.done").contains("done by the fake agent"))
        try await validatesOnMain(fixture)
    }

    @Test("an agent that rewrites its plan's depends_on into a cycle: the plan is put back and main validates")
    func dependencyCycle() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: [
                "a": .scripted(
                    #"""
                    if first_visit; then
                        sed -i 's/^depends_on:.*/depends_on: [b]/' specs/tasks/a/IMPLEMENTATION_PLAN.md
                    fi
                    do_work && mark_complete
                    """#
                )
            ]
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let restored = try fixture.events(result).filter { $0.type == .unitSpecRestored }
        #expect(restored.map(\.unit) == ["a"])
        #expect(try await text(fixture, "specs/tasks/a/IMPLEMENTATION_PLAN.md").contains("depends_on: []"))
        try await validatesOnMain(fixture)
    }

    @Test("an agent that deletes one of two task files and adds a task: both are undone, every task is done")
    func deletesAndAddsTaskFiles() async throws {
        let (fixture, result) = try await runUnit(
            tasks: 2,
            script: #"""
                if first_visit; then
                    rm specs/tasks/u/02-task-2.md
                    printf -- '---\ntask: 3\nbackpressure: "true"\n---\n# Extra\n' > specs/tasks/u/03-extra.md
                fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let restored = try #require(try fixture.events(result).first { $0.type == .unitSpecRestored })
        let specs = try #require(restored.details(Event.SpecRestored.self))
        #expect(specs.files == ["specs/tasks/u/02-task-2.md", "specs/tasks/u/03-extra.md"])
        #expect(specs.changes == [.removed, .added])
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
        let files = try await fixture.repository.git("ls-tree", "--name-only", "main", "specs/tasks/u/")
        #expect(!files.contains("03-extra.md"))
        // The added file is kept, moved aside, never deleted.
        guard let path = specs.setAside?.first else {
            Issue.record("no set-aside path in \(specs)")
            return
        }
        #expect(FileManager.default.fileExists(atPath: path))
        try await validatesOnMain(fixture)
    }

    @Test("an agent that deletes the unit's only task file: it is put back and the reason is not empty")
    func deletesOnlyTaskFile() async throws {
        let (fixture, result) = try await runUnit(
            script:
                #"""
                if first_visit; then rm "$file"; exit 0; fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let retry = try #require(events.first { $0.type == .taskRetry })
        #expect(
            retry.error?.contains("`specs/tasks/u/01-task-1.md` was deleted") == true,
            "\(String(describing: retry.error))"
        )
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("an agent that runs `git reset --hard HEAD~1` during task 2: task 1's commit is put back and lands")
    func resetsBranch() async throws {
        let (fixture, result) = try await runUnit(
            tasks: 2,
            script:
                #"""
                if [ "$task" = "02-task-2" ]; then git reset --quiet --hard HEAD~1; fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let restored = try #require(events.first { $0.type == .unitBranchRestored })
        #expect(restored.error?.contains("no longer contained choo's commit") == true)
        #expect(
            restored.details(Event.BranchRestored.self)?.saved == nil,
            "a reset loses no commit of the agent's; nothing needs saving"
        )
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
        #expect(try await text(fixture, "work/u-01-task-1.done").contains("done by the fake agent"))
        #expect(try await text(fixture, "work/u-02-task-2.done").contains("done by the fake agent"))
        #expect(fixture.agent.prompts.count == 2)
    }

    @Test("a run killed while its agent had reset the branch and weakened its check: the next run undoes both first")
    func resumedAfterTampering() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(
            .scripted(
                #"""
                if [ "$task" = "02-task-2" ] && first_visit; then
                    git reset --quiet --hard HEAD~1
                    sed -i 's/^backpressure:.*/backpressure: "true"/' "$file"
                    echo tampered > '\#(gate)'
                    exec sleep 600
                fi
                do_work && mark_complete
                """#
            )
        ) { specs in
            try specs.unit(
                "u",
                tasks: [.init(1, backpressure: workCheck("u", 1)), .init(2, backpressure: workCheck("u", 2))]
            )
        }
        let first = RunningChoo(["run", "--json"], in: fixture.repository.path)
        // The agent says when it has done its damage; then choo is killed mid-turn.
        let line = try await Task.detached { try FileHandle(forReadingFrom: URL(fileURLWithPath: gate)).readToEnd() }
            .value
        #expect(line.map { String(decoding: $0, as: UTF8.self) } == "tampered\n")
        await first.send(SIGKILL)
        _ = try await first.wait()
        let second = try await fixture.choo("run", "--json")
        #expect(second.exitCode == 0, "\(second.stdout)\(second.stderr)")
        let events = try fixture.events(second)
        let firstTurn = try #require(events.firstIndex { $0.type == .taskStarted })
        let branch = try #require(events.firstIndex { $0.type == .unitBranchRestored })
        let spec = try #require(events.firstIndex { $0.type == .unitSpecRestored })
        #expect(branch < firstTurn && spec < firstTurn, "both are undone before the agent is asked for anything")
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
        #expect(try await text(fixture, "specs/tasks/u/02-task-2.md").contains("work/u-02-task-2.done"))
    }

    @Test("an agent that checks out a detached HEAD and commits there: its commit is kept on the branch")
    func detachesHead() async throws {
        let (fixture, result) = try await runUnit(
            script:
                #"""
                git checkout --quiet --detach
                do_work && git add -A && git -c user.name=agent -c user.email=agent@example.com commit --quiet -m "agent's own commit"
                mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let restored = try #require(try fixture.events(result).first { $0.type == .unitBranchRestored })
        #expect(restored.error?.contains("HEAD was detached") == true)
        #expect(try await fixture.landed() == ["agent's own commit", "feat(u): complete task #1 - Task 1"])
    }

    @Test("an agent that resets and commits over choo's commit: the branch is put back and its work saved under a ref")
    func rewritesHistory() async throws {
        let (fixture, result) = try await runUnit(
            tasks: 2,
            script:
                #"""
                if [ "$task" = "02-task-2" ] && first_visit; then
                    git reset --quiet --hard HEAD~1
                    echo rewritten > rewritten.txt
                    git add -A && git -c user.name=agent -c user.email=agent@example.com commit --quiet -m "rewrite"
                fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let restored = try #require(try fixture.events(result).first { $0.type == .unitBranchRestored })
        guard let saved = restored.details(Event.BranchRestored.self)?.saved else {
            Issue.record("the agent's rewritten history is not saved: \(restored)")
            return
        }
        #expect(saved.hasPrefix("refs/choo/saved/u/"))
        #expect(restored.error?.contains(saved) == true, "the saved ref is named")
        #expect(try await fixture.repository.git("log", "--format=%s", saved).contains("rewrite"))
        #expect(try await fixture.landed().prefix(1) == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("conflict markers in a file the turn changed fail the turn, naming file:line")
    func conflictMarkers() async throws {
        let (fixture, result) = try await runUnit(
            script:
                #"""
                if first_visit; then
                    printf 'a\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n' > merged.txt
                else
                    printf 'a\nmine\n' > merged.txt
                fi
                do_work && mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let found = try #require(try fixture.events(result).first { $0.type == .taskConflictMarkers })
        #expect(
            found.details(Event.ConflictMarkersFound.self)?.found == [
                "merged.txt:2: <<<<<<< HEAD", "merged.txt:4: =======", "merged.txt:6: >>>>>>> other",
            ]
        )
        #expect(fixture.agent.prompts[1].contains("merged.txt:2: <<<<<<< HEAD"))
        #expect(try await text(fixture, "merged.txt") == "a\nmine")
    }

    @Test(
        "verify.conflict_markers: false lets marker lines through; a path list limits the search",
        arguments: [("false", false), ("[\"Sources/*\"]", false), ("[\"docs/*\"]", true)]
    )
    func conflictMarkersSetting(setting: String, flagged: Bool) async throws {
        let script = #"""
            mkdir -p docs && printf '<<<<<<< HEAD\nx\n>>>>>>> y\n' > docs/example.md
            do_work && mark_complete
            """#
        let fixture = try await RunFixture(
            .scripted(script),
            settings: "max_attempts: 1\nverify:\n  conflict_markers: \(setting)\n"
        ) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        let events = try fixture.events(result)
        #expect(events.contains { $0.type == .taskConflictMarkers } == flagged)
        #expect(result.exitCode == (flagged ? 1 : 0), "\(result.stderr)")
    }

    @Test("verify.agent_may_edit_specs: true lets the agent refine its spec")
    func agentMayEditSpecs() async throws {
        let fixture = try await RunFixture(
            .scripted(#"sed -i 's/^# Task 1$/# Task 1, refined/' "$file"; do_work && mark_complete"#),
            settings: "verify:\n  agent_may_edit_specs: true\n"
        ) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(!(try fixture.events(result)).contains { $0.type == .unitSpecRestored })
        #expect(try await text(fixture, "specs/tasks/u/01-task-1.md").contains("# Task 1, refined"))
    }

    @Test("the landing re-check runs without untracked files; they are kept, never deleted")
    func landingCheckSeesOnlyTheCommit() async throws {
        // The check leaves a stamp that is never committed and passes at once when it finds one. At
        // landing the stamp is moved aside, so the check really runs (and makes a new stamp); the
        // agent's stamp is kept in the aside folder, and choo says so.
        let check = "[ -f stamp ] && exit 0; test -f work/u-01-task-1.done && echo made by the check > stamp"
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: check)])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let stranded = try #require(try fixture.events(result).first { $0.type == .unitAsideStranded })
        #expect(stranded.details(Event.AsideStranded.self)?.files == ["stamp"])
        guard let folder = stranded.details(Event.AsideStranded.self)?.folder else {
            Issue.record("no folder in \(stranded)")
            return
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/stamp"), "the untracked file is kept")
        let files = try await fixture.repository.git("ls-tree", "-r", "--name-only", "main")
        #expect(!files.contains("stamp"), "an untracked file never lands")
    }

    @Test("an ignore rule the agent adds cannot hide its work from the check: the check runs without those files")
    func ignoreRuleCannotHideWork() async throws {
        let (fixture, result) = try await runUnit(
            script: #"""
                do_work
                if first_visit; then echo "work/" >> .gitignore; else sed -i '/^work\/$/d' .gitignore; fi
                mark_complete
                """#
        )
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let failed = try fixture.events(result).filter { $0.type == .taskValidationFail }
        #expect(failed.count == 1, "the first check ran without the newly ignored work file")
        #expect(try await text(fixture, "work/u-01-task-1.done").contains("done by the fake agent"))
    }

    @Test("a rule added to .git/info/exclude hides nothing either: nothing unchecked lands")
    func infoExcludeCannotHideWork() async throws {
        let (fixture, result) = try await runUnit(
            settings: "max_attempts: 2\n",
            script: #"""
                do_work
                grep -q '^work/$' "$(git rev-parse --git-path info/exclude)" || echo "work/" >> "$(git rev-parse --git-path info/exclude)"
                mark_complete
                """#
        )
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        #expect(try fixture.events(result).filter { $0.type == .taskValidationFail }.count == 2)
        #expect(try await fixture.landed().isEmpty)
    }

    @Test("files made by worktree.setup are never committed, and checks can still use them")
    func setupOutputIsNotWork() async throws {
        let settings = """
            worktree:
              setup:
                - command: "mkdir -p deps && echo lib > deps/lib.txt && echo log > setup.log"

            """
        let fixture = try await RunFixture(.completeNextTask, settings: settings) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: "test -f deps/lib.txt && " + workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let excluded = try #require(try fixture.events(result).first { $0.type == .unitSetupExcluded })
        #expect(excluded.payload == .unitSetupExcluded(.init(paths: ["deps/", "setup.log"], count: 2)))
        let files = try await fixture.repository.git("ls-tree", "-r", "--name-only", "main")
        #expect(!files.contains("deps/lib.txt") && !files.contains("setup.log"), "\(files)")
        #expect(files.contains("work/u-01-task-1.done"))
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty)
    }
}
