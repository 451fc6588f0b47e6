import Foundation
import Synchronization

/// The unit's agent turns: one invocation of its agent, with a log per turn in the run's log folder
/// (`logs/run-<N>/<unit>/<NNN>-<turn>-attempt<A>.log`) that never keeps a secret the agent printed.
///
/// The agent's output is read as it arrives in its provider's format (``AgentOutputFormat``): its
/// session, tool calls, tokens and cost become the run's `agent.*` events, and a tool call that is
/// running earns `agent_tool_timeout` of silence. An invocation that ends at the provider's usage
/// limit does not count: the unit waits with every unit of that provider (``AgentAllowance``) and
/// runs the same turn again after the reset. Before every invocation the budgets are checked.
struct AgentTurns: UnitPart {
    let work: UnitWork

    /// A conversation a turn continues: its id, and the prompt that carries on from it (what went
    /// wrong, not the whole task again).
    struct Resume: Sendable, Hashable {
        /// The provider whose conversation it is.
        var provider: String
        /// The conversation's id.
        var session: String
        /// The prompt for the continuation.
        var prompt: String
        /// The tokens the conversation had reported in all by its last turn (Codex reports a
        /// thread's running total), so this turn's own are told apart.
        var reportedTotal: TokenUsage?
    }

    /// How a turn went.
    struct Result: Sendable {
        /// How the agent's process ended.
        var outcome: ProcessOutcome
        /// The provider.
        var provider: String
        /// The conversation's id at the end, when the agent reported one.
        var session: String?
        /// The tokens the conversation reported in all (for the next ``Resume``).
        var reportedTotal: TokenUsage?
        /// The last tool call it started, as a person reads it.
        var lastActivity: String?
    }

    /// Runs the unit's agent once with `prompt`, for `turn` (of `task`, try `attempt`).
    func invoke(task: Int?, attempt: Int, turn: AgentTurn, prompt: String) async throws -> ProcessOutcome {
        try await run(task: task, attempt: attempt, turn: turn, prompt: prompt).outcome
    }

    /// Runs the unit's agent for `turn` (of `task`, try `attempt`) with `prompt`, or continuing
    /// `resume`'s conversation where the provider can: after its provider's usage-limit pause, if
    /// one is in force, and only while no budget is reached. An invocation cut off by the usage
    /// limit is run again after the pause; one whose conversation is gone is run afresh.
    func run(task: Int?, attempt: Int, turn: AgentTurn, prompt: String, resume: Resume? = nil) async throws -> Result {
        guard let provider = context.providers[unit] else { throw UnitStop.failed("no agent configured for the unit") }
        var resume = resume.flatMap { $0.provider == provider.name && provider.canResume ? $0 : nil }
        let allowance = context.allowance
        var announced: Int?
        while true {
            let probing = try await waitOutLimit(of: provider.name, task: task, announced: announced)
            do {
                try await checkBudgets(task: task)
                let single = try await once(
                    provider: provider,
                    task: task,
                    attempt: attempt,
                    turn: turn,
                    prompt: prompt,
                    resume: resume
                )
                if let hit = single.limit {
                    announced = try await pause(provider: provider.name, for: hit, task: task)
                    continue
                }
                if resume != nil, single.sessionMissing {
                    // The conversation is gone (another machine, a cleaned-up home): start afresh.
                    resume = nil
                    if probing { allowance.releaseProbe(provider.name) }
                    continue
                }
                if allowance.clear(provider.name) {
                    context.bus.publish(Event(.agentLimitOver(.init(provider: provider.name))))
                }
                return single.result
            } catch {
                if probing { allowance.releaseProbe(provider.name) }
                throw error
            }
        }
    }

    // MARK: One invocation

    /// One invocation and what came of it.
    private struct Single {
        var result: Result
        /// The usage limit it ended at, if it did.
        var limit: UsageLimitDetector.Hit?
        /// Whether it tried to continue a conversation the CLI could not find.
        var sessionMissing = false
    }

