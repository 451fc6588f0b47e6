import ChooCore
import Synchronization

/// An event sink a test can await: every event is kept, and `first(_:)` returns once an event of
/// that type has arrived (at once if it already has).
package final class EventStream: EventSink {
    private struct State {
        var events: [Event] = []
        var waiters: [(EventType, CheckedContinuation<Event, Never>)] = []
    }

    private let state = Mutex(State())

    /// An empty stream.
    package init() {}

    package func receive(_ event: Event, sequence: Int) {
        let ready = state.withLock { state -> [CheckedContinuation<Event, Never>] in
            state.events.append(event)
            let matching = state.waiters.filter { $0.0 == event.type }.map(\.1)
            state.waiters.removeAll { $0.0 == event.type }
            return matching
        }
        for continuation in ready { continuation.resume(returning: event) }
    }

    /// The first event of `type`, awaiting it if it has not arrived yet.
    @discardableResult
    package func first(_ type: EventType) async -> Event {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> Event? in
                if let event = state.events.first(where: { $0.type == type }) { return event }
                state.waiters.append((type, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// Every event so far.
    package var all: [Event] { state.withLock { $0.events } }
}
