import Foundation
import Synchronization

/// What `choo run` does once the tree is valid and planned: checks that everything needed is
/// there before anything is created, then carries out the plan and summarises.
public struct Orchestrator: Sendable {
    /// A reason the run cannot start; nothing was created. Exit code 2.
    public enum SetupError: Error, Sendable, Hashable, CustomStringConvertible {
        case notAGitRepository(String)
        case detachedHead
        case unknownTargetBranch(String)
        /// The repository has no commit yet, so no branch for units to start from.
        case noCommitYet
        /// Files of the spec tree differ from HEAD; `earlier` holds those an earlier run saw appear
        /// or change (by path), so the message can say it was not the user.
        case specTreeNotCommitted(
            directory: String,
            files: [String],
            earlier: [String: CheckoutSnapshot.EarlierChange] = [:]
        )
        /// Tracked files of the checkout at `path` have uncommitted changes; `earlier` as above.
        case dirtyCheckout(path: String, files: [String], earlier: [String: CheckoutSnapshot.EarlierChange] = [:])
        case missingAgents([MissingAgent])
        case unknownProvider(name: String, units: [String])
        case git(String)
        case github(String)
        case locked(String)

        /// An agent binary that is not on PATH.
        public typealias MissingAgent = UnitAgents.MissingAgent

        public var description: String {
            switch self {
            case .notAGitRepository(let path):
                return "`\(path)` is not inside a git repository; choo runs units in git worktrees. Run `git init` "
                    + "and commit the spec tree first."
            case .detachedHead:
                return "HEAD is detached, so there is no current branch to start units from; check out a branch or "
                    + "name one with --target"
            case .noCommitYet:
                return "the repository has no commit yet, so there is no branch for units to start from; commit "
                    + "your spec tree first (`git add -A && git commit -m \"Add the spec tree\"`), then run again"
            case .unknownTargetBranch(let name):
                return "the target branch `\(name)` does not exist; create it or name another with --target"
            case .specTreeNotCommitted(let directory, let files, let earlier):
                return "the spec tree in `\(directory)` has changes that are not committed; unit worktrees start "
                    + "from the target branch and would not see them. Commit them first:\n"
                    + Orchestrator.listing(files, earlier: earlier)
            case .dirtyCheckout(let path, let files, let earlier):
                return "the checkout at \(path) has uncommitted changes to tracked files; landing units updates it, "
                    + "so commit or stash them first (or pass --force):\n"
                    + Orchestrator.listing(files, earlier: earlier)
            case .missingAgents(let missing):
                return missing.map(\.description).joined(separator: "\n")
            case .unknownProvider(let name, let units):
                return "provider `\(name)` (for \(units.joined(separator: ", "))) is not configured"
            case .git(let message):
                return message
            case .locked(let message):
                return message
            case .github(let message):
                return message
            }
        }
    }

    /// How the run ended: the scheduler's summary (which gives the exit code) and the run's state
    /// after its last event (which the closing summary shows).
    public struct Outcome: Sendable {
        /// The scheduler's account of each unit.
        public var summary: SchedulerState.Summary
        /// How long the run took.
        public var duration: Duration
        /// The run's state after its last event.
        public var state: RunState
        /// Where the agent logs are.
        public var logFolder: String
        /// The branch units landed on.
        public var targetBranch: String
        /// The user's checkout (the repository's top folder).
        public var checkoutPath = ""
        /// Paths of the user's checkout that appeared, changed or disappeared during the run, not by
        /// choo's doing; choo has not reverted them.
        public var checkoutChanges: [CheckoutSnapshot.Change] = []
        /// Why the checkout could not be compared with its state at the start, if it could not.
        public var checkoutProblem: String?
        /// How many events the run journal could not write, and why the first could not.
        public var journalWriteFailures: (count: Int, first: String?) = (0, nil)

        /// 0 when every unit completed, 130 when interrupted, else 1.
        public var exitCode: Int32 {
            if summary.interrupted { return 130 }
            return summary.allSucceeded ? 0 : 1
        }
    }

    public var workspace: Workspace
    public var plan: Plan
    /// Processes, HTTP (GitHub mode), the clock and files: everything the run does to the world.
    public var effects: Effects
    public var environment: [String: String]
    /// Start even when the user's checkout has uncommitted changes to tracked files.
    public var force: Bool
    /// In GitHub mode, merge pull requests without waiting for approval.
    public var skipReview = false

    /// Creates an orchestrator for `plan` of `workspace`, acting through `effects`.
    public init(
        workspace: Workspace,
        plan: Plan,
        effects: Effects,
        environment: [String: String],
        force: Bool = false
    ) {
        self.workspace = workspace
        self.plan = plan
        self.effects = effects
        self.environment = environment
        self.force = force
    }

