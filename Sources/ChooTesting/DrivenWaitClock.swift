import ChooCore
import Foundation
import Synchronization

/// A clock for tests that the test drives: `sleep` suspends until ``advance(by:)`` moves the clock
/// past the sleep's deadline, so code that polls or times out waits exactly as long as the test
/// says, and no real time passes. A test awaits ``sleepers(atLeast:)`` to know the code under test
/// is waiting, acts (as a reviewer, as CI), then advances. Cancelling a sleeping task wakes it with
/// `CancellationError`.
///
/// Unlike ``ManualWaitClock``, whose sleep returns at once, nothing here moves unless the test
/// moves it. (After hummingbird's `MockClock`.)
package final class DrivenWaitClock: WaitClock {
    /// A sleep in progress.
    package struct Sleeper: Sendable, Hashable {
        /// When the sleep ends.
        package var deadline: Date
        /// How long the sleep was asked to last.
        package var duration: Duration
    }

    private enum Sleep {
        /// Registered, the sleeping task not suspended yet.
        case registering(Sleeper)
        /// Cancelled before it suspended.
        case cancelled
        /// Suspended until its deadline.
        case suspended(Sleeper, CheckedContinuation<Void, any Error>)
    }

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleeps: [Duration] = []
        var active: [Int: Sleep] = [:]
        var waiters: [Int: Waiter] = [:]
        var cancelledWaiters: Set<Int> = []
        var finished: String?
        var nextID = 0

        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }

        /// The sleeps suspended now, earliest deadline first.
        var suspended: [Sleeper] {
            active.values.compactMap { sleep in
                if case .suspended(let sleeper, _) = sleep { return sleeper }
                return nil
            }
            .sorted { $0.deadline < $1.deadline }
        }

        /// Removes and returns the waiters that `suspended.count` sleepers satisfy.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, any Error>] {
            let count = suspended.count
            let ready = waiters.filter { $0.value.count <= count }
            for id in ready.keys { waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state: Mutex<State>

    /// Creates a clock reading `now` (by default a fixed, whole-second moment in 2023).
    package init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(now: now))
    }

    package func now() -> Date { state.withLock { $0.now } }

    /// Suspends until the clock has been advanced by `duration` (at once when it is not positive);
    /// throws `CancellationError` when the calling task is cancelled first.
    package func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let (id, sleeper) = state.withLock { state in
            state.sleeps.append(duration)
            let sleeper = Sleeper(deadline: state.now + duration.timeInterval, duration: duration)
            let id = state.makeID()
            state.active[id] = .registering(sleeper)
            return (id, sleeper)
        }
        guard duration > .zero else {
            state.withLock { _ = $0.active.removeValue(forKey: id) }
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, any Error>]) in
                    if case .cancelled = state.active[id] {
                        state.active[id] = nil
                        return (true, [])
                    }
                    state.active[id] = .suspended(sleeper, continuation)
                    return (false, state.satisfiedWaiters())
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                for waiter in ready { waiter.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                switch state.active[id] {
                case .registering:
                    state.active[id] = .cancelled
                    return nil
                case .suspended(_, let continuation):
                    state.active[id] = nil
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleep whose deadline it reaches,
    /// earliest first.
    package func advance(by duration: Duration) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now += duration.timeInterval
            let now = state.now
            var due: [(Date, CheckedContinuation<Void, any Error>)] = []
            for (id, sleep) in state.active {
                guard case .suspended(let sleeper, let continuation) = sleep, sleeper.deadline <= now else { continue }
                state.active[id] = nil
                due.append((sleeper.deadline, continuation))
            }
            return due.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for continuation in due { continuation.resume() }
    }

    /// Moves the clock to the earliest sleeper's deadline (waking it and any due with it), and
    /// returns how far it moved; `nil` when nobody sleeps.
    @discardableResult
    package func advanceToNextDeadline() -> Duration? {
        let step = state.withLock { state -> Duration? in
            guard let next = state.suspended.first else { return nil }
            let seconds = max(0, next.deadline.timeIntervalSince(state.now))
            return .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
        }
        guard let step else { return nil }
        advance(by: step)
        return step
    }

    /// Returns once at least `count` sleeps are suspended on the clock (at once if they already
    /// are); throws `CancellationError` when the calling task is cancelled first.
    package func sleepers(atLeast count: Int) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
                    if state.suspended.count >= count { return .success(()) }
                    if let why = state.finished { return .failure(Finished(reason: why, awaited: count)) }
                    state.waiters[id] = Waiter(count: count, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelledWaiters.insert(id)
                    return nil
                }
                return waiter.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
        // A waiter answered before the cancellation leaves no mark behind.
        _ = state.withLock { $0.cancelledWaiters.remove(id) }
    }

    /// Nobody will sleep on the clock any more (the code that used it ended, `why`): every wait in
    /// ``sleepers(atLeast:)`` that is not answered yet throws ``Finished``, at once, so a test fails
    /// instead of waiting forever.
    package func finish(_ why: String) {
        let stranded = state.withLock { state -> [(CheckedContinuation<Void, any Error>, Int)] in
            state.finished = why
            defer { state.waiters = [:] }
            return state.waiters.values.map { ($0.continuation, $0.count) }
        }
        for (continuation, count) in stranded {
            continuation.resume(throwing: Finished(reason: why, awaited: count))
        }
    }

    /// Why ``sleepers(atLeast:)`` gave up: the clock was finished before enough sleeps began.
    package struct Finished: Error, CustomStringConvertible {
        /// What ended.
        package var reason: String
        /// How many sleepers were awaited.
        package var awaited: Int
        package var description: String { "\(reason) before \(awaited) sleep(s) were waiting on the clock" }
    }

    /// The sleeps suspended now, earliest deadline first.
    package var sleeping: [Sleeper] { state.withLock { $0.suspended } }

    /// Every duration `sleep` was asked for, in order.
    package var sleeps: [Duration] { state.withLock { $0.sleeps } }
}
