import Foundation
import Synchronization
import Testing

@testable import ChooCore

/// The pieces an agent turn is made of: secrets out of logs, the usage-limit verdict, the pauses
/// and budgets every unit shares, and the reader that logs and decodes the stream.
struct AgentTurnPartsTests {
    // MARK: Secrets

    @Test("secrets from the environment and well-known token shapes are taken out; ordinary text stays")
    func redaction() {
        let redactor = SecretRedactor(
            secrets: ["held-by-choo-123"],
            environment: [
                "ANTHROPIC_API_KEY": "sk-ant-api03-abcdefghijklmnop", "MY_SERVICE_TOKEN": "tok-0123456789",
                "DB_PASSWORD": "hunter2hunter2", "HOME": "/home/someone-long", "SHORT_TOKEN": "abc",
            ]
        )
        let text =
            "key sk-ant-api03-abcdefghijklmnop, token tok-0123456789, pw hunter2hunter2, held-by-choo-123, "
            + "pat ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 and github_pat_11AAAAAAA0abcdefghijklmnop_x, "
            + "home /home/someone-long, short abc, a word ghp_ too short, notghp_ABCDEFGHIJKLMNOPQRSTUV"
        let clean = redactor.redact(text)
        for secret in [
            "sk-ant-api03-abcdefghijklmnop", "tok-0123456789", "hunter2hunter2", "held-by-choo-123",
            "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "github_pat_11AAAAAAA0abcdefghijklmnop_x",
        ] {
            #expect(!clean.contains(secret), "\(secret) survived: \(clean)")
        }
        #expect(clean.contains("/home/someone-long"))
        #expect(clean.contains("short abc"))
        #expect(clean.contains("a word ghp_ too short"))
        #expect(clean.contains("notghp_ABCDEFGHIJKLMNOPQRSTUV"), "a token shape inside a word is not a token")
    }

    // MARK: Usage limits

    static func outcome(exit code: Int32, output: String = "") -> ProcessOutcome {
        ProcessOutcome(
            termination: .exited(code),
            stoppedBecause: nil,
            output: output,
            errorOutput: "",
            duration: .seconds(1),
            processIdentifier: 1,
            leftovers: []
        )
    }

