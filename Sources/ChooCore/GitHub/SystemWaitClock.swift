import Foundation

/// Real time: `Date()` and `Task.sleep`, which ends early (throwing) when the task is cancelled.
public struct SystemWaitClock: WaitClock {
    /// Creates the clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
