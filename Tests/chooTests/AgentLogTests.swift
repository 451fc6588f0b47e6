import ChooCore
import ChooTesting
import Foundation
import Testing

/// Agent logs are kept per run and named for their turn; `choo logs` shows the newest run's, or
/// the run asked for.
@Suite(.temporaryDirectory)
struct AgentLogTests {
    @Test("a rerun keeps the stopped run's logs; choo logs shows the newest run, --run N another")
    func logsPerRun() async throws {
        let agent = FakeAgent.Behaviour.scripted(
            """
            if first_visit; then echo "crashing on the first visit"; exit 7; fi
            echo "second visit: doing the work"
            do_work && mark_complete
            """
        )
        let fixture = try await RunFixture(agent, settings: "max_attempts: 1\n") { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 1)
        #expect(try await fixture.choo("run").exitCode == 0)

        let first = try String(
            contentsOfFile: fixture.repository(".ralph/worktrees/logs/run-1/u/001-task1-attempt1.log"),
            encoding: .utf8
        )
        let second = try String(
            contentsOfFile: fixture.repository(".ralph/worktrees/logs/run-2/u/001-task1-attempt1.log"),
            encoding: .utf8
        )
        #expect(first.contains("crashing on the first visit") && first.contains("# turn: task"))
        #expect(second.contains("second visit: doing the work"))

        let newest = try await fixture.choo("logs", "u")
        #expect(newest.exitCode == 0)
        #expect(newest.stdout.contains("== run #2, task 1, attempt 1: "), "\(newest.stdout)")
        #expect(!newest.stdout.contains("crashing"))
        let earlier = try await fixture.choo("logs", "u", "--run", "1")
        #expect(earlier.exitCode == 0)
        #expect(earlier.stdout.contains("== run #1, task 1, attempt 1: ") && earlier.stdout.contains("crashing"))
        let unknown = try await fixture.choo("logs", "u", "--run", "9")
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("has no agent logs in run #9 (runs are numbered 1 to 2"), "\(unknown.stderr)")
    }

    @Test("log file names say the turn, and the turn is read back from them", arguments: AgentTurn.allCases)
    func names(turn: AgentTurn) {
        let name = AgentLog.fileName(sequence: 12, turn: turn, task: turn == .task ? 3 : nil, attempt: 2)
        #expect(name == (turn == .task ? "012-task3-attempt2.log" : "012-\(turn.rawValue)-attempt2.log"))
        #expect(AgentLog.turn(ofFileName: name) == turn)
        #expect(AgentLog.turn(ofFileName: "notes.log") == nil)
    }
}
