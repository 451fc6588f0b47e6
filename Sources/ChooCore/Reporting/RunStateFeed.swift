import Synchronization

/// The run's ``RunState``, kept up to date from the bus, for whoever wants to follow it: read
/// ``current`` at any moment, or iterate it as an `AsyncSequence` of states.
///
/// Iterating has latest-value semantics, made for displays: each step gives the newest state not
/// yet seen by that iterator, so a slow consumer skips the states in between, and it never gets
/// the same state twice. The states come in the order the events made them; an event that changes
/// nothing gives none. Once the bus closes, an iterator gets the final state (if it had not seen
/// it) and then ends. Cancelling the consuming task ends its iteration too. Nothing is buffered
/// per subscriber, so an abandoned iterator holds nothing.
///
/// Receiving an event costs the same whatever the number of units. A state handed out shares its
/// storage with the feed's until the feed's next change, which then copies the units once: a
/// consumer that keeps each state it draws should draw at a bounded rate (the live view and the
/// dashboard do), not once per event.
public final class RunStateFeed: EventSink, AsyncSequence {
    public typealias Element = RunState
    public typealias Failure = Never

    private struct Storage {
        var state = RunState()
        /// How many changes the state went through.
        var version = 0
        var finished = false
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private struct Waiter {
        var continuation: CheckedContinuation<(RunState, Int)?, Never>
    }

    private let storage = Mutex(Storage())

    /// A feed that has seen no event yet.
    public init() {}

    /// The state after every event received so far.
    public var current: RunState { storage.withLock { $0.state } }

    public func receive(_ event: Event, sequence: Int) {
        let (update, waiters) = storage.withLock { storage -> ((RunState, Int)?, [Waiter]) in
            // In place: no copy of the state, and what changed is known without comparing states.
            guard !storage.state.apply(event).isEmpty else { return (nil, []) }
            storage.version += 1
            defer { storage.waiters = [:] }
            return ((storage.state, storage.version), Array(storage.waiters.values))
        }
        guard let update else { return }
        for waiter in waiters { waiter.continuation.resume(returning: update) }
    }

    public func finish() {
        let waiters = storage.withLock { storage -> [Waiter] in
            storage.finished = true
            defer { storage.waiters = [:] }
            return Array(storage.waiters.values)
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The newest state after change `seen` and its version, awaiting the next change if there is
    /// none yet; `nil` once the feed finished with nothing newer, or when the task is cancelled.
    fileprivate func next(after seen: Int) async -> (RunState, Int)? {
        let id = storage.withLock { storage in
            storage.nextWaiter += 1
            return storage.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = storage.withLock { storage -> (RunState, Int)?? in
                    if storage.version > seen { return .some((storage.state, storage.version)) }
                    // Checked under the lock the cancellation handler takes, so a cancellation is
                    // either seen here or finds the waiter below.
                    if storage.finished || Task.isCancelled { return .some(nil) }
                    storage.waiters[id] = Waiter(continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = storage.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Steps through the feed's states, newest first after each wait.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = RunState
        public typealias Failure = Never

        fileprivate let feed: RunStateFeed
        fileprivate var seen = 0

        /// The newest state this iterator has not seen, once there is one; `nil` at the end.
        public mutating func next() async -> RunState? {
            guard let (state, version) = await feed.next(after: seen) else { return nil }
            seen = version
            return state
        }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(feed: self) }
}

extension EventBus {
    /// A ``RunStateFeed`` receiving the events published from now on (add it before the run starts).
    public func states() -> RunStateFeed {
        let feed = RunStateFeed()
        add(feed)
        return feed
    }
}
