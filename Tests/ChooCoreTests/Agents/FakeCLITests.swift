import ChooCore
import ChooTesting
import Foundation
import Testing

/// The fake `claude` and `codex` executables, run as real processes, print what the real CLIs
/// print, as choo's decoders read it.
@Suite(.temporaryDirectory)
struct FakeCLITests {
    /// What one run of a fake printed, decoded.
    struct Run: Sendable {
        var exitCode: Int32
        var events: [AgentEvent]
        /// The longest line printed, in bytes.
        var longestLine: Int
        var stderr: String

        var tools: [String] {
            events.compactMap { event -> String? in
                guard case .toolStarted(_, let name, let target) = event else { return nil }
                return "\(name) \(target ?? "-")"
            }
        }
        var failedTools: Int {
            events.count { event in
                guard case .toolFinished(_, let failed) = event else { return false }
                return failed
            }
        }
        var texts: [String] {
            events.compactMap { event -> String? in
                guard case .text(let text) = event else { return nil }
                return text
            }
        }
        var lastUsage: TokenUsage? {
            events.compactMap { event -> TokenUsage? in
                guard case .usage(let usage) = event else { return nil }
                return usage
            }
            .last
        }
        var result: AgentResult? {
            events.compactMap { event -> AgentResult? in
                guard case .result(let result) = event else { return nil }
                return result
            }
            .last
        }
        var session: String? {
            events.compactMap { event -> String? in
                guard case .sessionStarted(let id, _) = event else { return nil }
                return id
            }
            .first
        }
        var rateLimits: [RateLimitReport] {
            events.compactMap { event -> RateLimitReport? in
                guard case .rateLimit(let report) = event else { return nil }
                return report
            }
        }
    }

    /// Reads a fake's stdout through ``StreamLines`` and the decoder of its kind.
    struct Reader {
        var lines = StreamLines()
        var decoder: any AgentStreamDecoder
        var events: [AgentEvent] = []
        var longestLine = 0

        init(_ kind: FakeCLI.Kind) {
            decoder = kind == .claude ? ClaudeStreamDecoder() : CodexJSONLDecoder()
        }

        mutating func take(_ pieces: [StreamLines.Piece]) {
            for piece in pieces {
                guard case .line(let line) = piece else { continue }
                longestLine = max(longestLine, line.utf8.count)
                events += decoder.decode(line)
            }
        }

        /// Reads `handle` until `enough` holds for the events so far, or to its end.
        mutating func read(_ handle: FileHandle, until enough: ([AgentEvent]) -> Bool = { _ in false }) {
            while !enough(events) {
                let data = handle.availableData
                if data.isEmpty {
                    take(lines.finish())
                    return
                }
                take(lines.append(data))
            }
        }
    }

    /// A task folder in the test's directory, with the prompt choo would give for its first task.
    static func project() throws -> (directory: String, prompt: String) {
        let directory = TemporaryDirectory.current("project")
        try FileManager.default.createDirectory(atPath: directory + "/specs/u", withIntermediateDirectories: true)
        try "---\nstatus: pending\n---\n# Task 1\nDo the thing.\n".write(
            toFile: directory + "/specs/u/01-task-1.md",
            atomically: true,
            encoding: .utf8
        )
        return (directory, "Work on this task.\n\n- File: `specs/u/01-task-1.md` (it describes the work)\n")
    }

    static func start(
        _ installed: FakeCLI.Installed,
        _ arguments: [String],
        in directory: String,
        input: String?,
        environment: [String: String]
    ) throws -> (Process, FileHandle, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: installed.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        return (process, output.fileHandleForReading, errors)
    }

    /// Runs `body` on a thread of its own, off the cooperative pool: it blocks on pipes and FIFOs.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs the fake to its end.
    static func run(
        _ installed: FakeCLI.Installed,
        _ arguments: [String],
        in directory: String,
        input: String? = nil,
        environment: [String: String] = [:]
    ) async throws -> Run {
        try await blocking {
            let (process, output, errors) = try start(
                installed,
                arguments,
                in: directory,
                input: input,
                environment: environment
            )
            var reader = Reader(installed.kind)
            reader.read(output)
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return Run(
                exitCode: process.terminationStatus,
                events: reader.events,
                longestLine: reader.longestLine,
                stderr: stderr
            )
        }
    }

