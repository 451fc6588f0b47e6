import ChooCore
import Foundation
import Testing

/// Agent log files read back (header, prompt, output, exit) and rendered for `choo logs`, whole
/// and as they grow.
struct AgentLogFileTests {
    /// A log in the current format.
    static func log(
        format: String,
        provider: String = "claude",
        session: String = "-",
        prompt: String = "Work on task 1.\n",
        output: [String],
        exit: String? = "exit 0 after 12.3 s"
    ) -> String {
        var text = """
            # choo agent log
            # unit: u
            # turn: task
            # task: 1
            # attempt: 2
            # provider: \(provider)
            # format: \(format)
            # session: \(session)
            # command: \(provider) -p <prompt>
            # prompt-bytes: \(prompt.utf8.count)

            ## prompt

            \(prompt)

            ## output


            """
        text += output.map { $0 + "\n" }.joined()
        if let exit { text += "\n## exit\n\n\(exit)\n" }
        return text
    }

    static let claudeLines = [
        #"{"type":"system","subtype":"init","cwd":"/w","session_id":"6f1","tools":["Bash"],"model":"claude-opus-4-6"}"#,
        #"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","resetsAt":1774447200,"rateLimitType":"five_hour"}}"#,
        #"{"type":"assistant","message":{"id":"msg_1","content":[{"type":"text","text":"Reading.\nThen editing."},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"Sources/Greeter.swift"}}],"usage":{"input_tokens":2,"output_tokens":58}}}"#,
        #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":false,"content":"…"}]}}"#,
        "Claude Code has a new installer",
        #"{"type":"assistant","message":{"id":"msg_2","content":[{"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"swift test"}}],"usage":{"input_tokens":3,"output_tokens":10}}}"#,
        #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_2","is_error":true}]}}"#,
        "stderr| warning: something odd",
        #"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":600,"error_status":529,"error":"overloaded"}"#,
        #"{"type":"result","subtype":"success","is_error":false,"duration_ms":14301,"num_turns":2,"result":"Done.","terminal_reason":"completed","session_id":"7a2","total_cost_usd":0.013645,"usage":{"input_tokens":9,"cache_creation_input_tokens":12871,"cache_read_input_tokens":36391,"output_tokens":510}}"#,
    ]

    @Test("a log of the current format: header fields, the prompt, stdout and stderr lines, the exit")
    func parse() {
        let file = AgentLogFile(parsing: Self.log(format: "claude-stream", session: "5e0", output: Self.claudeLines))
        #expect(file.header.unit == "u" && file.header.turn == "task" && file.header.task == 1)
        #expect(file.header.attempt == 2 && file.header.provider == "claude" && file.header.format == .claudeStream)
        #expect(file.header.session == "5e0" && file.header.command == "claude -p <prompt>")
        #expect(file.header.promptBytes == 16)
        #expect(file.prompt == "Work on task 1.\n")
        #expect(file.output.count == Self.claudeLines.count)
        #expect(file.output[4] == .stdout("Claude Code has a new installer"))
        #expect(file.output[7] == .stderr("warning: something odd"))
        #expect(file.exit == "exit 0 after 12.3 s")
    }

