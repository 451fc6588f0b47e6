import ChooCore
import ChooTesting
import Foundation
import Testing

/// A repository whose agents are the fake `claude` and `codex` executables, speaking the real
/// CLIs' machine formats, run with choo's built-in arguments.
struct AgentFixture {
    let directory: TemporaryDirectory
    let repository: GitRepository
    let specs: SpecFixture
    let claude: FakeCLI.Installed
    let codex: FakeCLI.Installed
    let work: FakeCLI.Work

    init(
        claude claudeBehaviour: FakeCLI.Behaviour = .work,
        codex codexBehaviour: FakeCLI.Behaviour = .work,
        work: FakeCLI.Work = FakeCLI.Work(),
        now: Date = Date(),
        name: String = "repo",
        resume: Bool = true,
        maxWait: String = "12h",
        settings: String = "",
        units: (SpecFixture) throws -> Void
    ) async throws {
        directory = TemporaryDirectory.current
        repository = try await GitRepository(at: directory(name))
        specs = SpecFixture(root: repository.path)
        self.work = work
        claude = try FakeCLI.install(.claude, claudeBehaviour, work: work, in: directory(name + "-bin"), now: now)
        codex = try FakeCLI.install(.codex, codexBehaviour, work: work, in: directory(name + "-bin"), now: now)
        try units(specs)
        let yaml = """
            provider:
              type: claude
              resume: \(resume)
              providers:
                claude:
                  command: \(claude.path)
                codex:
                  command: \(codex.path)
            agent_timeout: 120s
            shutdown_timeout: 30s
            limits:
              jitter: 0s
              max_wait: \(maxWait)

            """
        try specs.write(".choo.yaml", yaml + settings)
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "Add the spec tree")
    }

    /// Runs `choo arguments` in the repository with `environment` added.
    func choo(_ arguments: String..., environment: [String: String] = [:]) async throws -> ChooBinary.Result {
        try await ChooBinary.run(arguments, in: repository.path, environment: environment)
    }

    /// The JSON events `choo run --json` printed.
    func events(_ result: ChooBinary.Result) throws -> [Event] {
        try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The runs `choo history --json` lists, newest first.
    func history() async throws -> [RunJournal.RunRecord] {
        let result = try await choo("history", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        return try JSONDecoder().decode([RunJournal.RunRecord].self, from: Data(result.stdout.utf8))
    }

    /// Every file under the worktree base (worktrees, logs, the journal) and its bytes.
    func filesOnDisk() throws -> [(String, Data)] {
        let base = repository.path + "/.ralph"
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var files: [(String, Data)] = []
        for case let path as String in walker {
            let full = base + "/" + path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue,
                let data = FileManager.default.contents(atPath: full)
            else { continue }
            files.append((path, data))
        }
        return files
    }
}

@Suite(.temporaryDirectory)
struct RealAgentTests {
    @Test("claude and codex stream as the real CLIs do: activity and tokens are events, history sums the streams")
    func streamsAreRecorded() async throws {
        let fixture = try await AgentFixture(
            claude: .banner(),
            codex: .hugeLine(),
            settings: "parallelism: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", extra: ["provider: codex"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let events = try fixture.events(result)
        // Claude ran with the streaming format; Codex with --json, never --full-auto.
        let claudeCall = try #require(fixture.claude.invocations.first)
        #expect(claudeCall.arguments.starts(with: ["--dangerously-skip-permissions", "-p", "--output-format"]))
        #expect(claudeCall.arguments.contains("--verbose"))
        let codexCall = try #require(fixture.codex.invocations.first)
        #expect(codexCall.arguments.starts(with: ["exec", "--json", "--yolo"]))
        #expect(!codexCall.arguments.contains("--full-auto"))

        let tools = events.compactMap { event -> String? in
            guard case .agentTool(let tool) = event.payload else { return nil }
            return "\(event.unit ?? "") \(tool.summary)"
        }
        #expect(tools.contains { $0.hasPrefix("a Read ") && $0.hasSuffix("01-task-1.md") })
        #expect(tools.contains("a Write work/a-01-task-1.done"))
        #expect(tools.contains("b Shell bash -lc 'test -f work/b-01-task-1.done'"))
        let sessions = events.compactMap { event -> String? in
            guard case .agentSession(let session) = event.payload else { return nil }
            return session.session
        }
        #expect(Set(sessions) == Set(fixture.claude.sessions + fixture.codex.sessions))

        // Per invocation, the final usage is what the stream reported; the huge line did not end it.
        let finals = events.compactMap { event -> (String, Event.AgentUsage)? in
            guard case .agentUsage(let usage) = event.payload, usage.final else { return nil }
            return (event.unit ?? "", usage)
        }
        #expect(finals.count == 2)
        let claudeUsage = try #require(finals.first { $0.0 == "a" }?.1)
        #expect(claudeUsage.usage == fixture.work.usage(.claude))
        #expect(claudeUsage.costUSD == fixture.work.costUSD)
        #expect(claudeUsage.costSource == "reported")
        let codexUsage = try #require(finals.first { $0.0 == "b" }?.1)
        #expect(codexUsage.usage == fixture.work.usage(.codex))
        #expect(codexUsage.costUSD == nil, "Codex reports no cost and no model: its cost is unknown")

        // history's totals are the sum of the fake streams.
        let run = try #require(try await fixture.history().first)
        let spend = try #require(run.spend)
        #expect(spend.tokens == fixture.work.usage(.claude) + fixture.work.usage(.codex))
        #expect(abs(spend.costUSD - fixture.work.costUSD) < 1e-9)
        #expect(spend.unpriced == 1)

        // The logs keep the stream (the banner line too), and `choo logs` renders it.
        let logs = try await fixture.choo("logs", "a", "--raw")
        #expect(logs.stdout.contains("Claude Code has switched from npm to native installer"))
        #expect(logs.stdout.contains(#""type":"result""#))
        let readable = try await fixture.choo("logs", "a")
        #expect(readable.exitCode == 0, "\(readable.stderr)")
        #expect(readable.stdout.contains("▸ Write work/a-01-task-1.done"))
        #expect(readable.stdout.contains("= result: success"))
        #expect(!readable.stdout.contains(#""type":"assistant""#), "the stream is rendered, not dumped")
    }

    @Test("a usage limit through the binary: the turn is not an attempt, the unit waits for the reset and completes")
    func limitThroughTheBinary() async throws {
        // The limit resets at once, so the run does not wait real time; max_attempts 1 means a
        // limited turn that counted would fail the unit.
        let fixture = try await AgentFixture(
            claude: .usageLimit(invocations: 1, resetsAt: Date()),
            codex: .usageLimit(invocations: 1, resetsAt: Date()),
            settings: "max_attempts: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", extra: ["provider: codex"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let events = try fixture.events(result)
        let limited = events.filter { $0.type == .taskClaudeDone && $0.error?.contains("usage limit") == true }
        #expect(Set(limited.compactMap(\.unit)) == ["a", "b"], "each first turn ended at its provider's limit")
        #expect(events.contains { $0.type == .agentLimit && $0.unit == "a" }, "the limit is recorded")
        #expect(events.contains { $0.type == .agentLimitOver })
        #expect(!events.contains { $0.type == .taskRetry || $0.type == .taskFailed })
        #expect(fixture.claude.invocations.count == 2)
        #expect(fixture.claude.prompts[1] == fixture.claude.prompts[0], "the same turn runs again")
        // Codex says so only in its terminal failure's text, with a local time.
        #expect(events.contains { $0.type == .agentLimit && $0.unit == "b" })
        #expect(fixture.codex.invocations.count == 2)
    }

    @Test("an agent that quotes the limit text while it works is not at a limit")
    func quotedLimitTextIsNotALimit() async throws {
        let fixture = try await AgentFixture(claude: .quotesLimitText) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!(try fixture.events(result)).contains { $0.type == .agentLimit })
        #expect(fixture.claude.invocations.count == 1)
    }

    @Test("a retry continues the agent's conversation with only what went wrong; a lost one starts afresh")
    func retryResumes() async throws {
        let marks = TemporaryDirectory.current("marks")
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        // Each unit's check fails the first time it runs, so its task gets a second turn.
        func failsOnce(_ unit: String) -> String {
            "test -f \(marks)/\(unit) || { touch \(marks)/\(unit); echo first check fails; exit 1; }; "
                + workCheck(unit, 1)
        }
        let fixture = try await AgentFixture(
            claude: .work,
            codex: .forgetsSessions,
            settings: "parallelism: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: failsOnce("a"))])
            try specs.unit("b", extra: ["provider: codex"], tasks: [.init(1, backpressure: failsOnce("b"))])
        }
        let result = try await fixture.choo("run", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let events = try fixture.events(result)

        let claude = fixture.claude.invocations
        try #require(claude.count == 2)
        #expect(claude[0].resumed == nil)
        #expect(claude[1].resumed == fixture.claude.sessions.first, "claude --resume <the session it printed>")
        #expect(claude[1].workingDirectory == claude[0].workingDirectory)
        #expect(fixture.claude.prompts[1].hasPrefix("Your last turn on task #1 did not count"))
        #expect(fixture.claude.prompts[1].contains("first check fails"))
        #expect(!fixture.claude.prompts[1].contains("# How to work"))
        #expect(
            events.contains { event in
                guard case .agentSession(let session) = event.payload else { return false }
                return event.unit == "a" && session.resumed
            }
        )

        // Codex cannot find the thread: the resume fails and the same attempt runs afresh.
        let codex = fixture.codex.invocations
        try #require(codex.count == 3)
        #expect(codex[1].resumed == fixture.codex.sessions.first)
        #expect(codex[2].resumed == nil)
        #expect(fixture.codex.prompts[2].contains("# How to work"), "the fresh turn gets the whole prompt")
        let retries = events.filter { $0.type == .taskRetry }.map(\.unit)
        #expect(retries == ["a", "b"], "one retry each: the lost session did not cost an attempt")
    }

    @Test("provider.resume: false starts every retry afresh")
    func resumeOff() async throws {
        let marks = TemporaryDirectory.current("marks")
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        let check = "test -f \(marks)/a || { touch \(marks)/a; exit 1; }; " + workCheck("a", 1)
        let fixture = try await AgentFixture(resume: false) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: check)])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(fixture.claude.invocations.map(\.resumed) == [nil, nil])
    }

    @Test("a budget stops the run gracefully, naming it; a rerun finishes, and history sums both runs' streams")
    func budgetStopsTheRun() async throws {
        // Each claude turn costs $0.0425: the third turn would start past the $0.08 budget.
        let fixture = try await AgentFixture(settings: "parallelism: 1\nbudget:\n  max_cost_usd: 0.08\n") { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit(
                "b",
                dependsOn: ["a"],
                tasks: [.init(1, backpressure: workCheck("b", 1)), .init(2, backpressure: workCheck("b", 2))]
            )
        }
        let first = try await fixture.choo("run")
        #expect(first.exitCode == 130, "a budget stops like a graceful Ctrl-C: \(first.stdout) \(first.stderr)")
        let output = first.stdout + first.stderr
        #expect(output.contains("budget.max_cost_usd ($0.08) reached"))
        #expect(output.contains("run `choo run` again"))
        #expect(fixture.claude.invocations.count == 2)

        let second = try await fixture.choo("run")
        #expect(second.exitCode == 0, "\(second.stdout) \(second.stderr)")
        #expect(fixture.claude.invocations.count == 3)

        let runs = try await fixture.history()
        try #require(runs.count == 2)
        let turns = [runs[1].spend, runs[0].spend].map { $0?.tokens }
        #expect(turns == [fixture.work.usage(.claude) + fixture.work.usage(.claude), fixture.work.usage(.claude)])
        let total = runs.compactMap(\.spend).reduce(Spend(), +)
        #expect(abs(total.costUSD - 3 * fixture.work.costUSD) < 1e-9)
        #expect(total.tokens.total == 3 * fixture.work.usage(.claude).total)
    }

    @Test("a secret the agent prints never reaches the disk: not in its log, not in the journal")
    func secretsAreRedacted() async throws {
        let pat = "ghp_" + String(repeating: "Z", count: 36)
        let fixture = try await AgentFixture(claude: .printsSecret(pat, environment: "ACME_API_TOKEN")) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let secret = "acme-secret-value-0042"
        let result = try await fixture.choo("run", environment: ["ACME_API_TOKEN": secret])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let logs = try await fixture.choo("logs", "a", "--raw")
        #expect(logs.stdout.contains("I found the token"), "the line is there, its secrets are not")
        var checked = 0
        let files = try fixture.filesOnDisk()
        #expect(files.contains { $0.0.hasSuffix("001-task1-attempt1.log") }, "\(files.map(\.0))")
        #expect(files.contains { $0.0.hasSuffix("choo.sqlite") }, "\(files.map(\.0))")
        for (path, data) in files {
            for needle in [pat, secret] {
                #expect(data.range(of: Data(needle.utf8)) == nil, "\(path) holds \(needle)")
            }
            checked += 1
        }
        #expect(checked == files.count)
    }

    @Test(
        "a tool call known to be running is allowed agent_tool_timeout; past it the turn is stuck, naming the key and the call"
    )
    func toolTimeout() async throws {
        // Quiet for 1 s inside a Bash call, against a 300 ms idle limit: the call's own timeout holds.
        let quietTool = """
            start_session; allowed
            step "Running the tests." Bash command "swift test"
            sleep 1
            tool_done false "ok"
            work
            """
        let fixture = try await AgentFixture(
            claude: .scripted(quietTool),
            settings: "agent_idle_timeout: 300ms\nagent_tool_timeout: 30s\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")

        // A call that never ends is stopped at the tool timeout, and the reason says what it was.
        let gate = TemporaryDirectory.current("gate")
        #expect(mkfifo(gate, 0o600) == 0)
        let stuck = try await AgentFixture(
            claude: .silentTool(gate),
            name: "stuck",
            settings: "agent_idle_timeout: 200ms\nagent_tool_timeout: 1s\nmax_attempts: 1\n"
        ) { specs in
            try specs.unit("s", tasks: [.init(1, backpressure: workCheck("s", 1))])
        }
        let failed = try await stuck.choo("run")
        #expect(failed.exitCode == 1)
        let output = failed.stdout + failed.stderr
        #expect(output.contains("agent_tool_timeout"), "\(output)")
        #expect(output.contains("Read "), "the stuck call is named: \(output)")
    }
}

@Suite(.temporaryDirectory)
struct UsageLimitRunTests {
    static let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") }

    /// A claude fake that is at its usage limit (resetting at `resetsAt`) until `marker` exists.
    static func limitedUntil(_ marker: String, resetsAt: Date, now: Date) -> FakeCLI.Behaviour {
        let text = FakeCLI.claudeLimitText(resetsAt: resetsAt, now: now)
        return .scripted(
            """
            limit_text=\(ChooBinary.shellQuoted(text))
            limit_epoch=\(Int(resetsAt.timeIntervalSince1970))
            limit_window=five_hour
            [ -f \(ChooBinary.shellQuoted(marker)) ] || limit_hit
            work
            """
        )
    }

    @Test("a limit pauses every unit of its provider until the reset; other providers go on; no attempt is spent")
    func limitPausesTheProvider() async throws {
        let clock = DrivenWaitClock()
        let reset = clock.now().addingTimeInterval(3600)
        let marker = TemporaryDirectory.current("limit-over")
        let fixture = try await AgentFixture(
            claude: Self.limitedUntil(marker, resetsAt: reset, now: clock.now()),
            now: clock.now(),
            settings: "parallelism: 3\nmax_attempts: 1\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
            try specs.unit("c", extra: ["provider: codex"], tasks: [.init(1, backpressure: workCheck("c", 1))])
        }
        try await InProcessRun.withRun(in: fixture.repository.path, environment: Self.environment, clock: clock) {
            run in
            // Both claude units wait for the reset: the one that met the limit and the other.
            let announced = try #require(
                await run.events.first { $0.type == .agentLimit && $0.unit == "a" }.payload.agentLimit
            )
            await run.events.first(.agentLimit, unit: "b")
            #expect(announced.until.date == reset)
            #expect(announced.resetKnown)
            // Codex is not paused: its unit lands while claude's wait.
            await run.events.first(.unitCompleted, unit: "c")
            #expect(!run.events.all.contains { $0.type == .unitCompleted && $0.unit != "c" })
            // The reset comes.
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
            try await run.advance(by: .seconds(3600), sleepers: 2)
            let outcome = try await run.outcome()
            #expect(outcome.exitCode == 0)
            #expect(outcome.state.count(.complete) == 3)
            #expect(outcome.state.unit("a")?.task(1)?.attempts == 1)
            #expect(outcome.state.unit("b")?.task(1)?.attempts == 1)
            #expect(!run.events.all.contains { $0.type == .taskRetry || $0.type == .taskFailed })
            #expect(run.events.all.contains { $0.type == .agentLimitOver })
            // The turns that met the limit are recorded as such, spent nothing, and were no attempt.
            let limited = ["a", "b"].flatMap { outcome.state.unit($0)?.turns ?? [] }
                .filter { $0.error?.contains("usage limit") == true }
            #expect(!limited.isEmpty)
            #expect(limited.allSatisfy { $0.spend.isEmpty && $0.attempt == 1 })
        }
        #expect(fixture.claude.invocations.count >= 3)
    }

    @Test("a limit with no reset time waits limits.default_wait, then one unit tries before the others follow")
    func limitWithoutResetProbes() async throws {
        let clock = DrivenWaitClock()
        let marker = TemporaryDirectory.current("limit-over")
        // Claude says it is at its limit but not when it resets, until `marker` exists.
        let behaviour = FakeCLI.Behaviour.scripted(
            """
            limit_text="You've hit your monthly spend limit"
            [ -f \(ChooBinary.shellQuoted(marker)) ] || text_limit
            work
            """
        )
        let fixture = try await AgentFixture(claude: behaviour, now: clock.now(), settings: "parallelism: 2\n") {
            specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        try await InProcessRun.withRun(in: fixture.repository.path, environment: Self.environment, clock: clock) {
            run in
            let first = try #require(await run.events.first(.agentLimit).payload.agentLimit)
            #expect(!first.resetKnown)
            #expect(first.until.date == clock.now().addingTimeInterval(30 * 60), "limits.default_wait")
            await run.events.first(.agentLimit, unit: "a")
            await run.events.first(.agentLimit, unit: "b")
            // The wait ends while the limit still holds: one unit tries, meets it again; the other waits on.
            let before = fixture.claude.invocations.count
            try await run.advance(by: .seconds(30 * 60), sleepers: 2)
            let second = try #require(
                await run.events.first { event in
                    guard case .agentLimit(let limit) = event.payload else { return false }
                    return limit.until.date > first.until.date
                }.payload.agentLimit
            )
            #expect(second.until.date == clock.now().addingTimeInterval(30 * 60))
            #expect(fixture.claude.invocations.count == before + 1, "a single try after the wait")
            // Then the limit is over: the next try gets through and the other unit follows.
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
            try await run.advance(by: .seconds(30 * 60), sleepers: 2)
            let outcome = try await run.outcome()
            #expect(outcome.exitCode == 0)
            #expect(outcome.state.count(.complete) == 2)
            #expect(!run.events.all.contains { $0.type == .taskRetry || $0.type == .taskFailed })
        }
    }

    @Test("a wait longer than limits.max_wait stops the run; the rerun waits out the rest from the journal")
    func longLimitStopsAndRerunWaits() async throws {
        let clock = DrivenWaitClock()
        let reset = clock.now().addingTimeInterval(5 * 3600)
        let marker = TemporaryDirectory.current("limit-over")
        let fixture = try await AgentFixture(
            claude: Self.limitedUntil(marker, resetsAt: reset, now: clock.now()),
            now: clock.now(),
            maxWait: "1h"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let stopped = try await InProcessRun.withRun(
            in: fixture.repository.path,
            environment: Self.environment,
            clock: clock
        ) { run in
            try await run.outcome()
        }
        #expect(stopped.exitCode == 130)
        #expect(stopped.state.pauses["claude"]?.until.date == reset)
        #expect(stopped.text(style: .plain).contains("is at its usage limit until"))
        #expect(fixture.claude.invocations.count == 1)

        // Two hours later the limit still holds: the rerun waits for it before any turn.
        let later = DrivenWaitClock(now: clock.now().addingTimeInterval(2 * 3600))
        try await InProcessRun.withRun(in: fixture.repository.path, environment: Self.environment, clock: later) {
            run in
            let waiting = try #require(await run.events.first(.agentLimit, unit: "a").payload.agentLimit)
            #expect(waiting.until.date == reset)
            #expect(fixture.claude.invocations.count == 1, "no turn before the reset")
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
            try await run.advance(by: .seconds(3 * 3600))
            let outcome = try await run.outcome()
            #expect(outcome.exitCode == 0)
        }
        #expect(fixture.claude.invocations.count == 2)
    }
}

extension Event.Payload {
    /// The details of an `agent.limit` event.
    fileprivate var agentLimit: Event.AgentLimit? {
        if case .agentLimit(let limit) = self { return limit }
        return nil
    }
}