    static let claudeArguments = [
        "--dangerously-skip-permissions", "--max-turns", "50", "--model", "claude-opus-4-6", "-p", "--output-format",
        "stream-json", "--verbose",
    ]
    static let codexArguments = ["exec", "--json", "--yolo", "-m", "gpt-5-codex"]

    @Test(
        "claude: a task turn streams its session, tool calls with their files and commands, usage once per step, and a result"
    )
    func claudeWork() async throws {
        let (project, prompt) = try Self.project()
        let work = FakeCLI.Work(
            step: TokenUsage(input: 7, output: 90, cacheRead: 5000, cacheWrite: 300),
            costUSD: 0.125
        )
        let claude = try FakeCLI.install(.claude, work: work, in: TemporaryDirectory.current("bin"))
        let run = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)

        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.events.first == .sessionStarted(id: try #require(claude.sessions.first), model: "claude-opus-4-6"))
        #expect(
            run.tools == [
                "Read specs/u/01-task-1.md", "Write work/u-01-task-1.done", "Bash test -f work/u-01-task-1.done",
                "Edit specs/u/01-task-1.md",
            ]
        )
        #expect(run.failedTools == 0)
        #expect(run.texts.first == "Reading the task first.")
        #expect(run.rateLimits.map(\.status) == ["allowed"])
        // Each step is printed as two messages with one id and usage: counted once.
        #expect(run.lastUsage == work.usage(.claude))
        let result = try #require(run.result)
        #expect(!result.isError && result.kind == "success" && result.reason == "completed")
        #expect(result.turns == FakeCLI.Work.steps && result.costUSD == 0.125 && result.durationMilliseconds == 4321)
        #expect(result.usage == work.usage(.claude))
        #expect(result.sessionID == claude.sessions.first)
        // The work is done and the task marked, as FakeAgent does them.
        #expect(FileManager.default.fileExists(atPath: project + "/work/u-01-task-1.done"))
        let task = try String(contentsOfFile: project + "/specs/u/01-task-1.md", encoding: .utf8)
        #expect(task.contains("status: complete"))

