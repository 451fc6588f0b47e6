import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A repository with a committed spec tree and a fake agent configured in `.choo.yaml`.
struct RunFixture {
    let directory: TemporaryDirectory
    let repository: GitRepository
    let specs: SpecFixture
    let agent: FakeAgent.Installed
    /// The commit that added the spec tree: where `main` stood when the run began.
    let start: String

    init(
        _ behaviour: FakeAgent.Behaviour,
        overrides: [String: FakeAgent.Behaviour] = [:],
        settings: String = "",
        standardInputArguments: [String]? = nil,
        units: (SpecFixture) throws -> Void
    ) async throws {
        directory = TemporaryDirectory.current
        repository = try await GitRepository(at: directory("repo"))
        specs = SpecFixture(root: repository.path)
        agent = try FakeAgent.install(behaviour, overrides: overrides, in: directory("agent"))
        try units(specs)
        let agentYAML = agent.configYAML(standardInputArguments: standardInputArguments)
        try specs.write(".choo.yaml", agentYAML + "agent_timeout: 60s\nshutdown_timeout: 30s\n" + settings)
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "Add the spec tree")
        start = try await repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Subjects of the commits that landed on `branch` since the run began, oldest first.
    func landed(on branch: String = "main") async throws -> [String] {
        let log = try await repository.git("log", "--format=%s", "--reverse", "\(start)..\(branch)")
        return log.split(separator: "\n").map(String.init)
    }

    /// Runs `choo arguments` in the repository.
    func choo(_ arguments: String...) async throws -> ChooBinary.Result {
        try await ChooBinary.run(arguments, in: repository.path)
    }

    /// The JSON events `choo run --json` printed.
    func events(_ result: ChooBinary.Result) throws -> [Event] {
        try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// Subjects of the commits on `branch` that are not on main, oldest first.
    func commits(on branch: String) async throws -> [String] {
        let log = try await repository.git("log", "--format=%s", "--reverse", "main..\(branch)")
        return log.split(separator: "\n").map(String.init)
    }
}

/// A check that passes only when the fake agent did the task's work.
func workCheck(_ unit: String, _ task: Int) -> String {
    "test -f work/\(unit)-\(String(format: "%02d", task))-task-\(task).done || { echo \(unit)-\(task) work is missing; exit 1; }"
}

@Suite(.temporaryDirectory)
struct RunTests {
    @Test("independent units run at the same time (their agents must meet to finish)")
    func parallelUnitsOverlap() async throws {
        let barrier = TemporaryDirectory.current("barrier")
        try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
        for unit in ["a", "b"] { #expect(mkfifo(barrier + "/" + unit, 0o600) == 0) }
        let fixture = try await RunFixture(.rendezvous(directory: barrier)) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "-p", "2")
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(
            Set(try await fixture.landed()) == [
                "feat(a): complete task #1 - Task 1", "feat(b): complete task #1 - Task 1",
            ]
        )
        #expect(result.stdout.contains("Done in"))
    }

    @Test("eight units starting at once all get worktrees and land (worktree creation is serialised)")
    func manyAtOnce() async throws {
        let names = (1 ... 8).map { "unit-\($0)" }
        let fixture = try await RunFixture(.completeNextTask) { specs in
            for name in names { try specs.unit(name, tasks: [.init(1, backpressure: workCheck(name, 1))]) }
        }
        let result = try await fixture.choo("run", "-p", "8")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.landed().count == 8)
    }

