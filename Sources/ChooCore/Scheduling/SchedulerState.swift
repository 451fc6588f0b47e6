/// The run's scheduling decisions as a pure state machine: inputs go in, actions come out.
///
/// It holds readiness, the parallelism cap, the single merge slot (a unit whose work is done waits
/// in a queue until it is landed, longest remaining critical path first; its dependents start only
/// after that), failure
/// propagation (dependents of a failed unit are blocked, independent units go on), shutdown, and
/// priority: among ready units, the one with the longest remaining critical path starts first,
/// folder order breaking ties. It does no I/O and reads no clock, so every decision is a plain
/// synchronous test.
public struct SchedulerState: Sendable, Hashable {
    /// Where one unit stands in this run.
    public enum UnitPhase: Sendable, Hashable {
        /// Waits for units it depends on.
        case waiting
        /// Could start now, when a slot is free.
        case ready
        /// Started and not finished.
        case running
        /// Its work is done and waits for people and CI (its pull request); it holds no slot.
        case reviewing
        /// Its work is done; it waits for the merge slot.
        case awaitingMerge
        /// Being landed on the target branch.
        case merging
        /// Landed (or finished, when nothing is landed): its dependents may start.
        case succeeded
        /// Finished without success, for `reason`.
        case failed(reason: String)
        /// Will not start because a unit it depends on failed or was blocked.
        case blocked(by: [String])
        /// Was not started because the run is shutting down.
        case notStarted
    }

    /// What a unit's lifecycle reported when it ended.
    public enum UnitResult: Sendable, Hashable {
        case succeeded
        case failed(reason: String)
        /// Stopped by a shutdown before it finished; its committed work stays on its branch.
        case interrupted
    }

    /// How waiting for a unit's review and CI ended.
    public enum ReviewResult: Sendable, Hashable {
        /// Approved (or review skipped) and green, or merged by a person: ready to land.
        case approved
        /// Closed by a person, not approved in time, or CI still failing after the fix rounds.
        case failed(reason: String)
        /// Stopped by a shutdown; the pull request stays open.
        case interrupted
    }

    /// How landing a unit ended.
    public enum MergeResult: Sendable, Hashable {
        case merged
        case failed(reason: String)
        /// Stopped by a shutdown before it finished; the unit's work stays on its branch.
        case interrupted
    }

    /// Something that happened, fed into the state machine.
    public enum Input: Sendable, Hashable {
        /// A unit's lifecycle returned.
        case unitFinished(String, UnitResult)
        /// Waiting for a unit's review and CI returned.
        case reviewFinished(String, ReviewResult)
        /// Landing a unit returned.
        case mergeFinished(String, MergeResult)
        /// The user asked to stop: start nothing new, let running units finish.
        case shutdownRequested
    }

    /// Something the run loop must do.
    public enum Action: Sendable, Hashable {
        /// Start the unit's lifecycle.
        case startUnit(String)
        /// Wait for the unit's review and CI, outside the parallelism cap (only with `reviewsUnits`).
        case startReview(String)
        /// Land the unit on the target branch (one at a time).
        case startMerge(String)
        /// Get the unit's worktree ready ahead of its start, outside the parallelism cap: it is
        /// ready and among the next to start, or waits only for units being landed. Emitted once
        /// per unit, only with `preparesAhead`.
        case prepareUnit(String)
        /// Record that the unit will not run, and why.
        case blockUnit(String, by: [String])
        /// Nothing is running and nothing more can start: end the run.
        case finish(Summary)
    }

    /// How the run ended.
    public struct Summary: Sendable, Hashable {
        public var succeeded: [String]
        public var failed: [String]
        public var blocked: [String]
        /// Units that never started.
        public var notStarted: [String]
        /// Units that started and were stopped before they finished (the run was shutting down).
        public var stopped: [String] = []
        /// Whether a shutdown was requested.
        public var interrupted: Bool