    /// Checks git, the target branch, the spec tree and every agent binary; returns the shared
    /// context for the units. Creates nothing except the exclude entry for the worktree folder.
    public func prepare(bus: EventBus) async throws(SetupError) -> UnitLifecycle.Context {
        let root = workspace.repositoryRoot
        let runner = effects.runner
        let git = Git(repository: root, runner: runner)
        guard FileSystem.exists(root + "/.git"), (try? await git.topLevel()) != nil else {
            throw .notAGitRepository(root)
        }
        let config = workspace.config
        let base = FileSystem.absolute(config.worktree.basePath, relativeTo: root)
        let target: String
        do {
            if let configured = config.targetBranch {
                target = configured
            } else {
                guard let current = try await git.currentBranch() else { throw SetupError.detachedHead }
                target = current
            }
            guard try await git.resolve("refs/heads/" + target) != nil else {
                if try await git.resolve("HEAD") == nil { throw SetupError.noCommitYet }
                throw SetupError.unknownTargetBranch(target)
            }
            let tasks = workspace.tree.tasksDirectoryDisplay
            let files = try await git.statusEntries(under: [tasks]).map(\.path)
            if !files.isEmpty {
                let earlier = await earlierChanges(git: git, journalFolder: base)
                throw SetupError.specTreeNotCommitted(directory: tasks, files: files, earlier: earlier)
            }
            let dirty = try await git.dirtyTrackedFiles()
            if !dirty.isEmpty, !force {
                let earlier = await earlierChanges(git: git, journalFolder: base)
                throw SetupError.dirtyCheckout(path: root, files: dirty, earlier: earlier)
            }
        } catch let error as SetupError {
            throw error
        } catch {
            throw .git("\(error)")
        }

        let github = try await gitHubMode(git: git, target: target, bus: bus)

        let agents = UnitAgents.resolve(
            units: plan.entries.map(\.id),
            tree: workspace.tree,
            config: config,
            environment: environment
        )
        if let unknown = agents.unknownProvider { throw .unknownProvider(name: unknown.name, units: [unknown.unit]) }
        if !agents.missing.isEmpty { throw .missingAgents(agents.missing) }
        var providers: [String: AgentProvider] = [:]
        for assignment in agents.assignments { providers[assignment.unit] = assignment.provider }

        let lock: RunLock
        do {
            try effects.files.createDirectory(base)
            lock = try RunLock(in: base, startedAt: effects.clock.now())
        } catch {
            throw .locked("\(error)")
        }
        let ledger: ChildProcessLedger
        let run: Int64
        let journalSink: JournalSink
        do {
            let journal = try RunJournal(in: base)
            run = try journal.startRun(
                command: CommandLine.arguments.joined(separator: " "),
                options: [
                    "target_branch": target, "parallelism": String(plan.parallelism),
                    "units": plan.order.joined(separator: " "), "selected_unit": plan.selectedUnit ?? "",
                ],
                at: effects.clock.now()
            )
            journalSink = journal.sink(for: run)
            bus.add(journalSink)
            ledger = ChildProcessLedger(journal: journal, run: run)
        } catch {
            throw .git("could not open the run journal in \(base): \(error)")
        }
        // Children of a run that was killed keep running (each has a session of its own); the
        // journal knows their process groups and tags: stop them before touching their worktrees.
        let stopped = await ledger.stopLeftovers()
        if !stopped.isEmpty {
            bus.publish(
                Event(
                    .orchLeftoversStopped(
                        .init(processGroups: stopped.groups.map { Int($0) }, processes: stopped.processes)
                    ),
                    error: "stopped \(stopped.groups.count) process group(s) and \(stopped.processes.count) "
                        + "process(es) left running by an earlier run that was killed"
                )
            )
        }
        let relativeBase = FileSystem.relative(base, to: root)
        if relativeBase != base, relativeBase != "." {
            do {
                try await git.addToInfoExclude("/" + relativeBase + "/")
            } catch {
                throw .git("\(error)")
            }
        }
        var context = UnitLifecycle.Context(
            repositoryRoot: root,
            tasksDirectory: workspace.tree.tasksDirectoryDisplay,
            worktreeBase: base,
            logFolder: AgentLog.runFolder(base: base, run: run),
            targetBranch: target,
            config: config,
            effects: effects,
            bus: bus,
            providers: providers,
            environment: [:]
        )
        // Last, with every check passed and the lock held: the local target catches up with origin's.
        if let github, let tip = github.targetTip {
            try await fastForwardTarget(to: tip, git: git, remote: github.remote, target: target)
        }
        // Before any unit starts: what the user's checkout looks like, to notice what changes in it.
        try await recordCheckout(git: git, ledger: ledger)
        context.runLock = lock
        context.run = run
        context.github = github
        // Agents see the environment and print what they see: logs and events keep no secret.
        // Webhook URLs are secrets too: a Slack URL carries a token.
        let hookSecrets = config.notify.flatMap { [$0.url.absoluteString, $0.url.path] }
        let redactor = SecretRedactor(secrets: (github?.secrets ?? []) + hookSecrets, environment: environment)
        context.redactor = redactor
        bus.redact(with: { redactor.redact($0) })
        if !config.notify.isEmpty {
            let journal = try? RunJournal(in: base)
            let clock = effects.clock
            let sink = WebhookSink(
                hooks: config.notify,
                delivery: WebhookDelivery(transport: effects.http, clock: clock, redact: { redactor.redact($0) }),
                repository: (root as NSString).lastPathComponent,
                record: { journal?.recordNotification($0, run: run, at: clock.now()) }
            )
            bus.add(sink)
            context.webhooks = sink
        }
        // A usage limit an earlier run met and was stopped by is waited out before any turn.
        for (provider, pause) in (try? RunJournal(in: base).pendingLimits(before: run, now: effects.clock.now())) ?? [:]
        {
            context.allowance.pause(
                provider,
                until: pause.until.date,
                resetKnown: pause.resetKnown,
                window: pause.window
            )
        }
        if let github { announceRequirements(github, bus: bus) }
        context.runner = LedgerRunner(inner: runner, ledger: ledger, bus: bus, worktreeBase: base)
        context.childLedger = ledger
        context.journalSink = journalSink
        return context
    }