    /// Runs the agent once, logging the prompt, the output (secrets taken out, line by line) and how
    /// it ended in a file of its own, and publishing what its stream says.
    private func once(
        provider: AgentProvider,
        task: Int?,
        attempt: Int,
        turn: AgentTurn,
        prompt fullPrompt: String,
        resume: Resume?
    ) async throws -> Single {
        let prompt = resume?.prompt ?? fullPrompt
        let arguments: [String]
        let input: String?
        if let resume, let resumed = provider.resumeInvocation(session: resume.session, prompt: prompt) {
            (arguments, input) = resumed
        } else {
            (arguments, input) = try provider.invocation(prompt: fullPrompt)
        }
        let logFile = try startLog(
            provider: provider,
            task: task,
            attempt: attempt,
            turn: turn,
            arguments: arguments,
            prompt: resume == nil ? fullPrompt : prompt,
            session: resume?.session
        )
        var spec = ProcessSpec(executable: provider.executable, arguments: arguments, workingDirectory: worktree)
        spec.standardInput = input
        spec.timeout = context.config.agentTimeout
        spec.idleTimeout = context.config.agentIdleTimeout
        spec.separatesErrorOutput = true
        let activity = ProcessActivity(toolTimeout: context.config.agentToolTimeout)
        spec.activity = activity
        context.bus.publish(
            Event(
                .taskClaudeInvoke(.init(provider: provider.name, attempt: attempt, logFile: logFile)),
                unit: unit,
                task: task
            )
        )
        let publisher = StreamPublisher(
            work: work,
            task: task,
            provider: provider,
            resumed: resume != nil,
            baseline: provider.format == .codexJSONL ? resume?.reportedTotal : nil,
            activity: activity
        )
        let reader = AgentStreamReader(format: provider.format, logFile: logFile, redactor: context.redactor) {
            event,
            summary in
            publisher.publish(event, summary: summary)
        }
        let bus = context.bus
        let outcome = try await work.worktree.run(
            spec,
            onStart: { pid in
                bus.publish(Event(.taskAgentStarted(.init(pid: Int(pid))), unit: unit, task: task))
            },
            onOutput: { chunk in reader.receive(chunk) }
        )
        reader.finish()
        activity.finishAll()
        reader.appendToLog(
            "\n## exit\n\n\(OutcomeText.describe(outcome)) after \(OutcomeText.seconds(outcome.duration))\n"
        )
        let summary = reader.summary
        let usage = publisher.ownUsage(summary.usage)
        let spend = finalSpend(usage: usage, summary: summary, provider: provider, task: task)
        context.allowance.record(spend, unit: unit)
        let limit = UsageLimitDetector.hit(summary: summary, outcome: outcome, now: work.now)
        let missing = resume != nil && Self.sessionMissing(summary: summary, outcome: outcome)
        var error: String?
        if let limit {
            error = "agent stopped at \(provider.name)'s usage limit" + (limit.message.map { ": \($0)" } ?? "")
        } else if !outcome.succeeded {
            error =
                "agent "
                + OutcomeText.describeAgent(outcome, config: context.config, lastActivity: summary.lastTool)
        }
        context.bus.publish(
            Event(
                .taskClaudeDone(.init(exit: OutcomeText.describe(outcome), logFile: logFile)),
                unit: unit,
                task: task,
                error: error
            )
        )
        return Single(
            result: Result(
                outcome: outcome,
                provider: provider.name,
                session: summary.session,
                reportedTotal: summary.usage,
                lastActivity: summary.lastTool
            ),
            limit: limit,
            sessionMissing: missing
        )
    }

    /// Writes the log's header and prompt; the log file's path.
    private func startLog(
        provider: AgentProvider,
        task: Int?,
        attempt: Int,
        turn: AgentTurn,
        arguments: [String],
        prompt: String,
        session: String?
    ) throws -> String {
        // One agent runs in a unit at a time: the unit's logs so far in this run number the next.
        let folder = context.logFolder + "/" + unit
        let files = context.effects.files
        try files.createDirectory(folder)
        let earlier = (try? files.names(in: folder))?.count { $0.hasSuffix(".log") } ?? 0
        let logFile =
            folder + "/" + AgentLog.fileName(sequence: earlier + 1, turn: turn, task: task, attempt: attempt)
        let shown = ([provider.executable] + arguments.map { $0 == prompt ? "<prompt>" : $0 }).joined(separator: " ")
        let clean = context.redactor.redact(prompt)
        let header =
            "# choo agent log\n# unit: \(unit)\n# turn: \(turn.rawValue)\n# task: \(task.map(String.init) ?? "-")\n"
            + "# attempt: \(attempt)\n# provider: \(provider.name)\n# format: \(provider.format.rawValue)\n"
            + "# session: \(session ?? "-")\n# command: \(context.redactor.redact(shown))\n"
            + "# prompt-bytes: \(clean.utf8.count)\n\n## prompt\n\n\(clean)\n\n## output\n\n"
        try files.write(header, to: logFile)
        return logFile
    }

