import ChooCore
import Foundation
import Testing

/// The default clock in tests: reading the time or waiting records a test failure (and waiting
/// throws), so a test never depends on the real time or sleeps by accident. Give a test a
/// ``ManualWaitClock`` when it means to read the time or wait.
package struct FailingWaitClock: WaitClock {
    /// Why this clock refuses to wait.
    package struct Refusal: Error, CustomStringConvertible {
        /// How long the wait would have been.
        package var duration: Duration
        package var description: String {
            "FailingWaitClock refused to wait \(duration): this test keeps no time; pass a ManualWaitClock"
        }
    }

    /// The moment ``now()`` answers after recording its failure: the start of 1970, which no real
    /// run has.
    package static let moment = Date(timeIntervalSince1970: 0)

    /// Creates the clock.
    package init() {}

    package func now() -> Date {
        Issue.record("FailingWaitClock was asked the time: this test keeps no time; pass a ManualWaitClock")
        return Self.moment
    }

    package func sleep(for duration: Duration) async throws {
        let refusal = Refusal(duration: duration)
        Issue.record("\(refusal)")
        throw refusal
    }
}
