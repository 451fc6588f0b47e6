import Foundation

/// The wall clock and waiting, as the GitHub client needs them for backoff and rate limits.
/// Tests pass a manual clock that records each wait and returns at once.
public protocol WaitClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Waits `duration`; throws `CancellationError` if the calling task is cancelled meanwhile.
    func sleep(for duration: Duration) async throws
}
