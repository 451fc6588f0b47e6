import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes a follower of the run journal when the journal's files change: inotify on the folder that
/// holds the database and its WAL, with a slow tick as the fallback (no inotify, or a change it
/// did not see), so `choo watch` is prompt without reading the database in a tight loop.
///
/// `@unchecked Sendable`: the dispatch sources are made in `init` and cancelled once in `close()`
/// (guarded by `closed`); everything else is under `state`.
public final class JournalChanges: @unchecked Sendable {
    private struct State {
        /// A change (or tick) came while nobody waited.
        var changed = false
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let sources: [any DispatchSourceProtocol]

    /// Watches `folder`, ticking at least every `fallback`.
    public init(folder: String, fallback: Duration = .seconds(1)) {
        let queue = DispatchQueue(label: "choo.journal-changes")
        var sources: [any DispatchSourceProtocol] = []
        let shared = self.shared
        let signal: @Sendable () -> Void = {
            let waiter = shared.state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter else {
                    state.changed = true
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
        #if os(Linux)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if descriptor >= 0 {
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO)
            if inotify_add_watch(descriptor, folder, mask) >= 0 {
                let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
                source.setEventHandler {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while read(descriptor, &buffer, buffer.count) > 0 {}
                    signal()
                }
                source.setCancelHandler { _ = Glibc.close(descriptor) }
                source.resume()
                sources.append(source)
            } else {
                _ = Glibc.close(descriptor)
            }
        }
        #endif
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let (seconds, attoseconds) = fallback.components
        let interval = DispatchTimeInterval.milliseconds(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { signal() }
        timer.resume()
        sources.append(timer)
        self.sources = sources
    }

    /// Returns at the next change in the folder or tick, or at once if one came since the last call.
    /// One waiter at a time.
    public func next() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = shared.state.withLock { state -> Bool in
                if state.changed || state.closed {
                    state.changed = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Stops watching (a waiter returns).
    public func close() {
        let (first, waiter) = shared.state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            defer {
                state.closed = true
                state.waiter = nil
            }
            return (!state.closed, state.waiter)
        }
        waiter?.resume()
        guard first else { return }
        for source in sources { source.cancel() }
    }

    deinit { close() }
}
