import Foundation

/// The run's read model: a pure value built only by applying the run's events in order. Per unit
/// its phase, its tasks (status, attempts, duration, the commit that completed each), its agent
/// turns and checks, what it is doing now, why it failed and in which phase, its pull request with
/// review and CI; and the run's totals.
///
/// Every report is a projection of it: the live view, the closing summary, the journal's rows (so
/// `choo status`, `choo history` and `choo logs`). It can be rebuilt from the events a journal
/// stored (``init(events:)`` over ``RunJournal/events(run:)``), and equals then the state the run
/// kept while it ran, so a finished or killed run reads the same. ``RunStateFeed`` gives its
/// updates to subscribers.
///
/// Times are kept to the millisecond an event's JSON line carries (``instant(_:)``), so a state
/// rebuilt from stored events equals the live one.
public struct RunState: Sendable, Hashable {
    /// How the run ended.
    public enum Outcome: String, Sendable, Hashable {
        /// Every unit completed (`orch.completed`).
        case complete
        /// A unit failed, was blocked or did not start (`orch.failed`).
        case failed
        /// The run was stopped (Ctrl-C or a signal) before it finished.
        case interrupted
    }

    /// Units in the order they were queued.
    public private(set) var units: [UnitState] = []
    /// When the run started.
    public private(set) var startedAt: Date?
    /// When the run ended.
    public private(set) var finishedAt: Date?
    /// The folder agent logs are written under, when known.
    public private(set) var logFolder: String?
    /// How many units may run at once.
    public private(set) var parallelism: Int?
    /// How many tasks remained to be done when the run started.
    public private(set) var plannedTasks: Int?
    /// Whether a stop was asked for (the first Ctrl-C): no new unit starts.
    public private(set) var stopRequested = false
    /// How the run ended; `nil` while it runs, or when it was killed before it could say.
    public private(set) var outcome: Outcome?
    /// The counts the run reported in its last event, as the scheduler saw them.
    public private(set) var reported: Event.RunFinished?
    /// The providers whose usage limit pauses their units now, by name.
    public private(set) var pauses: [String: Event.AgentLimit] = [:]
    /// The budget that stopped the run, when one did.
    public private(set) var budgetReached: BudgetStop?

    /// A budget that stopped the run.
    public struct BudgetStop: Sendable, Hashable {
        /// Which budget, its value and what was spent.
        public var details: Event.BudgetReached
        /// What the run said of it.
        public var message: String?
    }

    /// Where each unit is in ``units`` and the run's counts and spend, kept as units change.
    private var tally = Tally()

    /// What every agent of the run spent, the running turns' tokens so far included.
    public var spend: Spend { tally.spend }

    /// An empty state, before the run's first event.
    public init() {}

    /// The state after `events`, e.g. those a journal stored for a run.
    public init(events: some Sequence<Event>) {
        for event in events { apply(event) }
    }

    /// The unit `id`, when an event named it.
    public func unit(_ id: String) -> UnitState? { tally.index[id].map { units[$0] } }

    /// The number of units in `state`.
    public func count(_ state: UnitState.State) -> Int { tally.count(state) }

    /// Why each failed unit failed.
    public var failureReasons: [String: String] {
        Dictionary(uniqueKeysWithValues: units.compactMap { unit in unit.failure.map { (unit.id, $0.reason) } })
    }

    /// What blocked each blocked unit.
    public var blockers: [String: [String]] {
        Dictionary(uniqueKeysWithValues: units.filter { $0.state == .blocked }.map { ($0.id, $0.blockedBy) })
    }

    /// The run's counts.
    public struct Totals: Sendable, Hashable {
        /// Units in the run.
        public var units = 0
        /// Units that completed (landed, when units are landed).
        public var complete = 0
        /// Units that failed.
        public var failed = 0
        /// Units that did not run because a unit they depend on did not complete.
        public var blocked = 0
        /// Units that never started (so far, while the run goes on).
        public var notStarted = 0
        /// Units that started and have not ended: running now, or stopped before they finished.
        public var unfinished = 0
        /// Tasks whose work was committed in this run.
        public var committedTasks = 0
    }

    /// The run's counts now.
    public var totals: Totals {
        var totals = Totals()
        totals.units = units.count
        totals.notStarted = tally.count(.queued)
        totals.unfinished = tally.count(.running) + tally.count(.interrupted)
        totals.complete = tally.count(.complete)
        totals.failed = tally.count(.failed)
        totals.blocked = tally.count(.blocked)
        totals.committedTasks = tally.committedTasks
        return totals
    }

    /// The IDs of the units in `state`, sorted, as the summary lists them.
    public func ids(_ state: UnitState.State...) -> [String] {
        units.filter { state.contains($0.state) }.map(\.id).sorted()
    }

    /// What applying an event changed.
    public struct Change: Sendable {
        /// Whether the run's own values changed (its start, end, outcome, stop request, pauses or
        /// budget), not counting its units.
        public internal(set) var run = false
        /// The units that changed, in the order they changed.
        public internal(set) var units: [UnitChange] = []

        /// Whether the event changed nothing.
        public var isEmpty: Bool { !run && units.isEmpty }
    }

    /// One unit an event changed.
    public struct UnitChange: Sendable {
        /// Where it is in ``RunState/units``.
        public let index: Int
        /// The unit as it was before the event; `nil` when the event added it.
        public let before: UnitState?
    }