    /// The invocation's spend, published as its final usage: the CLI's cost when it reports one,
    /// else the price table's estimate, else unknown.
    private func finalSpend(usage: TokenUsage?, summary: AgentStreamReader.Summary, provider: AgentProvider, task: Int?)
        -> Spend
    {
        guard let usage else { return Spend() }
        let model = provider.model ?? summary.model
        var cost: (usd: Double, source: Spend.CostSource)?
        if let reported = summary.result?.costUSD {
            cost = (reported, .reported)
        } else if let estimate = context.prices.cost(of: usage, model: model, provider: provider.name) {
            cost = (estimate.usd, .table)
        }
        let details = Event.AgentUsage(
            usage: usage,
            costUSD: cost?.usd,
            costSource: cost?.source.rawValue,
            final: true,
            model: model,
            turns: summary.result?.turns
        )
        work.publish(.agentUsage(details), task: task)
        return Spend(details)
    }

    /// Whether the CLI said the conversation to continue does not exist: a failure before any
    /// work whose message says so (Claude: `No conversation found with session ID`; Codex: the
    /// thread's rollout not found).
    private static func sessionMissing(summary: AgentStreamReader.Summary, outcome: ProcessOutcome) -> Bool {
        guard !outcome.succeeded || summary.result?.isError == true, summary.toolCalls == 0 else { return false }
        let text =
            (summary.result?.message ?? "") + "\n" + outcome.output.suffix(2048) + outcome.errorOutput.suffix(2048)
        let lower = text.lowercased()
        let subject = ["conversation", "session", "thread", "rollout"].contains { lower.contains($0) }
        let missing = ["not found", "no conversation found", "no rollout found", "could not find", "does not exist"]
        return subject && missing.contains { lower.contains($0) }
    }

    // MARK: Budgets and usage limits

    /// Stops the run gracefully when a budget is reached: no new turn starts.
    private func checkBudgets(task: Int?) async throws {
        guard let reached = context.allowance.budgetReached(unit: unit) else { return }
        let message =
            "\(reached.description); no new agent turn starts and the run stops. Raise the budget in .choo.yaml "
            + "and run `choo run` again to go on"
        work.publish(
            .runBudgetReached(.init(budget: reached.key, limit: reached.limit, spent: reached.spent)),
            task: task,
            error: message
        )
        try await stopRun(message)
    }

    /// Asks the run to stop gracefully for `message` and stops this unit once the run has taken
    /// the request (so the run counts it as stopped, not failed).
    private func stopRun(_ message: String) async throws -> Never {
        context.allowance.requestStop(message)
        await context.allowance.shutdown.raised()
        throw UnitStop.interrupted
    }

    /// Pauses `provider`'s units for `hit` and records the pause; stops the run gracefully when the
    /// wait is longer than `limits.max_wait`. The pause's generation, which this unit announced.
    private func pause(provider: String, for hit: UsageLimitDetector.Hit, task: Int?) async throws -> Int {
        let now = work.now
        let limits = context.config.limits
        let jitter = OutcomeText.interval(limits.jitter)
        var until = now.addingTimeInterval(OutcomeText.interval(limits.defaultWait))
        if let reset = hit.resetsAt {
            until = max(reset, now).addingTimeInterval(jitter > 0 ? Double.random(in: 0 ... jitter) : 0)
        }
        let details = Event.AgentLimit(
            provider: provider,
            until: Timestamp(until),
            resetKnown: hit.resetsAt != nil,
            window: hit.window,
            message: hit.message
        )
        if until.timeIntervalSince(now) > OutcomeText.interval(limits.maxWait) {
            let message =
                "\(provider)'s usage limit resets at \(Timestamp(until).description), longer away than limits.max_wait "
                + "(\(OutcomeText.limit(limits.maxWait))): the run stops; run `choo run` again after then to go on"
            context.allowance.pause(provider, until: until, resetKnown: hit.resetsAt != nil, window: hit.window)
            work.publish(.agentLimit(details), task: task, error: message)
            try await stopRun(message)
        }
        let pause = context.allowance.pause(
            provider,
            until: until,
            resetKnown: hit.resetsAt != nil,
            window: hit.window,
            message: hit.message
        )
        var recorded = details
        recorded.until = Timestamp(pause.until)
        work.publish(.agentLimit(recorded), task: task)
        return pause.generation
    }

