import ChooCore
import Foundation
import Synchronization
import Testing

/// An event sink a test can await: every event is kept, and `first(where:)` returns once a
/// matching event has arrived (at once if it already has).
package final class EventStream: EventSink {
    private struct Waiter {
        /// Called with each event and how many events have arrived, itself included.
        var matches: @Sendable (Event, Int) -> Bool
        var continuation: CheckedContinuation<Event, Never>
    }

    private struct State {
        var events: [Event] = []
        var waiters: [Waiter] = []
        var finished: String?
    }

    private let state = Mutex(State())

    /// An empty stream.
    package init() {}

    package func receive(_ event: Event, sequence: Int) {
        let ready = state.withLock { state -> [CheckedContinuation<Event, Never>] in
            state.events.append(event)
            let count = state.events.count
            let matching = state.waiters.filter { $0.matches(event, count) }.map(\.continuation)
            state.waiters.removeAll { $0.matches(event, count) }
            return matching
        }
        for continuation in ready { continuation.resume(returning: event) }
    }

    /// The first event matching `matches`, awaiting it if it has not arrived yet.
    @discardableResult
    package func first(where matches: @escaping @Sendable (Event) -> Bool) async -> Event {
        await wait { event, _ in matches(event) }
    }

    /// Returns once at least `count` events have arrived.
    package func count(atLeast count: Int) async {
        _ = await wait { _, seen in seen >= count }
    }

    /// No more events will come (the process that printed them ended, `why`): every wait for an
    /// event that did not arrive records a test failure and returns a stand-in event at once,
    /// so the test fails instead of waiting forever.
    package func finish(_ why: String) {
        let stranded = state.withLock { state -> [CheckedContinuation<Event, Never>] in
            state.finished = why
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        for continuation in stranded { continuation.resume(returning: Self.standIn(why)) }
    }

    private static func standIn(_ why: String) -> Event {
        Issue.record("the awaited event never came: \(why)")
        return Event(.unknown(type: EventType.orchFailed.rawValue, fields: [:]), error: "stand-in: \(why)")
    }

    /// The first event for which `matches` (given the event and its 1-based position) holds.
    private func wait(_ matches: @escaping @Sendable (Event, Int) -> Bool) async -> Event {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> Event? in
                for (index, event) in state.events.enumerated() where matches(event, index + 1) { return event }
                if let why = state.finished { return Self.standIn(why) }
                state.waiters.append(Waiter(matches: matches, continuation: continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// The first event of `type` (for `unit` and `task`, when given).
    @discardableResult
    package func first(_ type: EventType, unit: String? = nil, task: Int? = nil) async -> Event {
        await first { event in
            event.type == type && (unit == nil || event.unit == unit) && (task == nil || event.task == task)
        }
    }

    /// Every event so far.
    package var all: [Event] { state.withLock { $0.events } }
}
