import Foundation
import Testing

@testable import ChooCore

/// The agent CLIs' machine output read into one typed stream, from lines in the shapes the CLIs print.
struct AgentStreamTests {
    static func decode(_ lines: [String], with decoder: some AgentStreamDecoder) -> [AgentEvent] {
        var decoder = decoder
        return lines.flatMap { decoder.decode($0) }
    }

    @Test("Claude: session, tools with their files and commands, text, usage counted once per step, result")
    func claudeTurn() {
        let lines = [
            #"{"type":"system","subtype":"init","cwd":"/w","session_id":"6f1","tools":["Bash"],"model":"claude-opus-4-6"}"#,
            #"{"type":"assistant","message":{"id":"msg_1","content":[{"type":"text","text":"Reading."},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/w/main.swift"}}],"usage":{"input_tokens":2,"cache_creation_input_tokens":100,"cache_read_input_tokens":9600,"output_tokens":58}},"session_id":"6f1"}"#,
            // The same step again, with its final output count: replaces, not adds.
            #"{"type":"assistant","message":{"id":"msg_1","content":[],"usage":{"input_tokens":2,"cache_creation_input_tokens":100,"cache_read_input_tokens":9600,"output_tokens":60}}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":false,"content":"…"}]}}"#,
            #"{"type":"assistant","message":{"id":"msg_2","content":[{"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"swift test"}}],"usage":{"input_tokens":3,"output_tokens":10}}}"#,
            #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_2","is_error":true}]}}"#,
            #"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":600,"error_status":529,"error":"overloaded"}"#,
            #"{"type":"system","subtype":"hook_started","hook":"x"}"#,
            #"{"type":"something_new","field":1}"#,
            #"{"type":"result","subtype":"success","is_error":false,"duration_ms":14301,"num_turns":2,"result":"Done.","terminal_reason":"completed","session_id":"7a2","total_cost_usd":0.013645,"usage":{"input_tokens":9,"cache_creation_input_tokens":12871,"cache_read_input_tokens":36391,"output_tokens":510}}"#,
        ]
        let events = Self.decode(lines, with: ClaudeStreamDecoder())
        let step1 = TokenUsage(input: 2, output: 58, cacheRead: 9600, cacheWrite: 100)
        let step1Final = TokenUsage(input: 2, output: 60, cacheRead: 9600, cacheWrite: 100)
        #expect(
            events == [
                .sessionStarted(id: "6f1", model: "claude-opus-4-6"),
                .text("Reading."),
                .toolStarted(id: "toolu_1", name: "Read", target: "/w/main.swift"),
                .usage(step1),
                .usage(step1Final),
                .toolFinished(id: "toolu_1", failed: false),
                .toolStarted(id: "toolu_2", name: "Bash", target: "swift test"),
                .usage(step1Final + TokenUsage(input: 3, output: 10)),
                .toolFinished(id: "toolu_2", failed: true),
                .apiRetry(status: 529, attempt: 1, delayMilliseconds: 600),
                .result(
                    AgentResult(
                        isError: false,
                        kind: "success",
                        reason: "completed",
                        message: "Done.",
                        turns: 2,
                        durationMilliseconds: 14301,
                        costUSD: 0.013645,
                        usage: TokenUsage(input: 9, output: 510, cacheRead: 36391, cacheWrite: 12871),
                        sessionID: "7a2"
                    )
                ),
            ]
        )
    }

    @Test("Claude: a usage limit arrives as a rejected rate-limit event with its reset, then an error result")
    func claudeUsageLimit() throws {
        let lines = [
            #"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","resetsAt":1774447200,"rateLimitType":"five_hour"}}"#,
            #"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1778565600000,"rateLimitType":"seven_day"}}"#,
            #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"You've hit your limit · resets 2pm (Asia/Shanghai)"}]},"error":"rate_limit"}"#,
            #"{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":0,"total_cost_usd":0,"result":"","errors":["You've hit your limit · resets 2pm (Asia/Shanghai)"]}"#,
        ]
        let events = Self.decode(lines, with: ClaudeStreamDecoder())
        guard case .rateLimit(let allowed) = events[0], case .rateLimit(let rejected) = events[1],
            case .result(let result) = try #require(events.last)
        else {
            Issue.record("unexpected events: \(events)")
            return
        }
        #expect(!allowed.rejected && allowed.window == "five_hour")
        #expect(allowed.resetsAt == Date(timeIntervalSince1970: 1_774_447_200))
        // Milliseconds are told from seconds by size.
        #expect(rejected.rejected && rejected.resetsAt == Date(timeIntervalSince1970: 1_778_565_600))
        #expect(result.isError && result.apiStatus == 429 && result.turns == 0 && result.costUSD == 0)
        #expect(result.message == "You've hit your limit · resets 2pm (Asia/Shanghai)")
    }

    @Test("Claude: a non-JSON line is kept as unreadable, and an event written inside another line is found")
    func claudeDamagedLines() {
        let injected =
            #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"hal"#
            + #"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1778565600}}"#
        let events = Self.decode(["Welcome to Claude Code v2.1!", injected], with: ClaudeStreamDecoder())
        #expect(
            events == [
                .unreadable("Welcome to Claude Code v2.1!"),
                .rateLimit(
                    RateLimitReport(status: "rejected", resetsAt: Date(timeIntervalSince1970: 1_778_565_600))
                ),
            ]
        )
    }

    @Test("Codex: thread, commands, file changes, messages, the thread's usage without its cache, the end")
    func codexTurn() {
        let lines = [
            #"{"type":"thread.started","thread_id":"0199a213"}"#,
            #"{"type":"turn.started"}"#,
            #"{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Searching**"}}"#,
            #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","status":"in_progress"}}"#,
            #"{"type":"item.updated","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","status":"in_progress"}}"#,
            #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","exit_code":2,"status":"failed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_4","type":"file_change","changes":[{"path":"src/a.rs","kind":"update"}],"status":"completed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Done."}}"#,
            #"{"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}"#,
        ]
        let usage = TokenUsage(input: 315, output: 122, cacheRead: 24448)
        #expect(
            Self.decode(lines, with: CodexJSONLDecoder()) == [
                .sessionStarted(id: "0199a213", model: nil),
                .toolStarted(id: "item_1", name: "Shell", target: "bash -lc ls"),
                .toolFinished(id: "item_1", failed: true),
                .toolStarted(id: "item_4", name: "Edit", target: "src/a.rs"),
                .toolFinished(id: "item_4", failed: false),
                .text("Done."),
                .usage(usage),
                .result(AgentResult(isError: false, kind: "turn.completed", reason: "completed", usage: usage)),
            ]
        )
    }

    @Test("Codex: a failed turn carries its message; an error before a bare failure is kept for it")
    func codexFailure() {
        let limit = "You've hit your usage limit. Try again at 3:28 PM."
        let events = Self.decode(
            [#"{"type":"error","message":"\#(limit)"}"#, #"{"type":"turn.failed","error":{}}"#, "garbage"],
            with: CodexJSONLDecoder()
        )
        #expect(
            events == [
                .result(AgentResult(isError: true, kind: "turn.failed", reason: "failed", message: limit)),
                .unreadable("garbage"),
            ]
        )
    }

    @Test("lines of any length, in any chunks, with CRLF and blank lines; only an over-limit line is skipped")
    func lines() {
        var splitter = StreamLines(limit: 64)
        let long = String(repeating: "x", count: 100)
        var pieces: [StreamLines.Piece] = []
        for chunk in ["{\"a\":", "1}\r\n\n  \n", long.prefix(50) + "", long.suffix(50) + "\nnext", " line"] {
            pieces += splitter.append(chunk)
        }
        pieces += splitter.finish()
        #expect(pieces == [.line("{\"a\":1}"), .oversized(bytes: 100), .line("next line")])

        var big = StreamLines()
        let huge = String(repeating: "y", count: 20 * 1024 * 1024)
        #expect(big.append(huge + "\n") == [.line(huge)])
    }
}