        /// Units in the run.
        public var total: Int { succeeded.count + failed.count + blocked.count + notStarted.count + stopped.count }
        /// True when every unit succeeded.
        public var allSucceeded: Bool {
            failed.isEmpty && blocked.isEmpty && notStarted.isEmpty && stopped.isEmpty && !interrupted
        }
    }

    /// Each unit's phase.
    public private(set) var phases: [String: UnitPhase]
    /// The most units that run at once.
    public let parallelism: Int
    /// Whether a shutdown was requested.
    public private(set) var isShuttingDown = false
    /// Whether the finish action was emitted.
    public private(set) var isFinished = false

    private let order: [String]
    private let dependencies: [String: [String]]
    private let dependents: [String: [String]]
    private let priority: [String: Int]
    private var interruptedUnits: Set<String> = []
    private var mergeQueue: [String] = []
    /// Whether finished units are landed through the merge slot; without it they count as done at once.
    public let landsUnits: Bool
    /// Whether ready units waiting for a slot are prepared ahead (up to `parallelism` of them).
    public let preparesAhead: Bool
    /// Whether a unit whose work is done waits for review and CI (GitHub mode) before the merge slot.
    public let reviewsUnits: Bool
    private var prepared: Set<String> = []

    /// A state for `plan`: units with no dependency in the plan are ready, the rest wait. With
    /// `landsUnits`, a unit whose work is done goes through the merge slot before it counts as done.
    /// With `preparesAhead`, the next ready units that find no free slot are prepared meanwhile
    /// (their worktrees made), so a slot that frees goes straight to agent work.
    /// With `reviewsUnits`, it first waits for review and CI, holding no slot meanwhile.
    public init(plan: Plan, landsUnits: Bool = true, preparesAhead: Bool = false, reviewsUnits: Bool = false) {
        self.landsUnits = landsUnits
        self.preparesAhead = preparesAhead
        self.reviewsUnits = reviewsUnits && landsUnits
        var dependencies: [String: [String]] = [:]
        var dependents: [String: [String]] = [:]
        var priority: [String: Int] = [:]
        var phases: [String: UnitPhase] = [:]
        for entry in plan.entries {
            dependencies[entry.id] = entry.waitsFor
            priority[entry.id] = entry.remainingCriticalPath
            phases[entry.id] = entry.waitsFor.isEmpty ? .ready : .waiting
            for dependency in entry.waitsFor { dependents[dependency, default: []].append(entry.id) }
        }
        self.order = plan.entries.map(\.id).sorted()
        self.dependencies = dependencies
        self.dependents = dependents
        self.priority = priority
        self.phases = phases
        self.parallelism = max(1, plan.parallelism)
    }

    /// The units running now.
    public var running: [String] { order.filter { phases[$0] == .running } }

    /// Whether every unit `id` depends on has succeeded (landed, when units are landed): a worktree
    /// made for it now starts from a target that holds all it needs.
    public func dependenciesSucceeded(_ id: String) -> Bool {
        (dependencies[id] ?? []).allSatisfy { phases[$0] == .succeeded }
    }

    /// The units waiting for review and CI now.
    public var reviewing: [String] { order.filter { phases[$0] == .reviewing } }

    /// The unit being landed now, if any.
    public var merging: String? { order.first { phases[$0] == .merging } }

    /// Units waiting for the merge slot, first in line first.
    public var waitingToMerge: [String] { mergeQueue }

    /// The first actions: start as many ready units as the cap allows.
    public mutating func start() -> [Action] {
        startReadyUnits()
    }