    @Test("a diamond runs in dependency order and every unit commits its tasks")
    func diamond() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("top", tasks: [.init(1, backpressure: workCheck("top", 1))])
            try specs.unit("left", dependsOn: ["top"], tasks: [.init(1, backpressure: workCheck("left", 1))])
            try specs.unit("right", dependsOn: ["top"], tasks: [.init(1, backpressure: workCheck("right", 1))])
            try specs.unit(
                "bottom",
                dependsOn: ["left", "right"],
                tasks: [.init(1, backpressure: workCheck("bottom", 1)), .init(2, backpressure: workCheck("bottom", 2))]
            )
        }
        let result = try await fixture.choo("run", "--json", "-p", "4")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let events = try fixture.events(result)
        func index(_ type: EventType, _ unit: String) -> Int {
            events.firstIndex { $0.type == type && $0.unit == unit } ?? -1
        }
        #expect(index(.unitCompleted, "top") < index(.unitStarted, "left"))
        #expect(index(.unitCompleted, "top") < index(.unitStarted, "right"))
        #expect(index(.unitCompleted, "left") < index(.unitStarted, "bottom"))
        #expect(index(.unitCompleted, "right") < index(.unitStarted, "bottom"))
        let landed = try await fixture.landed()
        #expect(landed.first == "feat(top): complete task #1 - Task 1")
        #expect(
            Array(landed.suffix(2)) == [
                "feat(bottom): complete task #1 - Task 1", "feat(bottom): complete task #2 - Task 2",
            ]
        )
        // The status change is part of the task's commit, so the target records the unit complete.
        let plan = try await fixture.repository.git("show", "main:specs/tasks/bottom/02-task-2.md")
        #expect(plan.contains("status: complete"))
        // The unit's own state is written into its plan, surgically, and lands with it.
        let unitPlan = try await fixture.repository.git("show", "main:specs/tasks/bottom/IMPLEMENTATION_PLAN.md")
        #expect(unitPlan.hasPrefix("---\nunit: bottom\ndepends_on: [left, right]\norch_status: complete\n"))
        // Its branch and worktree are gone once it landed, so the landed plan does not name them;
        // the commits before the last did, while the unit ran.
        #expect(!unitPlan.contains("orch_branch") && !unitPlan.contains("orch_worktree"), "\(unitPlan)")
        let running = try await fixture.repository.git("show", "main~1:specs/tasks/bottom/IMPLEMENTATION_PLAN.md")
        #expect(
            running.contains(
                "orch_status: in_progress\norch_branch: ralph/bottom\norch_worktree: .ralph/worktrees/bottom\n"
            )
        )
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
        #expect(unitPlan.contains("orch_started_at: 20") && unitPlan.contains("orch_completed_at: 20"))
        #expect(unitPlan.hasSuffix("---\n\n# bottom plan\n\nHow bottom is built."))
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty, "the user's checkout stays clean")
    }

    @Test("a failing check is retried with its output in the next prompt")
    func retryWithCheckOutput() async throws {
        let fixture = try await RunFixture(.markWithoutWorkingFirst) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let prompts = fixture.agent.prompts
        #expect(prompts.count == 2)
        #expect(!prompts[0].contains("Previous attempt failed"))
        #expect(prompts[1].contains("Previous attempt failed (this is attempt 2 of 3)"))
        #expect(prompts[1].contains("u-1 work is missing"), "the check's output reaches the agent")
        let events = try fixture.events(result)
        #expect(events.contains { $0.type == .taskValidationFail && $0.task == 1 })
        #expect(events.contains { $0.type == .taskRetry && $0.task == 1 })
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("failing baseline checks get an agent fix round; checks whose pattern matches no change are skipped")
    func baselineChecks() async throws {
        let settings = """
            baseline_checks:
              - name: lint
                command: "test -f work/baseline-fixed || { echo lint found problems; exit 1; }"
              - name: docs-only
                command: "false"
                pattern: "*.rst"

            """
        let fixture = try await RunFixture(.completeNextTask, settings: settings) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let baseline = try fixture.events(result).filter { $0.type == .unitBaseline }
        // Failed, passed after the fix round, passed again when re-checked for landing; docs-only never ran.
        #expect(baseline.map { $0.details(Event.Baseline.self)?.name } == ["lint", "lint", "lint"])
        #expect(
            baseline.map { $0.details(Event.Baseline.self)?.result } == [.failed, .passed, .passed]
        )
        #expect(fixture.agent.prompts.last?.contains("lint found problems") == true)
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "fix(u): make baseline checks pass (round 1)",
            ]
        )
    }

    @Test("an agent that never marks a task fails the unit after max_attempts")
    func neverMarks() async throws {
        let fixture = try await RunFixture(.neverMarks, settings: "max_attempts: 2\n") { specs in
            try specs.unit("u")
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1)
        #expect(fixture.agent.prompts.count == 2)
        let failed = try fixture.events(result).first { $0.type == .unitFailed }
        #expect(failed?.error?.contains("without marking any task") == true, "\(String(describing: failed))")
        #expect(failed?.error?.contains("after 2 attempts") == true)
        // A report for a person, not the instruction the agent was given.
        #expect(failed?.error?.contains("`choo logs u` shows what it did") == true)
        #expect(failed?.error?.contains("Implement one task") == false)
    }

    @Test("one unit, one attempt: the run's lines say `1 unit` and `after 1 attempt`, not `1 units`")
    func singular() async throws {
        let fixture = try await RunFixture(.neverMarks, settings: "max_attempts: 1\n") { specs in
            try specs.unit("u")
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("run started: 1 unit, parallelism"), "\(result.stdout)")
        #expect(result.stdout.contains("(after 1 attempt)"), "\(result.stdout)")
        #expect(!result.stdout.contains("1 units") && !result.stdout.contains("1 attempts"))
        let history = try await fixture.choo("history")
        #expect(history.stdout.contains("  1 unit: 0 complete, 1 failed"), "\(history.stdout)")
    }

    @Test("a second run with nothing left to do says so, starts nothing and records no run")
    func nothingToRun() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        let again = try await fixture.choo("run")
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(again.stdout == "Nothing to run: all 1 unit in specs/tasks are complete.\n", "\(again.stdout)")
        let history = try await fixture.choo("history", "--json")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [Any])
        #expect(runs.count == 1, "the second run recorded nothing")
    }

    @Test("a bad flag value is the flag's problem: no line blames the spec tree")
    func badFlagNotBlamedOnTree() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in try specs.unit("u") }
        let result = try await fixture.choo("run", "-p", "0")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--parallelism must be 1 or more, not 0"), "\(result.stderr)")
        #expect(!result.stderr.contains("invalid") && !result.stderr.contains("specs/tasks:"), "\(result.stderr)")
    }

    @Test("an agent that crashes fails the unit with its exit code")
    func crash() async throws {
        let fixture = try await RunFixture(.crash(code: 7), settings: "max_attempts: 1\n") { specs in
            try specs.unit("u")
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("u: task #1: The agent exited 7."), "\(result.stdout)")
        let log = try String(
            contentsOfFile: fixture.repository("/.ralph/worktrees/logs/run-1/u/001-task1-attempt1.log"),
            encoding: .utf8
        )
        #expect(log.contains("## prompt"))
        #expect(log.contains("fake agent: something broke"))
        #expect(log.contains("exited 7"))
    }

    @Test("an agent that hangs is stopped by the timeouts, its process group with it")
    func hang() async throws {
        let fixture = try await RunFixture(
            .hang,
            settings: "max_attempts: 1\nagent_idle_timeout: 300ms\n"
        ) { specs in
            try specs.unit("u")
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1)
        let failed = try fixture.events(result).first { $0.type == .unitFailed }
        // The reason names the limit and its setting.
        #expect(
            failed?.error?.contains("printed nothing for 300ms (agent_idle_timeout;") == true,
            "\(String(describing: failed))"
        )
        for pid in fixture.agent.processIdentifiers {
            #expect(!ProcessTable.isRunning(pid), "agent \(pid) still running")
        }
    }

    @Test("a failed unit blocks its dependent while an independent unit completes; exit 1")
    func failCompleteBlock() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: ["broken": .crash(code: 1)],
            settings: "max_attempts: 1\n"
        ) {
            specs in
            try specs.unit("broken")
            try specs.unit("fine", tasks: [.init(1, backpressure: workCheck("fine", 1))])
            try specs.unit("after", dependsOn: ["broken"])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1)
        let events = try fixture.events(result)
        #expect(events.contains { $0.type == .unitCompleted && $0.unit == "fine" })
        #expect(events.contains { $0.type == .unitFailed && $0.unit == "broken" })
        let blocked = events.first { $0.type == .unitBlocked }
        #expect(blocked?.unit == "after")
        #expect(blocked?.payload == .unitBlocked(.init(blockedBy: ["broken"])))
        #expect(!events.contains { $0.type == .unitStarted && $0.unit == "after" })
        let summary = try await fixture.choo("run")
        #expect(summary.stdout.contains("after: blocked by broken"))
    }

    @Test("a missing agent binary exits 2 before anything is created")
    func missingAgent() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "") { specs in
            try specs.unit("u")
        }
        try fixture.specs.write(
            ".choo.yaml",
            "provider:\n  type: ghost\n  providers:\n    ghost:\n      command: ghost-agent-cli\n"
        )
        try await fixture.repository.git("commit", "--quiet", "-am", "ghost agent")
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("the agent `ghost-agent-cli` (provider ghost, needed by u) was not found"))
        #expect(result.stderr.contains("looked in: /"))
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty)
    }

    @Test(
        "an agent path that is not executable, or does not exist, is named for what it is",
        arguments: [(true, "exists but is not executable; make it so with `chmod +x"), (false, "does not exist")]
    )
    func agentPathNotRunnable(exists: Bool, message: String) async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in try specs.unit("u") }
        let path = TemporaryDirectory.current("agent/plain-file.sh")
        if exists { try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8) }
        try fixture.specs.write(
            ".choo.yaml",
            "provider:\n  type: mine\n  providers:\n    mine:\n      command: \(path)\n"
        )
        try await fixture.repository.git("commit", "--quiet", "-am", "an agent by path")
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains("the agent `\(path)` (provider mine, needed by u) \(message)"),
            "\(result.stderr)"
        )
        #expect(!result.stderr.contains("looked in"), "a path is not looked up on PATH")
    }

    @Test("--json prints only events, one JSON object per line, in order")
    func jsonLines() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["type"] is String && object?["time"] is String, "\(line)")
        }
        #expect(
            try fixture.events(result).map(\.typeName) == [
                "orch.started", "unit.queued", "unit.started", "unit.worktree", "task.started", "task.claude.invoke",
                "task.agent.started", "task.claude.done", "task.backpressure", "task.validation.ok", "task.completed",
                "task.committed",
                "unit.merge.queued", "unit.merge.started", "unit.merged", "unit.completed",
                // The landed worktree went to the pool, its disk use measured.
                "unit.worktree.disk", "orch.completed",
            ]
        )
    }

    @Test("Ctrl-C lets the running agent finish and commit, exits 130; the rerun does not redo committed tasks")
    func interruptAndResume() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "02-task-2", gate: gate)) { specs in
            try specs.unit("u", tasks: (1 ... 3).map { .init($0, backpressure: workCheck("u", $0)) })
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskCommitted, unit: "u", task: 1)
        await run.events.first(.taskClaudeInvoke, unit: "u", task: 2)
        await run.send(SIGINT)
        await run.events.first(.orchInterrupted)
        // Let the agent finish its turn now that the stop was requested.
        try FakeAgent.openGate(gate)
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(130), "\(outcome.output)")
        #expect(
            try await fixture.commits(on: "ralph/u") == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
        try FileManager.default.removeItem(atPath: gate)

        let promptsBefore = fixture.agent.prompts.count
        let again = try await fixture.choo("run")
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
                "feat(u): complete task #3 - Task 3",
            ]
        )
        let newPrompts = fixture.agent.prompts.dropFirst(promptsBefore)
        #expect(newPrompts.count == 1)
        #expect(newPrompts.allSatisfy { !$0.contains("## Task #1") && !$0.contains("## Task #2") })
    }

    @Test("a second Ctrl-C stops the agent at once")
    func secondInterrupt() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u")
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        await run.send(SIGINT)
        await run.events.first(.orchInterrupted)
        await run.send(SIGINT)
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(130), "\(outcome.output)")
        #expect(run.events.all.contains { $0.type == .unitInterrupted && $0.unit == "u" })
        for pid in fixture.agent.processIdentifiers {
            #expect(!ProcessTable.isRunning(pid), "agent \(pid) still running")
        }
        #expect(try await fixture.commits(on: "ralph/u").isEmpty)
    }

    @Test(
        "after Ctrl-C twice, started units count as stopped (with what they committed), untouched ones as not started"
    )
    func stoppedUnitsCounted() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(
            .waitAtGate(task: "02-task-2", gate: gate),
            overrides: ["b": .waitAtGate(task: "01-task-1", gate: gate)]
        ) { specs in
            try specs.unit("a", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("a", $0)) })
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
            try specs.unit("c", dependsOn: ["a"])
        }
        let run = RunningChoo(["run", "--json", "-p", "2"], in: fixture.repository.path)
        await run.events.first(.taskClaudeInvoke, unit: "a", task: 2)
        await run.events.first(.taskClaudeInvoke, unit: "b", task: 1)
        await run.send(SIGINT)
        await run.events.first(.orchInterrupted)
        await run.send(SIGINT)
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(130), "\(outcome.output)")
        let finished = try #require(run.events.all.last)
        guard case .orchFailed(let counts) = finished.payload else {
            Issue.record("the last event is \(finished.typeName)")
            return
        }
        #expect(counts.stopped == 2 && counts.notStarted == 1 && counts.total == 3, "\(counts)")
        // The summary of the same events names what each stopped unit committed.
        let state = RunState(events: run.events.all)
        #expect(state.unit("a")?.committedTasks == [1] && state.unit("b")?.committedTasks == [])
        let history = try await fixture.choo("history")
        #expect(
            history.stdout.contains("3 units: 0 complete, 0 failed, 0 blocked, 2 stopped, 1 not started"),
            "\(history.stdout)"
        )
    }

    @Test("a second choo run while one is active exits 2 naming the running process")
    func oneRunAtATime() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let first = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await first.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        let second = try await fixture.choo("run")
        #expect(second.exitCode == 2)
        #expect(second.stderr.contains("another choo run is already running in this repository (pid "))
        // Cleanup never works under a running agent's feet, not even to look.
        for arguments in [["cleanup"], ["cleanup", "--dry-run"]] {
            let cleanup = try await ChooBinary.run(arguments, in: fixture.repository.path)
            #expect(cleanup.exitCode == 2, "\(arguments): \(cleanup.stdout)\(cleanup.stderr)")
            #expect(cleanup.stderr.contains("choo cleanup does not run while a run is in progress"))
        }
        #expect(FileSystem.exists(fixture.repository(".ralph/worktrees/u")))
        try FakeAgent.openGate(gate)
        #expect(try await first.wait().termination == .exited(0))
    }

    @Test("a lock file left by a dead process is taken over")
    func staleLock() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        try fixture.specs.write(".ralph/worktrees/choo.lock", "pid 999999, started 2020-01-01T00:00:00Z: choo run\n")
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("after kill -9, the rerun keeps the agent's uncommitted partial work and tells the agent about it")
    func resumeAfterKill() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "02-task-2", gate: gate)) { specs in
            try specs.unit("u", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("u", $0)) })
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskAgentStarted, unit: "u", task: 2)
        // The agent had started editing when choo died.
        try "half done\n".write(
            toFile: fixture.repository(".ralph/worktrees/u/partial.txt"),
            atomically: true,
            encoding: .utf8
        )
        await run.send(SIGKILL)
        _ = try await run.wait()
        // A killed choo leaves its agents running (they have sessions of their own): stop them.
        for pid in fixture.agent.processIdentifiers { kill(pid, SIGKILL) }
        try FileManager.default.removeItem(atPath: gate)

        let again = try await fixture.choo("run", "--json")
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        let events = try fixture.events(again)
        let resumed = events.first { $0.type == .unitResumed }
        #expect(resumed?.payload == .unitResumed(.init(uncommitted: ["partial.txt"])))
        let prompt = try #require(fixture.agent.prompts.last)
        #expect(prompt.contains("Unfinished work from an interrupted attempt"))
        #expect(prompt.contains("- `partial.txt`"))
        #expect(!prompt.contains("## Task #1"), "task 1 was committed before the kill")
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
        #expect(try fixture.repository.read("partial.txt") == "half done\n")
    }

    @Test("a merge left half-way in a unit's worktree is rolled back before the unit goes on")
    func unfinishedMergeRolledBack() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "worktree:\n  keep: true\n") { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        // A unit branch whose task is done but not landed (as an earlier run left it), then main moves on.
        let worktree = fixture.repository(".ralph/worktrees/u")
        try "/.ralph/worktrees/\n".write(
            toFile: fixture.repository(".git/info/exclude"),
            atomically: true,
            encoding: .utf8
        )
        try await fixture.repository.git("worktree", "add", "-q", "-b", "ralph/u", worktree, "main")
        try FileManager.default.createDirectory(atPath: worktree + "/work", withIntermediateDirectories: true)
        try "done\n".write(toFile: worktree + "/work/u-01-task-1.done", atomically: true, encoding: .utf8)
        let taskFile = worktree + "/specs/tasks/u/01-task-1.md"
        let text = try String(contentsOfFile: taskFile, encoding: .utf8)
        try text.replacingOccurrences(of: "status: pending", with: "status: complete")
            .write(toFile: taskFile, atomically: true, encoding: .utf8)
        try await fixture.repository.git(arguments: ["add", "-A"], in: worktree)
        try await fixture.repository.git(
            arguments: ["commit", "-q", "-m", "feat(u): complete task #1 - Task 1"],
            in: worktree
        )
        _ = try await fixture.repository.commit("someone else", files: ["other.txt": "other\n"])
        // choo died in the middle of a merge in the worktree.
        try await fixture.repository.git(arguments: ["merge", "--no-commit", "--no-ff", "main"], in: worktree)
        #expect(FileManager.default.fileExists(atPath: fixture.repository(".git/worktrees/u/MERGE_HEAD")))

        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        #expect(
            events.contains { $0.details(Event.MergeUpdated.self)?.rolledBack == "merge" }
        )
        #expect(try await fixture.landed() == ["someone else", "feat(u): complete task #1 - Task 1"])
        #expect(fixture.agent.prompts.isEmpty, "the task was already done")
    }

    @Test("a task marked complete but not committed when choo died is checked and committed, not skipped or redone")
    func markedButNotCommitted() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("u", $0)) })
        }
        let worktree = fixture.repository(".ralph/worktrees/u")
        try "/.ralph/worktrees/\n".write(
            toFile: fixture.repository(".git/info/exclude"),
            atomically: true,
            encoding: .utf8
        )
        try await fixture.repository.git("worktree", "add", "-q", "-b", "ralph/u", worktree, "main")
        // The agent did task 1 and marked it; choo died before committing.
        try FileManager.default.createDirectory(atPath: worktree + "/work", withIntermediateDirectories: true)
        try "done\n".write(toFile: worktree + "/work/u-01-task-1.done", atomically: true, encoding: .utf8)
        let taskFile = worktree + "/specs/tasks/u/01-task-1.md"
        try String(contentsOfFile: taskFile, encoding: .utf8)
            .replacingOccurrences(of: "status: pending", with: "status: complete")
            .write(toFile: taskFile, atomically: true, encoding: .utf8)

        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let events = try fixture.events(result)
        let checkedFirst = events.firstIndex { $0.type == .taskValidationOK && $0.task == 1 }
        let firstAgent = events.firstIndex { $0.type == .taskClaudeInvoke }
        #expect(checkedFirst != nil && firstAgent != nil && checkedFirst! < firstAgent!)
        #expect(fixture.agent.prompts.count == 1)
        #expect(fixture.agent.prompts.first?.contains("## Task #1") == false)
        #expect(
            try await fixture.landed() == [
                "feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2",
            ]
        )
    }

    @Test(
        "kill -9 after k events, then the same command: every unit lands once, every task is committed once",
        .serialized,
        arguments: [4, 9, 14, 19, 24, 29, 34, 39, 44, 49]
    )
    func killAnywhereThenResume(k: Int) async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("a", $0)) })
            try specs.unit("b", dependsOn: ["a"], tasks: (1 ... 2).map { .init($0, backpressure: workCheck("b", $0)) })
            try specs.unit("c", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("c", $0)) })
        }
        let run = RunningChoo(["run", "--json", "-p", "2"], in: fixture.repository.path)
        await run.events.count(atLeast: k)
        await run.send(SIGKILL)
        _ = try await run.wait()

        let again = try await fixture.choo("run", "--json", "-p", "2")
        #expect(again.exitCode == 0, "k = \(k): \(again.stdout)\(again.stderr)")
        let landed = try await fixture.landed()
        let expected = ["a", "b", "c"].flatMap { unit in
            (1 ... 2).map { "feat(\(unit)): complete task #\($0) - Task \($0)" }
        }
        #expect(landed.sorted() == expected.sorted(), "k = \(k): \(landed)")
        #expect(landed.firstIndex(of: expected[1])! < landed.firstIndex(of: expected[2])!, "a lands before b")
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty)
        // Whatever the killed run left (worktrees of units it landed before dying) goes with cleanup.
        let cleanup = try await fixture.choo("cleanup")
        #expect(cleanup.exitCode == 0, "k = \(k): \(cleanup.stdout)\(cleanup.stderr)")
        let worktrees = try await fixture.repository.git("worktree", "list", "--porcelain")
        #expect(
            worktrees.components(separatedBy: "worktree ").count == 2,
            "k = \(k): only the main checkout: \(worktrees)"
        )
        #expect(try await fixture.repository.git("branch", "--list", "ralph/*").isEmpty, "k = \(k)")
    }

    @Test("the journal records every event, and history, logs and status read it")
    func journal() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: ["bad": .crash(code: 5)],
            settings: "max_attempts: 1\n"
        ) {
            specs in
            try specs.unit("good", tasks: [.init(1, backpressure: workCheck("good", 1))])
            try specs.unit("bad")
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 1)
        let journal = try #require(try RunJournal.existing(in: fixture.repository(".ralph/worktrees")))
        let run = try #require(try journal.runs().first)
        #expect(try journal.eventCount(run: run.id) == result.stdout.split(separator: "\n").count, "no event lost")
        #expect(run.outcome == "failed")
        let history = try await fixture.choo("history")
        #expect(history.stdout.contains("#1  "))
        #expect(history.stdout.contains("failed"))
        #expect(history.stdout.contains("2 units: 1 complete, 1 failed, 0 blocked"))
        let logs = try await fixture.choo("logs", "bad")
        #expect(logs.exitCode == 0)
        #expect(logs.stdout.contains("== run #1, task 1, attempt 1"))
        #expect(logs.stdout.contains("## prompt"))
        #expect(logs.stdout.contains("fake agent: something broke"))
        let status = try await fixture.choo("status")
        #expect(status.stdout.contains("last run #1: failed: task #1: The agent exited 5."))
        #expect(status.stdout.contains("Last run: #1"))
        let none = try await fixture.choo("logs", "good", "--task", "7")
        #expect(none.exitCode == 2)
        #expect(none.stderr.contains("has no agent logs for task #7"))
    }

    @Test("choo logs --follow prints an agent's log as it grows, to the end of the invocation")
    func followLogs() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        let repository = fixture.repository.path
        async let followed = ChooBinary.run(["logs", "u", "--follow"], in: repository)
        try FakeAgent.openGate(gate)
        #expect(try await run.wait().termination == .exited(0))
        let output = try await followed
        #expect(output.exitCode == 0)
        #expect(output.stdout.contains("waiting at the gate"))
        #expect(output.stdout.contains("## exit"))
    }

    @Test("a run that was killed shows in history as stopped abruptly, its units as they stood, as when it ran")
    func killedRunInHistory() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u")
            try specs.unit("v", dependsOn: ["u"])
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        // The journal writes on its own queue, so `--json` may print an event a moment before the
        // journal has it: read the history again until it shows the agent's start (a few tries).
        var running = try await fixture.choo("history")
        for _ in 0 ..< 50 where !running.stdout.contains("1 running") {
            running = try await fixture.choo("history")
        }
        #expect(running.stdout.contains("running (pid "), "\(running.stdout)")
        #expect(
            running.stdout.contains("2 units: 0 complete, 0 failed, 0 blocked, 1 running, 1 queued"),
            "\(running.stdout)"
        )
        await run.send(SIGKILL)
        _ = try await run.wait()
        for pid in fixture.agent.processIdentifiers { kill(pid, SIGKILL) }
        let history = try await fixture.choo("history")
        #expect(history.stdout.contains("stopped abruptly"), "\(history.stdout)")
        #expect(
            history.stdout.contains("2 units: 0 complete, 0 failed, 0 blocked, 1 stopped, 1 not started"),
            "\(history.stdout)"
        )
    }

    @Test("after choo is killed, the next run stops the agent it left running, then carries on")
    func killedRunLeftoversStopped() async throws {
        let fixture = try await RunFixture(.hangQuietly) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let first = RunningChoo(["run", "--json"], in: fixture.repository.path)
        let started = await first.events.first(.taskAgentStarted, unit: "a")
        guard let agent = started.details(Event.AgentStarted.self)?.pid else {
            Issue.record("no pid in \(started)")
            return
        }
        await first.send(SIGKILL)
        _ = try await first.wait()
        #expect(ProcessTable.isRunning(Int32(agent)), "the agent outlives choo (it has a session of its own)")
        // The next agent does the work (the same script path, rewritten).
        _ = try FakeAgent.install(.completeNextTask, in: TemporaryDirectory.current("agent"))
        let second = try await fixture.choo("run", "--json")
        #expect(second.exitCode == 0, "\(second.stderr)")
        let events = try fixture.events(second)
        let stopped = try #require(events.first { $0.type == .orchLeftoversStopped })
        #expect(stopped.details(Event.LeftoversStopped.self)?.processGroups == [agent])
        #expect(!ProcessTable.isRunning(Int32(agent)), "the leftover agent was stopped")
    }
}