    @Test("a Claude stream renders as tool calls, failures, text, retries, stderr and the result")
    func renderClaude() {
        let lines = AgentLogRenderer.render(
            Array(Self.log(format: "claude-stream", session: "5e0", output: Self.claudeLines).utf8)
        )
        #expect(
            lines == [
                "unit u, task 1, attempt 2, provider claude (claude-stream)",
                "resumes session 5e0",
                "command: claude -p <prompt>",
                "",
                "## prompt (16 bytes, 1 line)",
                "",
                "Work on task 1.",
                "",
                "## output",
                "",
                "session 6f1 (claude-opus-4-6)",
                "Reading.",
                "Then editing.",
                "▸ Read Sources/Greeter.swift",
                "Claude Code has a new installer",
                "▸ Bash swift test",
                "✗ Bash swift test failed",
                "stderr| warning: something odd",
                "· API retry (status 529, attempt 1, waiting 600 ms)",
                "= result: success, 2 turns, 14.3 s, tokens: 9 input, 510 output, 36391 cache read, 12871 cache write, "
                    + "$0.0136 reported",
                "",
                "## exit",
                "",
                "exit 0 after 12.3 s",
            ]
        )
    }

    @Test("a Claude usage limit shows with its reset time, and the error result with its message")
    func renderClaudeLimit() throws {
        let text = Self.log(
            format: "claude-stream",
            output: [
                #"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1778565600,"rateLimitType":"five_hour"}}"#,
                #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"You've hit your limit · resets 7am (Europe/Lisbon)"}]},"error":"rate_limit"}"#,
                #"{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":0,"total_cost_usd":0,"result":"You've hit your limit · resets 7am (Europe/Lisbon)"}"#,
            ],
            exit: "exit 1 after 0.4 s"
        )
        let lisbon = try #require(TimeZone(identifier: "Europe/Lisbon"))
        let lines = AgentLogRenderer.render(Array(text.utf8), timeZone: lisbon)
        let output = try #require(lines.firstIndex(of: "## output"))
        #expect(
            Array(lines[(output + 2)...])
                == [
                    "· usage limit reached (five_hour), resets 2026-05-12 07:00 (Europe/Lisbon)",
                    "You've hit your limit · resets 7am (Europe/Lisbon)",
                    "= result: error (success), HTTP 429, 0 turns, $0.0000 reported",
                    "  You've hit your limit · resets 7am (Europe/Lisbon)",
                    "",
                    "## exit",
                    "",
                    "exit 1 after 0.4 s",
                ]
        )
    }

    @Test("a Codex stream renders its commands and file changes, messages, and a failed turn's message")
    func renderCodex() throws {
        let text = Self.log(
            format: "codex-jsonl",
            provider: "codex",
            output: [
                #"{"type":"thread.started","thread_id":"0199a213"}"#,
                #"{"type":"turn.started"}"#,
                #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","status":"in_progress"}}"#,
                #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","exit_code":2,"status":"failed"}}"#,
                #"{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"src/a.rs","kind":"update"}],"status":"completed"}}"#,
                #"{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Almost."}}"#,
                #"{"type":"error","message":"You've hit your usage limit. Try again at 3:28 PM."}"#,
                #"{"type":"turn.failed","error":{"message":"You've hit your usage limit. Try again at 3:28 PM."}}"#,
            ],
            exit: "exit 1 after 2.0 s"
        )
        let lines = AgentLogRenderer.render(Array(text.utf8))
        #expect(lines.first == "unit u, task 1, attempt 2, provider codex (codex-jsonl)")
        let output = try #require(lines.firstIndex(of: "## output"))
        #expect(
            Array(lines[(output + 2) ..< (lines.count - 4)])
                == [
                    "session 0199a213",
                    "▸ Shell bash -lc ls",
                    "✗ Shell bash -lc ls failed",
                    "▸ Edit src/a.rs",
                    "Almost.",
                    "= result: error (turn.failed), failed",
                    "  You've hit your usage limit. Try again at 3:28 PM.",
                ]
        )
    }

    @Test("text output shows as it is, blank lines and stream-like lines included")
    func renderText() throws {
        let output = ["working on it", "", #"{"type":"result"}"#, "stderr| oops", "done"]
        let lines = AgentLogRenderer.render(Array(Self.log(format: "text", provider: "fake", output: output).utf8))
        #expect(lines.first == "unit u, task 1, attempt 2, provider fake")
        let start = try #require(lines.firstIndex(of: "## output")) + 2
        #expect(
            Array(lines[start ..< start + 5]) == ["working on it", "", #"{"type":"result"}"#, "stderr| oops", "done"]
        )
    }

    @Test("a log of the old format (no format, provider or prompt size) reads as text, its turn and command kept")
    func oldFormat() throws {
        let text = """
            # choo agent log
            # unit: u
            # turn: conflict
            # task: -
            # attempt: 1
            # command: /bin/fake-agent.sh <prompt>

            ## prompt

            Resolve the conflicts.

            ## output

            fake agent: something broke

            ## exit

            exit 5 after 0.1 s

            """
        let file = AgentLogFile(parsing: text)
        #expect(file.header.turn == "conflict" && file.header.task == nil && file.header.provider == nil)
        #expect(file.header.format == .text && file.header.promptBytes == nil)
        #expect(file.prompt == "Resolve the conflicts.")
        #expect(file.output == [.stdout("fake agent: something broke")])
        #expect(file.exit == "exit 5 after 0.1 s")
        let lines = AgentLogRenderer.render(Array(text.utf8))
        #expect(lines.first == "unit u, conflict turn, attempt 1")
        #expect(lines.contains("fake agent: something broke") && lines.last == "exit 5 after 0.1 s")

        // A log of the old format whose command asked for a stream is read as that stream.
        let streamed = text.replacingOccurrences(
            of: "# command: /bin/fake-agent.sh <prompt>",
            with: "# command: claude -p --output-format stream-json --verbose <prompt>"
        )
        #expect(AgentLogFile(parsing: streamed).header.format == .claudeStream)
    }

    @Test("the prompt's size says where it ends, even when it holds an output heading; output may hold an exit one")
    func headingsInside() {
        let prompt = "The spec says:\n\n## output\n\nprint hello\n\n## exit\n\nnever\n"
        let output = ["## exit", "", "is a heading I printed", "", "## exit", "more"]
        let file = AgentLogFile(parsing: Self.log(format: "text", prompt: prompt, output: output))
        #expect(file.prompt == prompt)
        #expect(file.output == output.map { .stdout($0) })
        #expect(file.exit == "exit 0 after 12.3 s")
    }

    @Test("a running log has no exit, and its rendering says so")
    func running() {
        let text = Self.log(format: "claude-stream", output: Array(Self.claudeLines.prefix(3)), exit: nil)
        let file = AgentLogFile(parsing: text)
        #expect(file.exit == nil && file.output.count == 3)
        let lines = AgentLogRenderer.render(Array(text.utf8))
        #expect(lines.last == "(no exit yet: the invocation is still running, or choo stopped before it ended)")
        #expect(lines.contains("▸ Read Sources/Greeter.swift"))
    }

    @Test("a log read as it grows renders the same as read whole", arguments: [1, 3, 17, 256])
    func incremental(chunk: Int) {
        for text in [
            Self.log(format: "claude-stream", output: Self.claudeLines),
            Self.log(format: "text", prompt: "a\n\n## output\n\nb", output: ["x", "", "## exit", ""], exit: "killed"),
            Self.log(format: "codex-jsonl", output: ["not json", #"{"type":"turn.completed","usage":{}}"#], exit: nil),
        ] {
            let bytes = Array(text.utf8)
            var renderer = AgentLogRenderer()
            var lines: [String] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                lines += renderer.append(bytes[start ..< end])
                start = end
            }
            lines += renderer.finish()
            #expect(lines == AgentLogRenderer.render(bytes), "chunks of \(chunk)")
        }
    }

    @Test("output lines arrive once complete; the exit section is held until the end shows it is one")
    func growing() {
        var reader = AgentLogFile.Reader()
        let head = Self.log(format: "text", output: [], exit: nil)
        var pieces = reader.append(Array(head.utf8))
        #expect(pieces.count == 2)
        pieces = reader.append(Array("one\ntw".utf8))
        #expect(pieces == [.output(.stdout("one"))])
        pieces = reader.append(Array("o\n\n## exit\n\n".utf8))
        #expect(pieces == [.output(.stdout("two"))])
        pieces = reader.append(Array("exit 0 after 1.0 s\n".utf8))
        #expect(pieces.isEmpty)
        #expect(reader.finish() == [.exit("exit 0 after 1.0 s")])
    }

    @Test("a line that is not JSON shows as it is, cut when it is enormous")
    func enormousLine() throws {
        let huge = String(repeating: "x", count: 5000)
        let lines = AgentLogRenderer.render(Array(Self.log(format: "claude-stream", output: [huge]).utf8))
        let shown = try #require(lines.first { $0.hasPrefix("xxx") })
        #expect(shown == String(repeating: "x", count: 2000) + "… (5000 bytes in all)")
    }
}