    /// Feeds `input` in and returns what to do next.
    public mutating func handle(_ input: Input) -> [Action] {
        guard !isFinished else { return [] }
        var actions: [Action] = []
        switch input {
        case .shutdownRequested:
            isShuttingDown = true
        case .unitFinished(let id, let result):
            guard phases[id] == .running else { return [] }
            switch result {
            case .succeeded:
                if reviewsUnits {
                    phases[id] = .reviewing
                    actions.append(.startReview(id))
                } else if landsUnits {
                    phases[id] = .awaitingMerge
                    mergeQueue.append(id)
                } else {
                    markSucceeded(id)
                }
            case .failed(let reason):
                actions += fail(id, reason: reason)
            case .interrupted:
                interrupt(id)
            }
        case .reviewFinished(let id, let result):
            guard phases[id] == .reviewing else { return [] }
            switch result {
            case .approved:
                phases[id] = .awaitingMerge
                mergeQueue.append(id)
            case .failed(let reason):
                actions += fail(id, reason: reason)
            case .interrupted:
                interrupt(id)
            }
        case .mergeFinished(let id, let result):
            guard phases[id] == .merging else { return [] }
            switch result {
            case .merged:
                markSucceeded(id)
            case .failed(let reason):
                actions += fail(id, reason: reason)
            case .interrupted:
                interrupt(id)
            }
        }
        return actions + startReadyUnits()
    }

    /// Slots held for units about to become ready: a unit whose work is done but not yet landed
    /// keeps its slot while one of its dependents, made ready by that landing, outranks every unit
    /// ready now. Without this a short unit takes the slot in the moment between a critical-path
    /// unit finishing and its dependent becoming ready, and the critical path waits for it.
    private func reservedSlots(bestReady: Int?) -> Int {
        let landing = order.filter { phases[$0] == .awaitingMerge || phases[$0] == .merging }
        // (A unit under review is not counted: people may take hours, the slot goes to work now.)
        let held = landing.filter { id in
            (dependents[id] ?? []).contains { dependent in
                guard phases[dependent] == .waiting else { return false }
                let others = (dependencies[dependent] ?? []).filter { $0 != id }
                let unblocked = others.allSatisfy { phases[$0] == .succeeded }
                return unblocked && (priority[dependent] ?? 0) > (bestReady ?? Int.min)
            }
        }
        return min(held.count, max(0, parallelism - 1))
    }

    private mutating func fail(_ id: String, reason: String) -> [Action] {
        phases[id] = .failed(reason: reason)
        return blockDependents(of: id)
    }

    private mutating func interrupt(_ id: String) {
        phases[id] = .notStarted
        interruptedUnits.insert(id)
    }

    private mutating func markSucceeded(_ id: String) {
        phases[id] = .succeeded
        for dependent in dependents[id] ?? [] where phases[dependent] == .waiting {
            let done = (dependencies[dependent] ?? []).allSatisfy { phases[$0] == .succeeded }
            if done { phases[dependent] = .ready }
        }
    }

    /// Marks every unit that transitively depends on `failed` as blocked, naming the units in its
    /// way, and returns the actions that record it.
    private mutating func blockDependents(of failed: String) -> [Action] {
        var actions: [Action] = []
        var pending = dependents[failed] ?? []
        while !pending.isEmpty {
            let id = pending.removeFirst()
            guard phases[id] == .waiting || phases[id] == .ready else { continue }
            let blockers = (dependencies[id] ?? []).filter { dependency in
                switch phases[dependency] {
                case .failed?, .blocked?: true
                default: false
                }
            }
            phases[id] = .blocked(by: blockers)
            actions.append(.blockUnit(id, by: blockers))
            pending += dependents[id] ?? []
        }
        return actions
    }

