import Synchronization

/// Receives every event, in order. Sinks that record (the `--json` writer, the journal) must not
/// drop any; a display may summarise.
public protocol EventSink: Sendable {
    /// Called once per event, in publication order, never concurrently with itself.
    func receive(_ event: Event, sequence: Int)
}

/// Publishes events to sinks: each event once, in one global order with a per-run sequence
/// number. Delivery is synchronous under a lock, so when `publish` returns every sink has the
/// event and nothing can be lost at exit.
public final class EventBus: Sendable {
    private struct State {
        var sinks: [any EventSink] = []
        var sequence = 0
        var redact: (@Sendable (String) -> String)?
    }

    private let state = Mutex(State())

    /// A bus with `sinks`.
    public init(sinks: [any EventSink] = []) {
        state.withLock { $0.sinks = sinks }
    }

    /// Adds a sink for the events published from now on.
    public func add(_ sink: any EventSink) {
        state.withLock { $0.sinks.append(sink) }
    }

    /// From now on, every text in a published event (its error and every string in its details)
    /// goes through `redact` before any sink sees it: a secret never reaches the journal or output.
    public func redact(with redact: @escaping @Sendable (String) -> String) {
        state.withLock { $0.redact = redact }
    }

    /// Publishes `event` to every sink and returns its sequence number (1 for the first).
    @discardableResult
    public func publish(_ event: Event) -> Int {
        state.withLock { state in
            state.sequence += 1
            let event = state.redact.map { event.redacted(with: $0) } ?? event
            for sink in state.sinks { sink.receive(event, sequence: state.sequence) }
            return state.sequence
        }
    }

    /// How many events were published.
    public var count: Int { state.withLock { $0.sequence } }
}

/// Keeps every event in memory; for tests and for summaries.
public final class EventRecorder: EventSink {
    private let events = Mutex<[Event]>([])

    /// An empty recorder.
    public init() {}

    public func receive(_ event: Event, sequence: Int) {
        events.withLock { $0.append(event) }
    }

    /// The events received so far.
    public var all: [Event] { events.withLock { $0 } }
}

/// Writes each event as one JSON line through `write` (for `choo run --json`, stdout).
public struct JSONLinesSink: EventSink {
    private let write: @Sendable (String) -> Void

    /// A sink passing each line, with its newline, to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    public func receive(_ event: Event, sequence: Int) {
        write(event.jsonLine + "\n")
    }
}