    /// Carries out the plan with `context` and returns how it ended.
    public func run(
        context: UnitLifecycle.Context,
        shutdownRequests: AsyncStream<ShutdownRequest>
    ) async -> Outcome {
        let states = context.bus.states()
        let lifecycle = UnitLifecycle(context: context)
        let loop = RunLoop(
            plan: plan,
            bus: context.bus,
            shutdownTimeout: workspace.config.shutdownTimeout,
            logFolder: context.logFolder
        )
        // Units' work runs at a lower CPU priority than the merge queue: one unit lands at a time
        // and every other waits for it, so it must not be starved by the work beside it.
        let niceness = Int32(workspace.config.unitNiceness)
        var review: RunLoop.ReviewExecutor?
        if lifecycle.reviews {
            review = { unit, flag in
                await ProcessPriority.$niceness.withValue(niceness) {
                    await lifecycle.review(unit: unit, shutdown: flag)
                }
            }
        }
        let started = ContinuousClock.now
        let checkoutResult = Mutex(CheckoutCheck())
        let summary = await loop.run(
            shutdownRequests: Self.merge(shutdownRequests, context.allowance.stopRequests),
            executeUnit: { unit, flag in
                await ProcessPriority.$niceness.withValue(niceness) { await lifecycle.run(unit: unit, shutdown: flag) }
            },
            mergeUnit: { unit, flag in await lifecycle.land(unit: unit, shutdown: flag) },
            cleanUp: { unit in
                await ProcessPriority.$niceness.withValue(niceness) { await lifecycle.cleanUp(unit: unit) }
            },
            prepareUnit: { unit, landed in
                await ProcessPriority.$niceness.withValue(niceness) {
                    await lifecycle.prepare(unit: unit, dependenciesLanded: landed)
                }
            },
            reviewUnit: review,
            shutdownFlag: context.allowance.shutdown,
            beforeFinishing: {
                await lifecycle.discardUnstarted()
                let check = await checkCheckout(context: context)
                checkoutResult.withLock { $0 = check }
            }
        )
        let duration = ContinuousClock.now - started
        let checkout = checkoutResult.withLock { $0 }
        context.runLock?.release()
        var outcome = Outcome(
            summary: summary,
            duration: duration,
            state: states.current,
            logFolder: context.logFolder,
            targetBranch: context.targetBranch
        )
        outcome.checkoutPath = context.repositoryRoot
        outcome.checkoutChanges = checkout.changes
        outcome.checkoutProblem = checkout.problem
        outcome.journalWriteFailures = context.journalSink?.writeFailures ?? (0, nil)
        return outcome
    }

    /// Ctrl-C's requests and the units' own (a budget reached, a usage limit too long to wait),
    /// as one stream that ends when the first ends.
    static func merge(
        _ first: AsyncStream<ShutdownRequest>,
        _ second: AsyncStream<ShutdownRequest>
    ) -> AsyncStream<ShutdownRequest> {
        let (stream, continuation) = AsyncStream.makeStream(of: ShutdownRequest.self)
        let forwarders = [first, second].map { source in
            Task {
                for await request in source { continuation.yield(request) }
            }
        }
        Task {
            await forwarders[0].value
            forwarders[1].cancel()
            continuation.finish()
        }
        continuation.onTermination = { _ in for forwarder in forwarders { forwarder.cancel() } }
        return stream
    }
}