        let invocation = try #require(claude.invocations.first)
        #expect(invocation.arguments == Self.claudeArguments + [prompt])
        #expect(invocation.model == "claude-opus-4-6" && invocation.resumed == nil && !invocation.promptOnStandardInput)
        #expect(invocation.workingDirectory == project)
        #expect(claude.prompts == [prompt])
        #expect(claude.processIdentifiers.count == 1)
    }

    @Test("claude: a resume reads the prompt from stdin, continues the task under a new session id")
    func claudeResume() async throws {
        let (project, prompt) = try Self.project()
        let claude = try FakeCLI.install(.claude, in: TemporaryDirectory.current("bin"))
        let first = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)
        let session = try #require(first.session)
        let feedback = "The checks failed:\nfix them."
        let resumed = try await Self.run(
            claude,
            Self.claudeArguments + ["--resume", session],
            in: project,
            input: feedback
        )
        #expect(resumed.exitCode == 0)
        #expect(resumed.session != nil && resumed.session != session)
        #expect(resumed.result?.sessionID == resumed.session)
        // The feedback offers no task file: the conversation remembers it.
        #expect(resumed.tools.first == "Read specs/u/01-task-1.md")
        #expect(claude.sessions == [session, try #require(resumed.session)])
        let invocation = try #require(claude.invocations.last)
        #expect(invocation.resumed == session && invocation.promptOnStandardInput)
        #expect(claude.prompts == [prompt, feedback])
    }

    @Test("claude: a resume that finds no session (unknown, from another folder, or forgotten) fails as the CLI does")
    func claudeResumeNotFound() async throws {
        let (project, prompt) = try Self.project()
        let claude = try FakeCLI.install(.claude, in: TemporaryDirectory.current("bin"))
        let unknown = try await Self.run(claude, Self.claudeArguments + ["--resume", "0b1d", prompt], in: project)
        #expect(unknown.exitCode == 1)
        let result = try #require(unknown.result)
        #expect(result.isError && result.kind == "error_during_execution" && result.turns == 0)
        #expect(result.message == "No conversation found with session ID: 0b1d")
        #expect(unknown.tools.isEmpty)

        let session = try #require(try await Self.run(claude, Self.claudeArguments + [prompt], in: project).session)
        let elsewhere = TemporaryDirectory.current("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let moved = try await Self.run(claude, Self.claudeArguments + ["--resume", session, prompt], in: elsewhere)
        #expect(moved.exitCode == 1 && moved.result?.message == "No conversation found with session ID: \(session)")

        let forgetful = try FakeCLI.install(.claude, .forgetsSessions, in: TemporaryDirectory.current("bin2"))
        let fresh = try await Self.run(forgetful, Self.claudeArguments + [prompt], in: project)
        #expect(fresh.exitCode == 0)
        let again = try await Self.run(
            forgetful,
            Self.claudeArguments + ["--resume", try #require(fresh.session), prompt],
            in: project
        )
        #expect(again.exitCode == 1 && again.result?.kind == "error_during_execution")
    }

    @Test(
        "claude: a usage limit for the first invocation: a rejected event with its reset, the limit text, an error result"
    )
    func claudeUsageLimit() async throws {
        let (project, prompt) = try Self.project()
        let now = Date(timeIntervalSince1970: 1_778_550_000)
        let resetsAt = Date(timeIntervalSince1970: 1_778_565_600)
        let claude = try FakeCLI.install(
            .claude,
            .usageLimit(invocations: 1, resetsAt: resetsAt, window: "seven_day"),
            in: TemporaryDirectory.current("bin"),
            now: now
        )
        let limited = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)
        #expect(limited.exitCode == 1)
        let rejected = try #require(limited.rateLimits.first)
        #expect(rejected.rejected && rejected.resetsAt == resetsAt && rejected.window == "seven_day")
        let text = FakeCLI.claudeLimitText(resetsAt: resetsAt, now: now)
        #expect(text == "You've hit your limit · resets 7am (Europe/Lisbon)")
        #expect(limited.texts == [text])
        let result = try #require(limited.result)
        #expect(result.isError && result.apiStatus == 429 && result.turns == 0 && result.costUSD == 0)
        #expect(result.message == text)
        #expect(UsageLimitText.match(in: text, now: now)?.resetsAt == resetsAt)
        #expect(limited.tools.isEmpty)

        let later = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)
        #expect(later.exitCode == 0 && later.rateLimits.map(\.status) == ["allowed"])
        #expect(later.result?.isError == false)
    }

    @Test("claude: a text-only limit has no structured event, only the text in a result with no turns and no cost")
    func claudeTextOnlyLimit() async throws {
        let (project, prompt) = try Self.project()
        let now = Date(timeIntervalSince1970: 1_778_550_000)
        let resetsAt = Date(timeIntervalSince1970: 1_778_567_400)
        let claude = try FakeCLI.install(
            .claude,
            .textOnlyLimit(invocations: 2, resetsAt: resetsAt),
            in: TemporaryDirectory.current("bin"),
            now: now
        )
        for _ in 0 ..< 2 {
            let limited = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)
            #expect(limited.exitCode == 1 && limited.rateLimits.isEmpty && limited.texts.isEmpty)
            let result = try #require(limited.result)
            #expect(result.isError && result.apiStatus == nil && result.turns == 0 && result.costUSD == 0)
            #expect(result.message == "You've hit your limit · resets 7:30am (Europe/Lisbon)")
            #expect(UsageLimitText.match(in: result.message ?? "", now: now)?.resetsAt == resetsAt)
        }
        #expect(try await Self.run(claude, Self.claudeArguments + [prompt], in: project).exitCode == 0)
    }

    @Test("claude and codex: an agent quoting the limit text while it works does real work and succeeds")
    func quotesLimitText() async throws {
        let (project, prompt) = try Self.project()
        let claude = try FakeCLI.install(.claude, .quotesLimitText, in: TemporaryDirectory.current("bin"))
        let quoted = try await Self.run(claude, Self.claudeArguments + [prompt], in: project)
        #expect(quoted.exitCode == 0)
        #expect(quoted.texts.first?.contains("You've hit your limit · resets") == true)
        let result = try #require(quoted.result)
        #expect(!result.isError && (result.turns ?? 0) > 0 && (result.costUSD ?? 0) > 0)

        let codex = try FakeCLI.install(.codex, .quotesLimitText, in: TemporaryDirectory.current("bin"))
        let codexQuoted = try await Self.run(codex, Self.codexArguments + [prompt], in: project)
        #expect(codexQuoted.exitCode == 0 && codexQuoted.result?.isError == false)
        #expect(codexQuoted.texts.first?.contains("You've hit your usage limit.") == true)
    }

    @Test("a 20 MB line is read whole, and the result after it still is", arguments: FakeCLI.Kind.allCases)
    func hugeLine(kind: FakeCLI.Kind) async throws {
        let (project, prompt) = try Self.project()
        let fake = try FakeCLI.install(kind, .hugeLine(bytes: 20_000_000), in: TemporaryDirectory.current("bin"))
        let arguments = kind == .claude ? Self.claudeArguments : Self.codexArguments
        let run = try await Self.run(fake, arguments + [prompt], in: project)
        #expect(run.exitCode == 0)
        #expect(run.longestLine > 20_000_000)
        #expect(run.result?.isError == false)
        #expect(run.failedTools == 0 && run.tools.count == 4)
    }

    @Test("a banner that is not JSON surfaces as unreadable, and the stream goes on", arguments: FakeCLI.Kind.allCases)
    func banner(kind: FakeCLI.Kind) async throws {
        let (project, prompt) = try Self.project()
        let fake = try FakeCLI.install(kind, .banner("Welcome to the fake CLI!"), in: TemporaryDirectory.current("bin"))
        let arguments = kind == .claude ? Self.claudeArguments : Self.codexArguments
        let run = try await Self.run(fake, arguments + [prompt], in: project)
        #expect(run.events.first == .unreadable("Welcome to the fake CLI!"))
        #expect(run.exitCode == 0 && run.result?.isError == false)
    }

    @Test("a secret and an environment variable's value appear in the agent's text", arguments: FakeCLI.Kind.allCases)
    func printsSecret(kind: FakeCLI.Kind) async throws {
        let (project, prompt) = try Self.project()
        let secret = "ghp_" + String(repeating: "a1B2", count: 9)
        let fake = try FakeCLI.install(
            kind,
            .printsSecret(secret, environment: "FAKE_CLI_TOKEN"),
            in: TemporaryDirectory.current("bin")
        )
        let arguments = kind == .claude ? Self.claudeArguments : Self.codexArguments
        let run = try await Self.run(
            fake,
            arguments + [prompt],
            in: project,
            environment: ["FAKE_CLI_TOKEN": "s3cr3t-\"value\""]
        )
        #expect(run.texts.first == "I found the token \(secret) and FAKE_CLI_TOKEN=s3cr3t-\"value\"")
        #expect(run.exitCode == 0)
    }

    @Test("waiting at a gate after reading the task, the agent is still running with no tool open")
    func waitAtGate() async throws {
        let (project, prompt) = try Self.project()
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let claude = try FakeCLI.install(
            .claude,
            .waitAtGate(gate, task: "01-task-1"),
            in: TemporaryDirectory.current("bin")
        )
        let arguments = Self.claudeArguments + [prompt]
        let (before, after, running, code) = try await Self.blocking {
            let (process, output, _) = try Self.start(claude, arguments, in: project, input: nil, environment: [:])
            var reader = Reader(.claude)
            reader.read(output) { $0.contains { if case .toolFinished = $0 { true } else { false } } }
            let before = reader.events
            let running = process.isRunning
            try FakeAgent.openGate(gate)
            reader.read(output)
            process.waitUntilExit()
            return (before, reader.events, running, process.terminationStatus)
        }
        #expect(running)
        #expect(!before.contains { if case .result = $0 { true } else { false } })
        #expect(after.count > before.count && code == 0)
    }

    @Test("a silent tool call stays open, with nothing printed, until it is let go", arguments: FakeCLI.Kind.allCases)
    func silentTool(kind: FakeCLI.Kind) async throws {
        let (project, prompt) = try Self.project()
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fake = try FakeCLI.install(kind, .silentTool(gate), in: TemporaryDirectory.current("bin"))
        let arguments = (kind == .claude ? Self.claudeArguments : Self.codexArguments) + [prompt]
        let (open, finished, code) = try await Self.blocking {
            let (process, output, _) = try Self.start(fake, arguments, in: project, input: nil, environment: [:])
            var reader = Reader(kind)
            reader.read(output) { $0.contains { if case .toolStarted = $0 { true } else { false } } }
            // The write below waits for the agent to open the FIFO: it is inside the tool call then.
            try FakeAgent.openGate(gate)
            let open = reader.events
            reader.read(output)
            process.waitUntilExit()
            return (open, reader.events, process.terminationStatus)
        }
        #expect(!open.contains { if case .toolFinished = $0 { true } else { false } })
        #expect(finished.contains { if case .toolFinished = $0 { true } else { false } })
        #expect(code == 0)
    }

    @Test("codex: a task turn streams its thread, commands and file changes, messages, and the turn's usage")
    func codexWork() async throws {
        let (project, prompt) = try Self.project()
        let work = FakeCLI.Work(step: TokenUsage(input: 11, output: 70, cacheRead: 2000, cacheWrite: 999))
        let codex = try FakeCLI.install(.codex, work: work, in: TemporaryDirectory.current("bin"))
        let run = try await Self.run(codex, Self.codexArguments + [prompt], in: project)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let thread = try #require(codex.sessions.first)
        #expect(run.events.first == .sessionStarted(id: thread, model: nil))
        #expect(
            run.tools == [
                "Shell bash -lc 'cat specs/u/01-task-1.md'", "Edit work/u-01-task-1.done",
                "Shell bash -lc 'test -f work/u-01-task-1.done'", "Edit specs/u/01-task-1.md",
            ]
        )
        #expect(run.failedTools == 0)
        #expect(run.texts.count == FakeCLI.Work.steps)
        #expect(run.lastUsage == work.usage(.codex))
        #expect(work.usage(.codex) == TokenUsage(input: 55, output: 350, cacheRead: 10000))
        let result = try #require(run.result)
        #expect(!result.isError && result.kind == "turn.completed" && result.usage == work.usage(.codex))
        #expect(FileManager.default.fileExists(atPath: project + "/work/u-01-task-1.done"))
        #expect(codex.invocations.first?.model == "gpt-5-codex")
    }

    @Test(
        "codex: a resume keeps the thread id, takes flags after `resume` and `-` for stdin; usage is the thread's total"
    )
    func codexResume() async throws {
        let (project, prompt) = try Self.project()
        let work = FakeCLI.Work()
        let codex = try FakeCLI.install(.codex, work: work, in: TemporaryDirectory.current("bin"))
        let first = try await Self.run(codex, ["exec", "--json", "--yolo", "-"], in: project, input: prompt)
        let thread = try #require(first.session)
        let feedback = "The checks failed; fix them."
        let resumed = try await Self.run(
            codex,
            ["exec", "resume", thread, "--json", "--yolo", "-m", "gpt-5", "-"],
            in: project,
            input: feedback
        )
        #expect(resumed.exitCode == 0)
        #expect(resumed.session == thread)
        #expect(resumed.lastUsage == work.usage(.codex) + work.usage(.codex))
        #expect(resumed.tools.first == "Shell bash -lc 'cat specs/u/01-task-1.md'")
        let invocations = codex.invocations
        #expect(invocations.map(\.promptOnStandardInput) == [true, true])
        #expect(invocations.last?.resumed == thread && invocations.last?.model == "gpt-5")
        #expect(codex.prompts == [prompt, feedback])

        let lost = try await Self.run(codex, Self.codexArguments + ["resume", "0b1d", prompt], in: project)
        #expect(lost.exitCode == 1)
        let result = try #require(lost.result)
        #expect(result.isError && result.message?.contains("no rollout found for thread id 0b1d") == true)
    }

    @Test("codex: a usage limit is an error and a failed turn with the limit text and its time; exit 1, then work")
    func codexUsageLimit() async throws {
        let (project, prompt) = try Self.project()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let now = try #require(calendar.date(from: DateComponents(year: 2026, month: 5, day: 12, hour: 9)))
        let resetsAt = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 5, day: 12, hour: 15, minute: 28))
        )
        let codex = try FakeCLI.install(
            .codex,
            .usageLimit(invocations: 1, resetsAt: resetsAt),
            in: TemporaryDirectory.current("bin"),
            now: now
        )
        let limited = try await Self.run(codex, Self.codexArguments + [prompt], in: project)
        #expect(limited.exitCode == 1)
        let text = FakeCLI.codexLimitText(resetsAt: resetsAt, now: now)
        #expect(text.hasPrefix("You've hit your usage limit.") && text.hasSuffix("try again at 3:28 PM."))
        let result = try #require(limited.result)
        #expect(result.isError && result.kind == "turn.failed" && result.message == text)
        #expect(UsageLimitText.match(in: text, now: now)?.resetsAt == resetsAt)
        let later = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 5, day: 14, hour: 12, minute: 30))
        )
        #expect(FakeCLI.codexLimitText(resetsAt: later, now: now).hasSuffix("try again at May 14th, 2026 12:30 PM."))
        #expect(try await Self.run(codex, Self.codexArguments + [prompt], in: project).exitCode == 0)
    }

    @Test("the CLIs' own argument rules: stream-json needs --verbose, --full-auto is gone; text mode prints the answer")
    func argumentRules() async throws {
        let (project, prompt) = try Self.project()
        let bin = TemporaryDirectory.current("bin")
        let claude = try FakeCLI.install(.claude, in: bin)
        let codex = try FakeCLI.install(.codex, in: bin)
        let noVerbose = try await Self.run(claude, ["-p", "--output-format", "stream-json", prompt], in: project)
        #expect(noVerbose.exitCode == 1 && noVerbose.stderr.contains("requires --verbose"))
        let fullAuto = try await Self.run(codex, ["exec", "--full-auto", prompt], in: project)
        #expect(fullAuto.exitCode == 2 && fullAuto.stderr.contains("--full-auto"))
        let text = try await Self.run(claude, ["--dangerously-skip-permissions", "-p", prompt], in: project)
        #expect(text.exitCode == 0 && text.events == [.unreadable("Done: the task is complete.")])
        let codexText = try await Self.run(codex, ["exec", "--yolo", prompt], in: project)
        #expect(codexText.exitCode == 0 && codexText.events == [.unreadable("Done: the task is complete.")])
        #expect(claude.invocations.count == 2 && codex.invocations.count == 2)
    }

    @Test("configYAML makes the script the provider of its kind, with choo's built-in arguments")
    func configYAML() throws {
        let codex = try FakeCLI.install(.codex, in: TemporaryDirectory.current("bin"))
        #expect(
            codex.configYAML
                == "provider:\n  type: codex\n  providers:\n    codex:\n      command: \(codex.path)\n"
        )
        let load = try loadConfig(codex.configYAML)
        #expect(!load.diagnostics.hasErrors)
        #expect(load.config.provider.type == "codex" && load.config.command(forProvider: "codex") == codex.path)
        #expect(load.config.arguments(forProvider: "codex").isEmpty)
    }
}

extension FakeCLITests {
    @Test("overrides give one unit its own behaviour; the invocation number counts every unit's")
    func overrides() async throws {
        let (project, prompt) = try Self.project()
        try FileManager.default.createDirectory(atPath: project + "/specs/v", withIntermediateDirectories: true)
        try "---\nstatus: pending\n---\n".write(
            toFile: project + "/specs/v/01-task-1.md",
            atomically: true,
            encoding: .utf8
        )
        let other = "Work.\n\n- File: `specs/v/01-task-1.md` (it describes the work)\n"
        let claude = try FakeCLI.install(
            .claude,
            overrides: ["v": .textOnlyLimit(invocations: 2, resetsAt: Date().addingTimeInterval(3600))],
            in: TemporaryDirectory.current("bin")
        )
        #expect(try await Self.run(claude, Self.claudeArguments + [prompt], in: project).exitCode == 0)
        #expect(try await Self.run(claude, Self.claudeArguments + [other], in: project).exitCode == 1)
        #expect(try await Self.run(claude, Self.claudeArguments + [other], in: project).exitCode == 0)
    }
}
