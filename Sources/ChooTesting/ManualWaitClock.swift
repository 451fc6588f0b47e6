import ChooCore
import Foundation
import Synchronization

/// A clock for tests that never waits: `sleep` records the duration, moves ``now()`` forward by
/// it and returns at once (or throws if the task is already cancelled).
package final class ManualWaitClock: WaitClock {
    private struct State {
        var now: Date
        var sleeps: [Duration] = []
    }

    private let state: Mutex<State>

    /// Creates a clock reading `now` (by default a fixed, whole-second moment in 2024).
    package init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(now: now))
    }

    /// Every duration `sleep` was asked for, in order.
    package var sleeps: [Duration] { state.withLock { $0.sleeps } }

    package func now() -> Date { state.withLock { $0.now } }

    package func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(duration)
            state.now += duration.timeInterval
        }
    }

    /// Moves the clock forward by `duration` without recording a sleep.
    package func advance(by duration: Duration) {
        state.withLock { $0.now += duration.timeInterval }
    }

    /// Sets the current time.
    package func set(now: Date) {
        state.withLock { $0.now = now }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
