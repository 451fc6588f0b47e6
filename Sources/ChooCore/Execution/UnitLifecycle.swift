import Foundation

/// What the run loop asks of a unit: prepare its worktree ahead, run its work, wait for its
/// review, land it, clean up. Each call makes the unit's ``UnitWork`` and hands it to the named
/// parts (``WorktreeManager``, ``TaskLoop``, ``BaselineChecks``, the ``LandingStrategy`` of the
/// run, ``UnitCleanup``); returns how it ended, and every step is also published as an event.
public struct UnitLifecycle: Sendable {
    /// What every unit of a run shares.
    public struct Context: Sendable {
        /// The repository root (absolute).
        public var repositoryRoot: String
        /// The tasks root relative to the repository root; the same path inside every worktree.
        public var tasksDirectory: String
        /// Where worktrees are created (absolute).
        public var worktreeBase: String
        /// Where agent logs go (absolute): `<worktree base>/logs`.
        public var logFolder: String
        /// The branch new unit branches start from.
        public var targetBranch: String
        /// The run's settings.
        public var config: ChooConfig
        /// Processes, HTTP, the clock and files: everything the units' work does to the world.
        public var effects: Effects
        /// Runs processes (agents, checks, git): the effects' runner.
        public var runner: any ProcessRunning {
            get { effects.runner }
            set { effects.runner = newValue }
        }
        /// Where events go.
        public var bus: EventBus
        /// The agent for each unit.
        public var providers: [String: AgentProvider]
        /// Extra environment for agents and checks.
        public var environment: [String: String]
        /// Serialises worktree administration: git cannot add or remove two worktrees of one
        /// repository at the same time.
        public var repositoryLock = AsyncLock()
        /// The run's webhooks (`notify:`), when it has any: drained when the bus has closed.
        public var webhooks: WebhookSink?
        /// The run's number in the journal, once it has one.
        public var run: Int64?
        /// Held for the whole run: one `choo run` at a time per repository.
        public var runLock: RunLock?
        /// Where every child's process group is recorded, for the next run after a crash.
        public var childLedger: ChildProcessLedger?
        /// The run journal's sink, which counts the events it could not write.
        public var journalSink: JournalSink?
        /// Worktrees made ahead of their unit's start (see ``UnitLifecycle/prepare(unit:)``).
        public var preparedWorktrees = PreparedWorktrees()
        /// Landed units' worktree folders waiting to be recycled (`worktree.reuse`).
        public var worktreePool = WorktreePool()
        /// choo's own memory of each unit's commits and ignore files, out of the agent's reach.
        public var records = ChooRecords()
        /// Set in GitHub mode: units land through pull requests instead of the local merge.
        public var github: GitHubMode?
        /// Usage-limit pauses, budgets and the run's stop flag, shared by every unit's agents.
        public var allowance: AgentAllowance
        /// Takes secrets out of agent logs before they are written.
        public var redactor = SecretRedactor()
        /// Prices of models, for the cost of agents whose CLI reports none.
        public var prices = PriceTable.shipped

        /// Creates a context.
        public init(
            repositoryRoot: String,
            tasksDirectory: String,
            worktreeBase: String,
            logFolder: String,
            targetBranch: String,
            config: ChooConfig,
            effects: Effects,
            bus: EventBus,
            providers: [String: AgentProvider],
            environment: [String: String] = [:]
        ) {
            self.repositoryRoot = repositoryRoot
            self.tasksDirectory = tasksDirectory
            self.worktreeBase = worktreeBase
            self.logFolder = logFolder
            self.targetBranch = targetBranch
            self.config = config
            self.effects = effects
            self.bus = bus
            self.providers = providers
            self.environment = environment
            allowance = AgentAllowance(config: config)
            prices = PriceTable.shipped.merging(config.prices)
        }
    }

    /// The branch a unit runs on.
    public static func branch(for unit: String) -> String { "ralph/\(unit)" }

    /// The shared context.
    public var context: Context
    /// How units land: through pull requests in GitHub mode, else by moving the target here.
    let landing: any LandingStrategy

    /// A lifecycle over `context`.
    public init(context: Context) {
        self.context = context
        landing = context.github.map { GitHubLanding(github: $0) } ?? LocalLanding()
    }

    /// Whether units wait for a review between their work and their landing (GitHub mode).
    public var reviews: Bool { landing.reviews }

