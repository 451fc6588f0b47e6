import Foundation
import Synchronization

/// A request to stop a run: the first Ctrl-C (or SIGTERM) asks for a graceful stop, the second
/// for an immediate one.
public enum ShutdownRequest: Sendable, Hashable {
    /// Start nothing new; let running agent turns finish (bounded by the shutdown timeout).
    case graceful
    /// Stop now: cancel every running unit, which kills its process groups.
    case immediate
}

/// Shared between the run loop and the unit lifecycles: whether a graceful stop was asked for, so
/// a unit finishes its current agent turn, commits what passed, and starts no next task.
public final class ShutdownFlag: Sendable {
    private let requested = Atomic<Bool>(false)
    private struct Waiting {
        var raised = false
        var next = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let waiting = Mutex(Waiting())

    /// A flag not yet raised.
    public init() {}

    /// Whether a stop was requested.
    public var isRaised: Bool { requested.load(ordering: .acquiring) }

    /// Raises the flag, waking every ``raised()`` waiting for it.
    public func raise() {
        requested.store(true, ordering: .releasing)
        let waiters = waiting.withLock { state in
            state.raised = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the flag is raised (at once if it is already), or when the calling task is
    /// cancelled.
    public func raised() async {
        let id = waiting.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let now = waiting.withLock { state in
                    if !state.raised, !Task.isCancelled { state.waiters[id] = waiter }
                    return state.raised || Task.isCancelled
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            waiting.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// Carries out a plan: one task group, each started unit a child task whose result goes straight
/// back into ``SchedulerState``. No polling: the loop only wakes for a unit's result, a shutdown
/// request or the shutdown deadline.
public struct RunLoop: Sendable {
    /// Runs one unit's lifecycle and returns how it ended. Called at most once per unit; it
    /// should return `.interrupted` when its task is cancelled.
    public typealias UnitExecutor =
        @Sendable (_ unit: String, _ shutdown: ShutdownFlag) async -> SchedulerState.UnitResult

    /// Lands one unit whose work is done on the target branch; called one unit at a time. It
    /// should return `.interrupted` when its task is cancelled.
    public typealias MergeExecutor =
        @Sendable (_ unit: String, _ shutdown: ShutdownFlag) async -> SchedulerState.MergeResult

    /// Waits for a unit's review and CI (GitHub mode); runs outside the parallelism cap. It should
    /// return `.interrupted` when its task is cancelled or a shutdown is requested.
    public typealias ReviewExecutor =
        @Sendable (_ unit: String, _ shutdown: ShutdownFlag) async -> SchedulerState.ReviewResult

    /// Tidies up after a unit landed (removes its worktree and branch); runs outside the merge slot.
    public typealias CleanupExecutor = @Sendable (_ unit: String) async -> Void

    /// Gets a unit's worktree ready before a slot frees for it; runs outside the parallelism cap.
    /// `dependenciesLanded` says whether every unit it depends on has landed already (else it is
    /// being prepared while they land, and its branch must catch up when it starts).
    public typealias PrepareExecutor = @Sendable (_ unit: String, _ dependenciesLanded: Bool) async -> Void

    /// Waits for `duration`; throws when cancelled. Tests pass a controllable one.
    public typealias Sleeper = @Sendable (_ duration: Duration) async throws -> Void

    private enum LoopInput: Sendable {
        case unit(String, SchedulerState.UnitResult)
        case merge(String, SchedulerState.MergeResult)
        case review(String, SchedulerState.ReviewResult)
        case cleanedUp
        case prepared
        case shutdown(ShutdownRequest)
        case signalsEnded
        case deadline
    }

    /// The plan to carry out.
    public var plan: Plan
    /// Where events go.
    public var bus: EventBus
    /// How long running units get to finish after a graceful stop before they are cancelled.
    public var shutdownTimeout: Duration
    /// The clock's sleep, used only for the shutdown deadline.
    public var sleep: Sleeper
    /// Where agent logs go, for the `orch.started` event.
    public var logFolder: String?

    /// Creates a run loop.
    public init(
        plan: Plan,
        bus: EventBus,
        shutdownTimeout: Duration,
        logFolder: String? = nil,
        sleep: @escaping Sleeper = { try await Task.sleep(for: $0) }
    ) {
        self.plan = plan
        self.bus = bus
        self.shutdownTimeout = shutdownTimeout
        self.logFolder = logFolder
        self.sleep = sleep
    }

    /// Runs the plan to the end and returns the summary. `shutdownRequests` delivers Ctrl-C. With
    /// `mergeUnit`, a unit whose work is done is landed through the single merge slot before its
    /// dependents start; without it, it counts as done at once. `beforeFinishing` runs after the
    /// last unit, before the run's final event.
    public func run(
        shutdownRequests: AsyncStream<ShutdownRequest>,
        executeUnit: @escaping UnitExecutor,
        mergeUnit: MergeExecutor? = nil,
        cleanUp: CleanupExecutor? = nil,
        prepareUnit: PrepareExecutor? = nil,
        reviewUnit: ReviewExecutor? = nil,
        shutdownFlag flag: ShutdownFlag = ShutdownFlag(),
        beforeFinishing: (@Sendable () async -> Void)? = nil
    ) async -> SchedulerState.Summary {
        var state = SchedulerState(
            plan: plan,
            landsUnits: mergeUnit != nil,
            preparesAhead: prepareUnit != nil,
            reviewsUnits: reviewUnit != nil
        )
        let started = ContinuousClock.now
        bus.publish(
            Event(
                .orchStarted(
                    .init(
                        units: plan.entries.count,
                        parallelism: plan.parallelism,
                        tasks: plan.remainingTasks,
                        logFolder: logFolder
                    )
                )
            )
        )
        for entry in plan.entries {
            bus.publish(Event(.unitQueued(.init(level: entry.level)), unit: entry.id))
        }
        let summary = await withTaskGroup(of: LoopInput.self, returning: SchedulerState.Summary.self) { group in
            var summary: SchedulerState.Summary?
            var deadlineArmed = false
            // Clean-ups and preparations in flight; the loop waits for them before it returns.
            var sideWork = 0

            func perform(_ actions: [SchedulerState.Action]) {
                for action in actions {
                    switch action {
                    case .startUnit(let id):
                        bus.publish(Event(.unitStarted, unit: id))
                        group.addTask { .unit(id, await executeUnit(id, flag)) }
                    case .startReview(let id):
                        if let reviewUnit {
                            group.addTask { .review(id, await reviewUnit(id, flag)) }
                        }
                    case .startMerge(let id):
                        bus.publish(Event(.unitMergeStarted, unit: id))
                        if let mergeUnit {
                            group.addTask { .merge(id, await mergeUnit(id, flag)) }
                        }
                    case .prepareUnit(let id):
                        if let prepareUnit {
                            sideWork += 1
                            let landed = state.dependenciesSucceeded(id)
                            group.addTask {
                                await prepareUnit(id, landed)
                                return .prepared
                            }
                        }
                    case .blockUnit(let id, let blockers):
                        bus.publish(
                            Event(
                                .unitBlocked(.init(blockedBy: blockers)),
                                unit: id,
                                error: "blocked by \(blockers.joined(separator: ", ")), which did not complete"
                            )
                        )
                    case .finish(let result):
                        summary = result
                    }
                }
            }

            group.addTask { await Self.nextRequest(shutdownRequests) }
            perform(state.start())
            // Runs until the state machine finishes and every clean-up has returned; only the
            // shutdown watcher may be left, and cancelling it ends the group.
            while summary == nil || sideWork > 0, let input = await group.next() {
                switch input {
                case .unit(let id, let result):
                    switch result {
                    case .succeeded where reviewUnit != nil && mergeUnit != nil:
                        break  // Its review begins; it joins the merge queue once approved.
                    case .succeeded where mergeUnit != nil:
                        bus.publish(Event(.unitMergeQueued, unit: id))
                    case .succeeded: bus.publish(Event(.unitCompleted, unit: id))
                    case .failed(let reason): bus.publish(Event(.unitFailed, unit: id, error: reason))
                    case .interrupted: bus.publish(Event(.unitInterrupted, unit: id))
                    }
                    perform(state.handle(.unitFinished(id, result)))
                case .review(let id, let result):
                    switch result {
                    case .approved: bus.publish(Event(.unitMergeQueued, unit: id))
                    case .failed(let reason): bus.publish(Event(.unitFailed, unit: id, error: reason))
                    case .interrupted: bus.publish(Event(.unitInterrupted, unit: id))
                    }
                    perform(state.handle(.reviewFinished(id, result)))
                case .merge(let id, let result):
                    switch result {
                    case .merged:
                        bus.publish(Event(.unitCompleted, unit: id))
                        if let cleanUp {
                            sideWork += 1
                            group.addTask {
                                await cleanUp(id)
                                return .cleanedUp
                            }
                        }
                    case .failed(let reason): bus.publish(Event(.unitFailed, unit: id, error: reason))
                    case .interrupted: bus.publish(Event(.unitInterrupted, unit: id))
                    }
                    perform(state.handle(.mergeFinished(id, result)))
                case .shutdown(.graceful):
                    flag.raise()
                    if !state.isShuttingDown {
                        bus.publish(
                            Event(.orchInterrupted(.init(running: state.running)))
                        )
                    }
                    perform(state.handle(.shutdownRequested))
                    if summary == nil {
                        group.addTask { await Self.nextRequest(shutdownRequests) }
                        if !deadlineArmed {
                            deadlineArmed = true
                            let timeout = shutdownTimeout
                            let sleep = self.sleep
                            group.addTask {
                                do {
                                    try await sleep(timeout)
                                    return .deadline
                                } catch {
                                    return .signalsEnded
                                }
                            }
                        }
                    }
                case .shutdown(.immediate), .deadline:
                    flag.raise()
                    perform(state.handle(.shutdownRequested))
                    // Cancelling the group stops every running unit; each returns `.interrupted`.
                    group.cancelAll()
                case .cleanedUp, .prepared:
                    sideWork -= 1
                case .signalsEnded:
                    continue
                }
            }
            group.cancelAll()
            return summary ?? state.summary
        }
        let elapsed = ContinuousClock.now - started
        let finished = Event.RunFinished(
            total: summary.total,
            complete: summary.succeeded.count,
            failed: summary.failed.count,
            blocked: summary.blocked.count,
            notStarted: summary.notStarted.count,
            stopped: summary.stopped.isEmpty ? nil : summary.stopped.count,
            durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            interrupted: summary.interrupted
        )
        // Whatever the run still reports (the user's checkout) comes before its last event.
        await beforeFinishing?()
        bus.publish(Event(summary.allSucceeded ? .orchCompleted(finished) : .orchFailed(finished)))
        // Every sink (the journal, --json) has the whole run before anyone reads what they made.
        await bus.flush()
        return summary
    }

    private static func nextRequest(_ requests: AsyncStream<ShutdownRequest>) async -> LoopInput {
        for await request in requests { return .shutdown(request) }
        return .signalsEnded
    }
}