    /// Waits while `provider`'s units are paused by its usage limit, announcing the wait; returns
    /// whether this unit makes the single try after a pause without a known reset. A stop of the
    /// run ends the wait.
    private func waitOutLimit(of provider: String, task: Int?, announced: Int?) async throws -> Bool {
        let allowance = context.allowance
        var announced = announced
        while true {
            let (pause, generation) = allowance.snapshot(provider)
            guard let pause else { return false }
            if allowance.shutdown.isRaised || Task.isCancelled { throw UnitStop.interrupted }
            let now = work.now
            if !pause.probing, now >= pause.until {
                if pause.resetKnown { return false }
                if allowance.claimProbe(provider, generation: pause.generation) { return true }
                continue
            }
            if announced != pause.generation {
                announced = pause.generation
                let details = Event.AgentLimit(
                    provider: provider,
                    until: Timestamp(pause.until),
                    resetKnown: pause.resetKnown,
                    window: pause.window,
                    message: pause.message
                )
                work.publish(.agentLimit(details), task: task)
            }
            let clock = context.effects.clock
            let wait = pause.probing ? nil : Duration.seconds(pause.until.timeIntervalSince(now))
            await Self.firstOf(
                { if let wait { try? await clock.sleep(for: wait) } else { await Self.never() } },
                { await allowance.changed(since: generation) },
                { await allowance.shutdown.raised() }
            )
        }
    }

    /// Runs `waits` side by side and returns once the first has returned, cancelling the rest.
    private static func firstOf(_ waits: @Sendable () async -> Void...) async {
        await withTaskGroup(of: Void.self) { group in
            for wait in waits { group.addTask { await wait() } }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns only when the calling task is cancelled.
    private static func never() async {
        let stream = AsyncStream<Void> { _ in }
        for await _ in stream {}
    }
}

/// Turns one invocation's stream events into the run's `agent.*` events: the session once, each
/// tool call (and the activity that allows it its own timeout), API retries, and the tokens so far
/// at most every two seconds of the run's clock.
private final class StreamPublisher: Sendable {
    private struct State {
        var sessions: Set<String> = []
        var lastUsage: TokenUsage?
        var lastPublished: Date?
    }

    let work: UnitWork
    let task: Int?
    let provider: AgentProvider
    let resumed: Bool
    let baseline: TokenUsage?
    let activity: ProcessActivity
    private let state = Mutex(State())

    init(
        work: UnitWork,
        task: Int?,
        provider: AgentProvider,
        resumed: Bool,
        baseline: TokenUsage?,
        activity: ProcessActivity
    ) {
        self.work = work
        self.task = task
        self.provider = provider
        self.resumed = resumed
        self.baseline = baseline
        self.activity = activity
    }

    /// This invocation's own tokens out of the totals the CLI reported (Codex totals a thread).
    func ownUsage(_ reported: TokenUsage?) -> TokenUsage? {
        guard let reported, let baseline else { return reported }
        return TokenUsage(
            input: max(reported.input - baseline.input, 0),
            output: max(reported.output - baseline.output, 0),
            cacheRead: max(reported.cacheRead - baseline.cacheRead, 0),
            cacheWrite: max(reported.cacheWrite - baseline.cacheWrite, 0)
        )
    }

    func publish(_ event: AgentEvent, summary: AgentStreamReader.Summary) {
        switch event {
        case .sessionStarted(let id, let model):
            let first = state.withLock { $0.sessions.insert(id).inserted }
            if first {
                work.publish(
                    .agentSession(.init(provider: provider.name, session: id, resumed: resumed, model: model)),
                    task: task
                )
            }
        case .toolStarted(let id, let name, let target):
            activity.started(id)
            work.publish(.agentTool(.init(tool: name, target: target)), task: task)
        case .toolFinished(let id, _):
            activity.finished(id)
        case .apiRetry(let status, let attempt, let delay):
            work.publish(.agentRetry(.init(status: status, attempt: attempt, delayMilliseconds: delay)), task: task)
        case .usage(let usage):
            let now = work.now
            let due = state.withLock { state -> Bool in
                guard state.lastUsage != usage else { return false }
                if let last = state.lastPublished, now.timeIntervalSince(last) < 2 { return false }
                state.lastUsage = usage
                state.lastPublished = now
                return true
            }
            if due, let own = ownUsage(usage) {
                work.publish(.agentUsage(.init(usage: own, final: false, model: provider.model)), task: task)
            }
        case .text, .rateLimit, .result, .unreadable:
            break
        }
    }
}
