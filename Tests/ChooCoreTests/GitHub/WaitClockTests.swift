import ChooCore
import ChooTesting
import Foundation
import Testing

struct WaitClockTests {
    @Test("the manual clock records each sleep and moves its time on, without waiting")
    func manualClock() async throws {
        let start = Date(timeIntervalSince1970: 1_000)
        let clock = ManualWaitClock(now: start)
        try await clock.sleep(for: .seconds(91))
        try await clock.sleep(for: .milliseconds(500))
        clock.advance(by: .seconds(10))
        #expect(clock.sleeps == [.seconds(91), .milliseconds(500)])
        #expect(clock.now() == Date(timeIntervalSince1970: 1_101.5))
        clock.set(now: start)
        #expect(clock.now() == start)
    }

    @Test("both clocks give up a sleep when the task is cancelled")
    func cancellation() async {
        for clock in [SystemWaitClock(), ManualWaitClock()] as [any WaitClock] {
            let outcome = await withTaskGroup(of: (any Error)?.self) { group in
                group.cancelAll()  // the child starts cancelled
                group.addTask {
                    do {
                        try await clock.sleep(for: .seconds(3600))
                        return nil
                    } catch {
                        return error
                    }
                }
                return await group.next() ?? nil
            }
            #expect(outcome is CancellationError)
        }
    }

    @Test("the system clock reads the wall clock")
    func systemNow() {
        #expect(abs(SystemWaitClock().now().timeIntervalSinceNow) < 60)
    }
}
