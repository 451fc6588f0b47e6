import ChooCore
import ChooTesting
import Foundation
import Testing

struct DrivenWaitClockTests {
    let start = Date(timeIntervalSince1970: 1_000)

    @Test("a sleep lasts until the clock is advanced past its deadline, however long that takes")
    func sleepWaitsForAdvance() async throws {
        let clock = DrivenWaitClock(now: start)
        let sleeper = Task { try await clock.sleep(for: .seconds(30)) }
        try await clock.sleepers(atLeast: 1)
        #expect(clock.sleeping.map(\.deadline) == [start + 30])
        #expect(clock.sleeping.map(\.duration) == [.seconds(30)])
        clock.advance(by: .seconds(29))
        #expect(clock.sleeping.count == 1, "29 s of 30: still asleep")
        clock.advance(by: .seconds(1))
        #expect(clock.sleeping.isEmpty)
        try await sleeper.value
        #expect(clock.now() == start + 30)
        #expect(clock.sleeps == [.seconds(30)])
    }

    @Test("advancing wakes exactly the sleeps it reaches; the next deadline is found for the test")
    func wakesDueSleepsOnly() async throws {
        let clock = DrivenWaitClock(now: start)
        let sleeps = [Duration.seconds(10), .seconds(5), .seconds(20)].map { duration in
            Task { try await clock.sleep(for: duration) }
        }
        try await clock.sleepers(atLeast: 3)
        #expect(clock.sleeping.map(\.duration) == [.seconds(5), .seconds(10), .seconds(20)], "earliest first")
        clock.advance(by: .seconds(15))
        try await sleeps[0].value
        try await sleeps[1].value
        #expect(clock.sleeping.map(\.duration) == [.seconds(20)])
        #expect(clock.advanceToNextDeadline() == .seconds(5))
        try await sleeps[2].value
        #expect(clock.now() == start + 20)
        #expect(clock.advanceToNextDeadline() == nil, "nobody sleeps")
    }

    @Test("a sleep of no time returns at once and is still recorded")
    func zeroSleep() async throws {
        let clock = DrivenWaitClock(now: start)
        try await clock.sleep(for: .zero)
        #expect(clock.sleeps == [.zero])
        #expect(clock.sleeping.isEmpty)
        #expect(clock.now() == start)
    }

    @Test("cancelling a sleeping task wakes it with CancellationError, and its sleep is gone")
    func cancellationWakes() async throws {
        let clock = DrivenWaitClock(now: start)
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        try await clock.sleepers(atLeast: 1)
        sleeper.cancel()
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeping.isEmpty)
        #expect(clock.now() == start, "cancelling moves no time")
    }

    @Test("a task cancelled before it sleeps throws at once")
    func cancelledBeforeSleeping() async {
        let clock = DrivenWaitClock(now: start)
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(3600))
        }
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeping.isEmpty)
        #expect(clock.sleeps.isEmpty, "it never began")
    }

    @Test("waiting for sleepers returns only once that many sleep")
    func waitsForEnoughSleepers() async throws {
        let clock = DrivenWaitClock(now: start)
        let waiter = Task {
            try await clock.sleepers(atLeast: 2)
            return clock.sleeping.count
        }
        let first = Task { try await clock.sleep(for: .seconds(1)) }
        try await clock.sleepers(atLeast: 1)
        let second = Task { try await clock.sleep(for: .seconds(2)) }
        // Nothing wakes a sleeper before the test advances, so two are asleep when the waiter returns.
        #expect(try await waiter.value == 2)
        try await clock.sleepers(atLeast: 2)
        clock.advance(by: .seconds(2))
        try await first.value
        try await second.value
    }

    @Test("a wait for sleepers gives up when cancelled, or when the clock is finished")
    func waitForSleepersEnds() async throws {
        let clock = DrivenWaitClock(now: start)
        let cancelled = Task { try await clock.sleepers(atLeast: 1) }
        cancelled.cancel()
        let result = await cancelled.result
        #expect(throws: CancellationError.self) { try result.get() }

        let stranded = Task { try await clock.sleepers(atLeast: 1) }
        clock.finish("the run ended")
        let finished = await stranded.result
        #expect(throws: DrivenWaitClock.Finished.self) { try finished.get() }
        await #expect(throws: DrivenWaitClock.Finished.self) { try await clock.sleepers(atLeast: 1) }
    }
}
