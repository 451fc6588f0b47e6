import Foundation

/// The wall clock and waiting: the time of choo's records (the run journal's run, the run lock,
/// saved refs) and every wait (GitHub backoff and rate limits, review and CI polling). The run's
/// one is ``Effects/clock``. Tests pass a manual clock that records each wait and returns at once.
public protocol WaitClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Waits `duration`; throws `CancellationError` if the calling task is cancelled meanwhile.
    func sleep(for duration: Duration) async throws
}