    private mutating func startReadyUnits() -> [Action] {
        var actions: [Action] = []
        if !isShuttingDown, merging == nil, !mergeQueue.isEmpty {
            // The unit with the longest remaining critical path lands first (its dependents are
            // the ones the run waits for); among equals, the one that finished first.
            let best = mergeQueue.indices.max { left, right in
                let (a, b) = (priority[mergeQueue[left]] ?? 0, priority[mergeQueue[right]] ?? 0)
                return a != b ? a < b : left > right
            }
            let next = mergeQueue.remove(at: best ?? 0)
            phases[next] = .merging
            actions.append(.startMerge(next))
        }
        if !isShuttingDown {
            let ready = order.filter { phases[$0] == .ready }
                .sorted { (-(priority[$0] ?? 0), $0) < (-(priority[$1] ?? 0), $1) }
            // Once as many units wait to land as may run, landing is what the run waits for: a unit
            // started now would only wait too, holding a worktree made afresh instead of a landed
            // unit's recycled one. New units start as landings make room, except one with a longer
            // path left than every unit waiting to land: it is what the run waits for, and it would
            // land before them anyway.
            let landing = mergeQueue + (merging.map { [$0] } ?? [])
            let landingBound = landsUnits && landing.count >= parallelism
            let outranking = landing.map { priority[$0] ?? 0 }.max() ?? Int.min
            let startable = landingBound ? ready.filter { (priority[$0] ?? 0) > outranking } : ready
            let slots =
                parallelism - running.count - reservedSlots(bestReady: ready.first.flatMap { priority[$0] })
            let starting = startable.prefix(max(0, slots))
            for id in starting {
                phases[id] = .running
                prepared.insert(id)
                actions.append(.startUnit(id))
            }
            if preparesAhead {
                // The next `parallelism` units to start get their worktrees while they wait: ready
                // units, and units that wait only for units at work or being landed (they start the
                // moment those land). Those of the latter that outrank every ready unit left come
                // first, as a slot is kept for them.
                let waitingReady = ready.filter { phases[$0] == .ready }
                let best = waitingReady.first.flatMap { priority[$0] } ?? Int.min
                let soon = aboutToBeReady
                let urgent = soon.filter { (priority[$0] ?? 0) > best }
                var standing = prepared.count { phases[$0] == .waiting || phases[$0] == .ready }
                for id in urgent + waitingReady.prefix(parallelism) + soon where !prepared.contains(id) {
                    guard standing < parallelism else { break }
                    standing += 1
                    prepared.insert(id)
                    actions.append(.prepareUnit(id))
                }
            }
        }
        let busy =
            !running.isEmpty || !reviewing.isEmpty || merging != nil || (!isShuttingDown && !mergeQueue.isEmpty)
        if !busy, isShuttingDown || !phases.values.contains(where: { $0 == .ready }) {
            isFinished = true
            actions.append(.finish(summary))
        }
        return actions
    }

    /// Waiting units whose every unfinished dependency is at work (its agent running) or has done
    /// its work and waits for, or is in, the merge slot; those waiting only for landings first, then
    /// by priority. (A dependency under review is not counted: people may take hours.)
    private var aboutToBeReady: [String] {
        let landing: (String) -> Bool = { self.phases[$0] == .awaitingMerge || self.phases[$0] == .merging }
        let candidates = order.compactMap { id -> (id: String, landingOnly: Bool)? in
            guard phases[id] == .waiting else { return nil }
            let unfinished = (dependencies[id] ?? []).filter { phases[$0] != .succeeded }
            guard !unfinished.isEmpty, unfinished.allSatisfy({ landing($0) || phases[$0] == .running }) else {
                return nil
            }
            return (id, unfinished.allSatisfy(landing))
        }
        return candidates.sorted { left, right in
            if left.landingOnly != right.landingOnly { return left.landingOnly }
            return (-(priority[left.id] ?? 0), left.id) < (-(priority[right.id] ?? 0), right.id)
        }
        .map(\.id)
    }

    /// The outcome so far; units that never started are `notStarted`.
    public var summary: Summary {
        var summary = Summary(succeeded: [], failed: [], blocked: [], notStarted: [], interrupted: isShuttingDown)
        for id in order {
            switch phases[id] {
            case .succeeded?: summary.succeeded.append(id)
            case .failed?: summary.failed.append(id)
            case .blocked?: summary.blocked.append(id)
            // Its work was done and kept on its branch, but the run stopped before it landed.
            case .awaitingMerge?, .reviewing?, .merging?: summary.stopped.append(id)
            default:
                if interruptedUnits.contains(id) {
                    summary.stopped.append(id)
                } else {
                    summary.notStarted.append(id)
                }
            }
        }
        return summary
    }
}
