import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into ``ShutdownRequest``s: the first is graceful, every later one
/// immediate. While it is installed the signals no longer end the process.
///
/// `@unchecked Sendable`: the dispatch sources are created in `init` and only cancelled in
/// `stop()`, which the `stopped` mutex makes run once; their handlers touch only Sendable values.
public final class ShutdownSignals: @unchecked Sendable {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private let sources: [any DispatchSourceSignal]
    private let stopped = Mutex(false)
    private let watched: [Int32]
    /// The requests, one per signal received.
    public let requests: AsyncStream<ShutdownRequest>
    private let continuation: AsyncStream<ShutdownRequest>.Continuation

    /// Starts watching `signals` (SIGINT and SIGTERM by default).
    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        let (requests, continuation) = AsyncStream.makeStream(of: ShutdownRequest.self)
        self.requests = requests
        self.continuation = continuation
        self.watched = signals
        let queue = DispatchQueue(label: "choo.signals")
        let counter = Counter()
        var created: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let seen = counter.value.wrappingAdd(1, ordering: .relaxed).newValue
                continuation.yield(seen == 1 ? .graceful : .immediate)
            }
            source.resume()
            created.append(source)
        }
        self.sources = created
    }

    /// Stops watching and restores the default signal behaviour.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        for source in sources { source.cancel() }
        for number in watched { signal(number, SIG_DFL) }
        continuation.finish()
    }
}
