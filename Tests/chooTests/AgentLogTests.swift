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

extension AgentLogTests {
    @Test("choo logs renders a streamed turn (tools, text, result); --raw prints the file as written")
    func renderedAndRaw() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        // The run's log, as a Claude turn that streamed would have written it.
        let file = fixture.repository(".ralph/worktrees/logs/run-1/u/001-task1-attempt1.log")
        let prompt = "Work on task 1.\n\n## output\n\nis in the spec, not the log.\n"
        let log = """
            # choo agent log
            # unit: u
            # turn: task
            # task: 1
            # attempt: 1
            # provider: claude
            # format: claude-stream
            # session: -
            # command: claude --dangerously-skip-permissions -p --output-format stream-json --verbose <prompt>
            # prompt-bytes: \(prompt.utf8.count)

            ## prompt

            \(prompt)

            ## output

            {"type":"system","subtype":"init","session_id":"6f1","model":"claude-opus-4-6"}
            {"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Editing."},{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"Sources/Greeter.swift"}}]}}
            {"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","is_error":true}]}}
            stderr| a warning
            {"type":"result","subtype":"success","is_error":false,"num_turns":3,"duration_ms":2500,"total_cost_usd":0.5}

            ## exit

            exit 0 after 2.6 s

            """
        try log.write(toFile: file, atomically: true, encoding: .utf8)

        let shown = try await fixture.choo("logs", "u")
        #expect(shown.exitCode == 0)
        for line in [
            "== run #1, task 1, attempt 1: ", "unit u, task 1, attempt 1, provider claude (claude-stream)",
            "## prompt (\(prompt.utf8.count) bytes, 5 lines)", "is in the spec, not the log.",
            "session 6f1 (claude-opus-4-6)", "Editing.", "▸ Edit Sources/Greeter.swift",
            "✗ Edit Sources/Greeter.swift failed", "stderr| a warning",
            "= result: success, 3 turns, 2.5 s, $0.5000 reported",
            "## exit", "exit 0 after 2.6 s",
        ] {
            #expect(shown.stdout.contains(line), "\(line) in \(shown.stdout)")
        }
        #expect(!shown.stdout.contains(#"{"type":"#))

        let raw = try await fixture.choo("logs", "u", "--raw")
        #expect(raw.exitCode == 0)
        #expect(raw.stdout.contains(log), "\(raw.stdout)")
    }
}
