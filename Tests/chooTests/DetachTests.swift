import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `choo run --detach`, `choo watch` and `choo stop`, through the built binary: the run outlives
/// the command that started it, and other commands find it through the run lock and the journal.
@Suite(.temporaryDirectory)
struct DetachTests {
    /// `choo run --detach --json`, which must have started a run; what it printed.
    private func detach(_ fixture: RunFixture, _ extra: String...) async throws -> DetachedRun.Started {
        let result = try await ChooBinary.run(["run", "--detach", "--json"] + extra, in: fixture.repository.path)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        return try JSONDecoder().decode(DetachedRun.Started.self, from: Data(result.stdout.utf8))
    }

    @Test("a detached run outlives its starter in a session of its own; watch follows it to its exit code")
    func detachThenWatch() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(
            .waitAtGate(task: "01-task-1", gate: gate),
            overrides: ["bad": .crash(code: 3)]
        ) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
            try specs.unit("bad", tasks: [.init(1, backpressure: workCheck("bad", 1))])
        }
        let started = try await detach(fixture)
        // The starting process has ended; the run goes on in a session of its own.
        #expect(started.run == 1)
        #expect(getsid(started.pid) == started.pid)
        #expect(started.log.hasSuffix(".ralph/worktrees/logs/run-1/choo.log"), "\(started.log)")

        let watch = RunningChoo(["watch", "--json"], in: fixture.repository.path)
        await watch.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        try FakeAgent.openGate(gate)
        let outcome = try await watch.wait()
        // `bad` failed, so the run (and watch) exits 1, after every event from the first.
        #expect(outcome.termination == .exited(1), "\(outcome.output)\(outcome.errorOutput)")
        let events = watch.events.all
        #expect(events.first?.type == .orchStarted)
        #expect(events.last?.type == .orchFailed)
        #expect(events.contains { $0.type == .unitCompleted && $0.unit == "u" })
        #expect(outcome.errorOutput.contains("run #1 failed (2 units: 1 complete, 1 failed"), "\(outcome.errorOutput)")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
        // Its output went to the log file.
        let log = try String(contentsOfFile: started.log, encoding: .utf8)
        #expect(log.contains("\"type\":\"orch.failed\""))

        // Watching a finished run prints it and exits with its code at once.
        let again = try await fixture.choo("watch", "1")
        #expect(again.exitCode == 1)
        #expect(again.stdout.contains("run #1 failed"), "\(again.stdout)")
    }

    @Test("stop asks a detached run to stop gracefully, waits and reports; the next run resumes it")
    func stopGracefullyThenResume() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u", tasks: (1 ... 2).map { .init($0, backpressure: workCheck("u", $0)) })
        }
        let started = try await detach(fixture)
        let watch = RunningChoo(["watch", "--json", String(started.run)], in: fixture.repository.path)
        await watch.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        let stop = RunningChoo(["stop"], in: fixture.repository.path)
        // Graceful: the run stops starting work and waits for the agent's turn, which may finish.
        await watch.events.first(.orchInterrupted)
        try FakeAgent.openGate(gate)
        let stopped = try await stop.wait()
        #expect(stopped.termination == .exited(0), "\(stopped.output)\(stopped.errorOutput)")
        #expect(stopped.output.contains("Stopping run #1 (pid \(started.pid)): running agents finish their turn"))
        #expect(stopped.output.contains("run #1 interrupted"), "\(stopped.output)")
        #expect(try await watch.wait().termination == .exited(130))
        // The task the agent finished was committed; nothing else ran.
        #expect(try await fixture.commits(on: "ralph/u") == ["feat(u): complete task #1 - Task 1"])

        let nothing = try await fixture.choo("stop")
        #expect(nothing.exitCode == 2)
        #expect(nothing.stderr.contains("run #1 is not running (it ended: interrupted)"), "\(nothing.stderr)")

        let resumed = try await fixture.choo("run")
        #expect(resumed.exitCode == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(
            try await fixture.landed() == ["feat(u): complete task #1 - Task 1", "feat(u): complete task #2 - Task 2"]
        )
        #expect(fixture.agent.prompts.filter { $0.contains("## Task #1") }.count == 1, "task 1 is not redone")
    }

    @Test("a second detached run is refused by the detaching command while one holds the lock; stop --now")
    func secondDetachedRunRefused() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(.waitAtGate(task: "01-task-1", gate: gate)) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let started = try await detach(fixture)
        let second = try await fixture.choo("run", "--detach")
        #expect(second.exitCode == 2)
        #expect(second.stderr.contains("another choo run is already running in this repository (pid \(started.pid)"))
        #expect(second.stdout.isEmpty)
        // The refused run left no log file behind.
        let base = try FileManager.default.contentsOfDirectory(atPath: fixture.repository(".ralph/worktrees"))
        #expect(!base.contains { $0.hasPrefix("choo-detached-") }, "\(base)")

        let stop = try await fixture.choo("stop", "--now", "--json")
        #expect(stop.exitCode == 0, "\(stop.stdout)\(stop.stderr)")
        let result = try JSONDecoder().decode(RunStop.Result.self, from: Data(stop.stdout.utf8))
        #expect(result.run == started.run && result.mode == "immediate" && result.exitCode == 130, "\(result)")
        for pid in fixture.agent.processIdentifiers { kill(pid, SIGKILL) }
    }

    @Test("a bad spec tree is reported by the detaching command itself, exit 2, and nothing starts")
    func badTreeRefusedBeforeDetaching() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", dependsOn: ["missing"], tasks: [.init(1, backpressure: "true")])
        }
        let result = try await fixture.choo("run", "--detach")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("IMPLEMENTATION_PLAN.md"), "\(result.stderr)")
        #expect(!FileSystem.exists(fixture.repository(".ralph/worktrees/choo.sqlite")))
        let watch = try await fixture.choo("watch")
        #expect(watch.exitCode == 2)
        #expect(watch.stderr.contains("no runs are recorded yet"), "\(watch.stderr)")
    }
}