    /// Updates the state with `event`, in place; what it changed. The cost does not grow with the
    /// number of units, except for the events that concern every unit (a usage limit over, the
    /// run's end).
    @discardableResult
    public mutating func apply(_ event: Event) -> Change {
        let time = Self.instant(event.time)
        var change = Change()
        switch event.payload {
        case .orchStarted(let started):
            updateRun(&change) { state in
                state.startedAt = time
                if let folder = started.logFolder { state.logFolder = folder }
                state.parallelism = started.parallelism
                state.plannedTasks = started.tasks
            }
        case .orchInterrupted:
            updateRun(&change) { $0.stopRequested = true }
        case .orchCompleted(let finished):
            finish(finished, outcome: .complete, at: time, change: &change)
        case .orchFailed(let finished):
            finish(finished, outcome: finished.interrupted ? .interrupted : .failed, at: time, change: &change)
        case .orchLeftoversStopped, .orchCheckoutChanged, .githubWaiting, .githubRequirements, .unknown:
            break
        case .runBudgetReached(let budget):
            updateRun(&change) { $0.budgetReached = BudgetStop(details: budget, message: event.error) }
            applyToUnit(event, at: time, change: &change)
        case .agentLimit(let limit):
            updateRun(&change) { $0.pauses[limit.provider] = limit }
            applyToUnit(event, at: time, change: &change)
        case .agentLimitOver(let over):
            updateRun(&change) { $0.pauses[over.provider] = nil }
            for index in units.indices { update(index, change: &change) { $0.apply(event, at: time) } }
        case .unitQueued, .unitStarted, .unitResumed, .unitWorktree, .unitWorktreeDisk, .unitMergeQueued,
            .unitMergeStarted,
            .unitMergeUpdated, .unitMergeConflict, .unitMerged, .unitCleanupFailed, .unitCompleted, .unitFailed,
            .unitBlocked, .unitInterrupted, .taskStarted, .taskClaudeInvoke, .taskAgentStarted, .taskClaudeDone,
            .taskBackpressure, .taskValidationOK, .taskValidationFail, .taskRetry, .taskCompleted, .taskCommitted,
            .taskFailed, .unitBaseline, .prCreated, .prReviewPending, .prReviewInProgress, .prReviewApproved,
            .prFeedbackReceived, .prFeedbackAddressed, .prChecks, .prMergeQueued, .prConflict, .prMerged, .prFailed,
            .unitBranchRestored, .unitSpecRestored, .unitSetupExcluded, .unitAsideStranded, .taskConflictMarkers,
            .processLeftoversStopped, .prMergeRefused, .githubWarning, .agentSession, .agentTool, .agentUsage,
            .agentRetry:
            applyToUnit(event, at: time, change: &change)
        }
        return change
    }

    /// The run's own values, to tell whether an event changed them.
    private struct RunValues: Hashable {
        var startedAt: Date?
        var finishedAt: Date?
        var logFolder: String?
        var parallelism: Int?
        var plannedTasks: Int?
        var stopRequested: Bool
        var outcome: Outcome?
        var reported: Event.RunFinished?
        var pauses: [String: Event.AgentLimit]
        var budgetReached: BudgetStop?
    }

    private var runValues: RunValues {
        RunValues(
            startedAt: startedAt,
            finishedAt: finishedAt,
            logFolder: logFolder,
            parallelism: parallelism,
            plannedTasks: plannedTasks,
            stopRequested: stopRequested,
            outcome: outcome,
            reported: reported,
            pauses: pauses,
            budgetReached: budgetReached
        )
    }

    /// Changes the run's own values with `update`, noting in `change` whether they changed.
    private mutating func updateRun(_ change: inout Change, _ update: (inout RunState) -> Void) {
        let before = runValues
        update(&self)
        if runValues != before { change.run = true }
    }

    /// Applies `event` to the unit it names, if it names one (adding the unit the first time).
    private mutating func applyToUnit(_ event: Event, at time: Date, change: inout Change) {
        guard let id = event.unit else { return }
        if let index = tally.index[id] {
            update(index, change: &change) { $0.apply(event, at: time) }
        } else {
            var unit = UnitState(id: id)
            unit.apply(event, at: time)
            tally.index[id] = units.count
            tally.add(unit)
            change.units.append(UnitChange(index: units.count, before: nil))
            units.append(unit)
        }
    }

    /// Changes the unit at `index` in place with `update`, keeping the tally and noting in `change`
    /// whether it changed.
    private mutating func update(_ index: Int, change: inout Change, _ update: (inout UnitState) -> Void) {
        let before = units[index]
        update(&units[index])
        guard units[index] != before else { return }
        tally.replace(before, with: units[index])
        change.units.append(UnitChange(index: index, before: before))
    }

    /// The run ended: units still at work when it ended were stopped (a unit waiting for the merge
    /// slot when a stop was asked for, say); units that never started stay not started.
    private mutating func finish(_ finished: Event.RunFinished, outcome: Outcome, at time: Date, change: inout Change) {
        updateRun(&change) { state in
            state.finishedAt = time
            state.reported = finished
            state.outcome = outcome
            if finished.interrupted { state.stopRequested = true }
        }
        for index in units.indices where units[index].state == .running {
            update(index, change: &change) { $0.stop(at: time) }
        }
    }

    /// `date` to the millisecond an event's JSON line records for it (the same digits as
    /// `Event.format`), so a state built from events read back from their lines or the journal
    /// equals one built from the events as they were published.
    public static func instant(_ date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { return date }
        let whole = Int(seconds.rounded(.down))
        let milliseconds = Int((seconds * 1000).rounded(.down)) % 1000
        return Date(timeIntervalSince1970: Double(whole * 1000 + milliseconds) / 1000)
    }

    /// The text an event's line has for a time the state keeps (the start of a millisecond, which
    /// floating point may put a hair before it): that millisecond, e.g. `2026-11-26T09:30:00.250Z`.
    static func text(instant date: Date) -> String { Event.format(date.addingTimeInterval(0.0005)) }
}