    static func summary(_ lines: [String], format: AgentOutputFormat) -> AgentStreamReader.Summary {
        let folder = FileManager.default.temporaryDirectory.path + "/choo-reader-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = folder + "/turn.log"
        _ = FileManager.default.createFile(atPath: log, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reader = AgentStreamReader(format: format, logFile: log, redactor: SecretRedactor()) { _, _ in }
        reader.receive(OutputChunk(lines.joined(separator: "\n") + "\n"))
        reader.finish()
        return reader.summary
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Claude's rejected rate_limit_event is a limit, with its reset time")
    func claudeStructuredLimit() throws {
        let lines = [
            #"{"type":"system","subtype":"init","session_id":"s1","model":"claude-opus-4-5"}"#,
            #"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1800003600,"rateLimitType":"five_hour"}}"#,
            #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"You've hit your limit · resets 2pm (Europe/Lisbon)"}]},"error":"rate_limit"}"#,
            #"{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":0,"total_cost_usd":0,"result":"You've hit your limit · resets 2pm (Europe/Lisbon)"}"#,
        ]
        let hit = try #require(
            UsageLimitDetector.hit(
                summary: Self.summary(lines, format: .claudeStream),
                outcome: Self.outcome(exit: 1),
                now: Self.now
            )
        )
        #expect(hit.resetsAt == Date(timeIntervalSince1970: 1_800_003_600))
        #expect(hit.window == "five_hour")
        #expect(hit.message?.contains("hit your limit") == true)
    }

    @Test("a limit text counts only when the turn did nothing; an agent quoting it while it works is not at a limit")
    func quotedLimitText() {
        let text = "You've hit your limit · resets 2pm (Europe/Lisbon)"
        let idle = [
            #"{"type":"result","subtype":"success","is_error":true,"num_turns":0,"total_cost_usd":0,"result":"\#(text)"}"#
        ]
        #expect(
            UsageLimitDetector.hit(
                summary: Self.summary(idle, format: .claudeStream),
                outcome: Self.outcome(exit: 1),
                now: Self.now
            ) != nil
        )
        let working = [
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"The CLI prints \"\#(text)\" at a limit."},{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"a.swift"}}]}}"#,
            #"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":12,"total_cost_usd":0.4,"result":"\#(text)"}"#,
        ]
        #expect(
            UsageLimitDetector.hit(
                summary: Self.summary(working, format: .claudeStream),
                outcome: Self.outcome(exit: 1),
                now: Self.now
            ) == nil
        )
        let succeeded = [#"{"type":"result","subtype":"success","is_error":false,"num_turns":0,"result":"\#(text)"}"#]
        #expect(
            UsageLimitDetector.hit(
                summary: Self.summary(succeeded, format: .claudeStream),
                outcome: Self.outcome(exit: 0),
                now: Self.now
            ) == nil
        )
        // Claude's prompt-size limit is not the subscription's.
        let blocking = [
            #"{"type":"result","is_error":true,"terminal_reason":"blocking_limit","num_turns":0,"result":"\#(text)"}"#
        ]
        #expect(
            UsageLimitDetector.hit(
                summary: Self.summary(blocking, format: .claudeStream),
                outcome: Self.outcome(exit: 1),
                now: Self.now
            ) == nil
        )
    }

    @Test("Codex: the terminal failure's limit text, its time read as local time and rolled to tomorrow once past")
    func codexLimit() throws {
        let zone = try #require(TimeZone(identifier: "UTC"))
        let message = "You've hit your usage limit. Upgrade to Pro or try again at 7:00 AM."
        let lines = [
            #"{"type":"thread.started","thread_id":"th-1"}"#, #"{"type":"error","message":"\#(message)"}"#,
            #"{"type":"turn.failed","error":{"message":"\#(message)"}}"#,
        ]
        // 1_800_000_000 is 08:00 UTC: 7:00 AM has passed, so it is tomorrow's.
        let hit = try #require(
            UsageLimitDetector.hit(
                summary: Self.summary(lines, format: .codexJSONL),
                outcome: Self.outcome(exit: 1),
                now: Self.now,
                timeZone: zone
            )
        )
        #expect(hit.resetsAt == Self.now.addingTimeInterval(23 * 3600))
        let other = [#"{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}"#]
        #expect(
            UsageLimitDetector.hit(
                summary: Self.summary(other, format: .codexJSONL),
                outcome: Self.outcome(exit: 1),
                now: Self.now
            ) == nil
        )
    }

    @Test(
        "text mode: a short failure that is a limit message is a limit; a long agent transcript that quotes it is not"
    )
    func textLimit() {
        let empty = AgentStreamReader.Summary()
        let limit = "Claude AI usage limit reached|1800007200\n"
        let hit = UsageLimitDetector.hit(summary: empty, outcome: Self.outcome(exit: 1, output: limit), now: Self.now)
        #expect(hit?.resetsAt == Date(timeIntervalSince1970: 1_800_007_200))
        let transcript = String(repeating: "working on it\n", count: 400) + limit
        #expect(
            UsageLimitDetector.hit(summary: empty, outcome: Self.outcome(exit: 1, output: transcript), now: Self.now)
                == nil
        )
    }

    // MARK: Pauses and budgets

    @Test("a pause holds until replaced by a later one or cleared; waiters wake on each change")
    func pauses() async {
        let allowance = AgentAllowance(config: .defaults)
        let first = allowance.pause("claude", until: Self.now.addingTimeInterval(60), resetKnown: true)
        let earlier = allowance.pause("claude", until: Self.now.addingTimeInterval(30), resetKnown: true)
        #expect(earlier == first, "an earlier reset does not shorten the pause in force")
        let (_, generation) = allowance.snapshot("claude")
        async let woke: Void = allowance.changed(since: generation)
        allowance.pause("claude", until: Self.now.addingTimeInterval(120), resetKnown: true)
        await woke
        #expect(allowance.pause(of: "claude")?.until == Self.now.addingTimeInterval(120))
        #expect(allowance.pause(of: "codex") == nil)
        #expect(allowance.clear("claude"))
        #expect(!allowance.clear("claude"))
    }

    @Test("after a pause with no known reset, one unit tries; the others wait for its answer")
    func probe() {
        let allowance = AgentAllowance(config: .defaults)
        let pause = allowance.pause("codex", until: Self.now, resetKnown: false)
        #expect(allowance.claimProbe("codex", generation: pause.generation))
        #expect(!allowance.claimProbe("codex", generation: pause.generation))
        allowance.releaseProbe("codex")
        let released = allowance.pause(of: "codex")
        #expect(released?.probing == false)
        #expect(allowance.claimProbe("codex", generation: released?.generation ?? -1))
    }

    @Test("budgets: the run's and each unit's, in dollars and tokens; the first reached is named")
    func budgets() {
        var config = ChooConfig.defaults
        config.budget = .init(maxCostUSD: 1, maxTokens: 1000, unitMaxCostUSD: 0.5, unitMaxTokens: nil)
        let allowance = AgentAllowance(config: config)
        #expect(allowance.budgetReached(unit: "a") == nil)
        var spend = Spend()
        spend.tokens = TokenUsage(input: 100)
        spend.costUSD = 0.6
        allowance.record(spend, unit: "a")
        #expect(allowance.budgetReached(unit: "a")?.key == "budget.per_unit.max_cost_usd")
        #expect(allowance.budgetReached(unit: "b") == nil)
        spend.tokens = TokenUsage(input: 950)
        spend.costUSD = 0.1
        allowance.record(spend, unit: "b")
        let reached = allowance.budgetReached(unit: "b")
        #expect(reached?.key == "budget.max_tokens")
        #expect(reached?.description == "budget.max_tokens (1.0k tokens) reached: 1.1k tokens spent")
    }

    @Test("a stop asked for by a unit reaches the run once, with the first reason")
    func stopRequest() async {
        let allowance = AgentAllowance(config: .defaults)
        allowance.requestStop("budget")
        allowance.requestStop("limit")
        var iterator = allowance.stopRequests.makeAsyncIterator()
        #expect(await iterator.next() == .graceful)
        #expect(allowance.stopReason == "budget")
    }

    // MARK: The stream reader

    @Test("the reader logs stdout as printed and stderr marked, secrets out, and decodes only stdout")
    func reader() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/choo-reader-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/turn.log"
        _ = FileManager.default.createFile(atPath: log, contents: Data("header\n".utf8))
        let seen = Mutex<[AgentEvent]>([])
        let redactor = SecretRedactor(environment: ["OPENAI_API_KEY": "sk-proj-secretsecretsecret"])
        let reader = AgentStreamReader(format: .codexJSONL, logFile: log, redactor: redactor) { event, _ in
            seen.withLock { $0.append(event) }
        }
        // A line split across chunks, a secret in it, a banner, stderr that looks like JSON.
        reader.receive(OutputChunk(#"{"type":"thread.started","thread_"#))
        reader.receive(OutputChunk(#"id":"sk-proj-secretsecretsecret"}"# + "\nnot json\n"))
        reader.receive(OutputChunk(#"{"type":"thread.started","thread_id":"from-stderr"}"# + "\n", isErrorOutput: true))
        reader.receive(
            OutputChunk(
                #"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":2}}"#
            )
        )
        reader.finish()
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!text.contains("secretsecret"))
        #expect(
            text == "header\n" + #"{"type":"thread.started","thread_id":"***"}"# + "\nnot json\n" + "stderr| "
                + #"{"type":"thread.started","thread_id":"from-stderr"}"# + "\n"
                + #"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":2}}"#
                + "\n"
        )
        let summary = reader.summary
        #expect(summary.session == "***")
        #expect(summary.unreadable == 1)
        #expect(summary.usage == TokenUsage(input: 6, output: 2, cacheRead: 4))
        #expect(!seen.withLock { $0 }.contains(.sessionStarted(id: "from-stderr", model: nil)))
    }

    @Test("Gemini's stream-json: session, tools, usage with the cache split out, result")
    func gemini() {
        let lines = [
            #"{"type":"init","timestamp":"t","session_id":"g-1","model":"gemini-2.5-pro"}"#,
            #"{"type":"message","role":"assistant","content":"Looking.","delta":true}"#,
            #"{"type":"tool_use","tool_name":"read_file","tool_id":"c1","parameters":{"file_path":"a.txt"}}"#,
            #"{"type":"tool_result","tool_id":"c1","status":"error","error":{"message":"nope"}}"#,
            #"{"type":"result","status":"success","stats":{"input_tokens":100,"cached":40,"output_tokens":7,"duration_ms":900}}"#,
        ]
        let events = AgentStreamTests.decode(lines, with: GeminiStreamDecoder())
        let usage = TokenUsage(input: 60, output: 7, cacheRead: 40)
        #expect(
            events == [
                .sessionStarted(id: "g-1", model: "gemini-2.5-pro"), .text("Looking."),
                .toolStarted(id: "c1", name: "read_file", target: "a.txt"), .toolFinished(id: "c1", failed: true),
                .usage(usage),
                .result(
                    AgentResult(
                        isError: false,
                        kind: "success",
                        reason: "completed",
                        durationMilliseconds: 900,
                        usage: usage
                    )
                ),
            ]
        )
    }

    @Test("spend: sums, and says when a cost is estimated or unknown")
    func spendSummary() {
        var reported = Spend(
            .init(usage: TokenUsage(input: 1000, output: 500), costUSD: 0.25, costSource: "reported", final: true)
        )
        #expect(reported.summary == "1.5k tokens, $0.25")
        let estimated = Spend(.init(usage: TokenUsage(output: 2_000_000), costUSD: 3, costSource: "table", final: true))
        let unknown = Spend(.init(usage: TokenUsage(input: 10), final: true))
        reported = reported + estimated + unknown
        #expect(reported.summary == "2.0M tokens, ~$3.25 + unknown")
        #expect(unknown.summary == "10 tokens, cost unknown")
    }
}