    /// Runs `unit`'s work to the end: worktree, setup, tasks, baseline checks, and what the landing
    /// strategy does once the work is done. Cancellation (an immediate stop) returns `.interrupted`.
    public func run(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.UnitResult {
        let work = UnitWork(unit: unit, context: context)
        switch await UnitEnding.of({
            // A fresh unit's branch was made by this run and no agent has worked in it yet, so
            // there is nothing half-way to roll back or review from an earlier run.
            // A unit's start (its prepared worktree caught up, recorded and reviewed) is what a
            // hand-off waits for: choo's bookkeeping, run at choo's own priority. Checking out a
            // worktree afresh is the unit's work and stays niced (see `makeWorktree`).
            let start = try await ProcessPriority.$niceness.withValue(0) {
                try await WorktreeManager(work: work).start()
            }
            // A resumed branch may be mid-rebase from a landing that was killed. (In a prepared
            // worktree, an operation another agent started is caught by the first turn's review.)
            if start == .resumed { try await BranchUpdate(work: work).rollBackUnfinishedOperation() }
            try await WorktreeManager(work: work).runSetup()
            var known: WorktreeStatus?
            if case .prepared(let unchanged) = start { known = unchanged }
            try await TaskLoop(work: work).run(fresh: start == .fresh, known: known, shutdown: shutdown)
            try await BaselineChecks(work: work).run(shutdown: shutdown)
            try await landing.finishWork(work)
        }) {
        case .done: return .succeeded
        case .failed(let reason):
            // The worktree stays for the person: what it takes on disk is recorded.
            UnitCleanup(work: work).recordDisk(of: work.path)
            return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// Makes `unit`'s worktree and branch before the unit starts, so the slot it later gets goes
    /// straight to work. Called for ready units waiting for a slot; a failure is left for
    /// ``run(unit:shutdown:)`` to meet again and report. `dependenciesLanded`: every unit it
    /// depends on has landed, so the worktree made now needs no catching up when the unit starts.
    public func prepare(unit: String, dependenciesLanded: Bool = false) async {
        await WorktreeManager(work: UnitWork(unit: unit, context: context)).prepareAhead(
            dependenciesLanded: dependenciesLanded
        )
    }

    /// Removes the worktrees and new branches of units prepared ahead that never started (they were
    /// blocked, or the run ended first), so a later run makes them afresh from the target; only
    /// when the worktree is clean and the branch holds nothing the target lacks.
    public func discardUnstarted() async {
        for (unit, resumed) in context.preparedWorktrees.takeAll().sorted(by: { $0.key < $1.key }) {
            let work = UnitWork(unit: unit, context: context)
            do {
                try await UnitCleanup(work: work).discardUnstarted(resumed: resumed)
            } catch {
                work.publish(.unitCleanupFailed, error: "\(error)")
            }
        }
    }

    /// Waits until `unit` may land (GitHub: approval and green CI, answering feedback). Runs
    /// outside the parallelism cap.
    public func review(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.ReviewResult {
        let work = UnitWork(unit: unit, context: context)
        switch await UnitEnding.of({ try await landing.awaitReview(work, shutdown: shutdown) }) {
        case .done: return .approved
        case .failed(let reason): return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// Lands `unit` on the target branch through the run's landing strategy, holding the merge slot.
    public func land(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.MergeResult {
        let work = UnitWork(unit: unit, context: context)
        switch await UnitEnding.of({ try await landing.land(work, shutdown: shutdown) }) {
        case .done:
            // Its folder may be recycled: units that need a worktree from now on wait for it.
            if context.config.worktree.reuse, !context.config.worktree.keep { context.worktreePool.expect(unit) }
            return .merged
        case .failed(let reason): return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// After `unit` landed: runs `worktree.teardown`, then removes its worktree and deletes its
    /// branch, only when its work is on the target; nothing with `worktree.keep`. A failure is
    /// reported as an event; the landed work is safe either way.
    public func cleanUp(unit: String) async {
        let work = UnitWork(unit: unit, context: context)
        defer { context.worktreePool.settle(unit) }
        do {
            try await UnitCleanup(work: work).afterLanding(landedHead: landing.landedHead(of: unit))
        } catch {
            work.publish(.unitCleanupFailed, error: "\(error)")
        }
    }
}
