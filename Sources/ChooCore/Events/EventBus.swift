import Synchronization

/// Receives every event, in order. Sinks that record (the `--json` writer, the journal) must not
/// drop any; a display may summarise.
public protocol EventSink: Sendable {
    /// Called once per event, in publication order, never concurrently with itself, on the sink's
    /// own task (after `publish` returned).
    func receive(_ event: Event, sequence: Int)

    /// Called once, after the last event, when the bus closes (or is released): no event follows.
    func finish()
}

extension EventSink {
    /// Nothing to do by default.
    public func finish() {}
}

/// Publishes events to sinks: each event once, in one global order with a per-run sequence
/// number. Publishing only numbers the event (and redacts it) and queues it for each sink, so a
/// slow sink (the journal's SQLite write, terminal output) never holds up the unit that
/// published. Each sink has its own queue and receives every event, in order, on its own task;
/// ``flush()`` waits until every sink has everything published so far, so nothing is lost at exit.
public final class EventBus: Sendable {
    /// One sink's ordered queue and the task that delivers from it.
    private final class Delivery: Sendable {
        enum Item: Sendable {
            case event(Event, Int)
            case flushed(CheckedContinuation<Void, Never>)
        }

        let queue: AsyncStream<Item>.Continuation
        let task: Task<Void, Never>

        init(_ sink: any EventSink) {
            let (stream, queue) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .unbounded)
            self.queue = queue
            task = Task {
                for await item in stream {
                    switch item {
                    case .event(let event, let sequence): sink.receive(event, sequence: sequence)
                    case .flushed(let continuation): continuation.resume()
                    }
                }
                sink.finish()
            }
        }

        deinit { queue.finish() }
    }

    private struct State {
        var deliveries: [Delivery] = []
        var sequence = 0
        var redact: (@Sendable (String) -> String)?
    }

    private let state = Mutex(State())

    /// A bus with `sinks`.
    /// Dates every event as it is published, when set: the run's clock, so that the times a run
    /// records come from one clock (a test's manual one, or the system's in the CLI).
    private let clock: (any WaitClock)?

    /// A bus delivering to `sinks`; with `clock`, events are dated by it as they are published,
    /// else they keep the time they were made with.
    public init(sinks: [any EventSink] = [], clock: (any WaitClock)? = nil) {
        self.clock = clock
        state.withLock { $0.deliveries = sinks.map(Delivery.init) }
    }

    /// Adds a sink for the events published from now on.
    public func add(_ sink: any EventSink) {
        state.withLock { $0.deliveries.append(Delivery(sink)) }
    }

    /// From now on, every text in a published event (its error and every string in its details)
    /// goes through `redact` before any sink sees it: a secret never reaches the journal or output.
    public func redact(with redact: @escaping @Sendable (String) -> String) {
        state.withLock { $0.redact = redact }
    }

    /// Numbers `event`, queues it for every sink and returns its sequence number (1 for the
    /// first). Returns without waiting for any sink.
    @discardableResult
    public func publish(_ event: Event) -> Int {
        state.withLock { state in
            state.sequence += 1
            // Dated under the lock, so times never go backwards along the sequence.
            var event = state.redact.map { event.redacted(with: $0) } ?? event
            if let clock { event.time = clock.now() }
            for delivery in state.deliveries { delivery.queue.yield(.event(event, state.sequence)) }
            return state.sequence
        }
    }

    /// Returns once every sink has received every event published before the call.
    public func flush() async {
        let deliveries = state.withLock { $0.deliveries }
        for delivery in deliveries {
            await withCheckedContinuation { continuation in
                // Queued under the lock, so no event published before this call can come after it.
                state.withLock { _ in _ = delivery.queue.yield(.flushed(continuation)) }
            }
        }
    }

    /// Delivers what is queued, then lets every sink go (the journal closes its database); events
    /// published afterwards reach no sink.
    public func close() async {
        let deliveries = state.withLock { state in
            defer { state.deliveries = [] }
            return state.deliveries
        }
        for delivery in deliveries {
            delivery.queue.finish()
            await delivery.task.value
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
