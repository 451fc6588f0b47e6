import Synchronization

/// A lock for async code: `withLock` runs its body when no other body holds the lock, waiting
/// without blocking a thread. Used to serialise git operations that are not safe to run side by
/// side in one repository (adding and removing worktrees).
public final class AsyncLock: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// A free lock.
    public init() {}

    /// Runs `body` while holding the lock; callers queue in arrival order. What `body` starts runs
    /// at choo's own CPU priority (no ``ProcessPriority/niceness``): others may be waiting for it,
    /// the merge queue among them.
    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await ProcessPriority.$niceness.withValue(0) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state -> Bool in
                if state.held {
                    state.waiters.append(continuation)
                    return false
                }
                state.held = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
