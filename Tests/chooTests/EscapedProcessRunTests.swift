import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `choo run` leaves no process behind, not even one an agent started outside its process group.
@Suite(.temporaryDirectory)
struct EscapedProcessRunTests {
    /// Running processes whose command line contains `marker`.
    static func processes(named marker: String) -> [ProcessTable.Entry] {
        ProcessTable.entries().filter { entry in
            entry.isRunning && (ProcessTable.commandLine(of: entry.pid)?.contains(marker) ?? false)
        }
    }

    @Test("a sleeper an agent started with setsid is stopped before choo exits, and named in its events")
    func agentsEscapedSleeperStopped() async throws {
        let marker = "choo-test-marker-" + UUID().uuidString
        // The sleeper keeps the agent's stdout open, too.
        let fixture = try await RunFixture(
            .scripted("setsid -f bash -c 'exec -a \(marker) sleep 600'\ndo_work && mark_complete")
        ) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Self.processes(named: marker).isEmpty, "nothing the agent started still runs")
        let events = try fixture.events(result)
        let stopped = try #require(events.first { $0.type == .processLeftoversStopped }, "\(result.stdout)")
        #expect(stopped.unit == "u")
        #expect(stopped.error?.contains(marker) == true, "\(stopped)")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("after choo is killed, the next run stops what its agent started outside its group, by tag")
    func killedRunsEscapedSleeperStopped() async throws {
        let marker = "choo-test-marker-" + UUID().uuidString
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(
            .scripted(
                "setsid -f bash -c 'exec -a \(marker) sleep 600' >/dev/null 2>&1\n"
                    + "read line < '\(gate)'\nexec sleep 600 >/dev/null 2>&1"
            )
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let first = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await first.events.first(.taskAgentStarted, unit: "a")
        // Opening the gate returns once the agent reads it: the sleeper has been started by then.
        try FakeAgent.openGate(gate)
        await first.send(SIGKILL)
        _ = try await first.wait()
        let sleepers = Self.processes(named: marker)
        #expect(sleepers.count == 1, "the sleeper outlives choo")
        _ = try FakeAgent.install(.completeNextTask, in: TemporaryDirectory.current("agent"))
        let second = try await fixture.choo("run", "--json")
        #expect(second.exitCode == 0, "\(second.stderr)")
        let stopped = try #require(try fixture.events(second).first { $0.type == .orchLeftoversStopped })
        guard let processes = stopped.details(Event.LeftoversStopped.self)?.processes else {
            Issue.record("no processes in \(stopped)")
            return
        }
        #expect(
            processes.contains { process in
                process.commandLine.contains(marker)
            },
            "\(stopped)"
        )
        #expect(Self.processes(named: marker).isEmpty, "the sleeper was stopped")
    }
}
