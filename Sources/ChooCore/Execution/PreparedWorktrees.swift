import Synchronization

/// The worktrees made ahead of their unit's start during a run, each with whether its branch
/// already existed (a resumed unit). A unit's entry is taken once, when the unit starts; a unit
/// that has started is never prepared again. Both happen under the repository lock, so a start
/// that meets a preparation in flight waits for it and takes what it made.
public final class PreparedWorktrees: Sendable {
    private struct State {
        var entries: [String: Bool] = [:]
        var started: Set<String> = []
    }

    private let state = Mutex(State())

    /// An empty record.
    public init() {}

    /// Whether `unit` may still be prepared: it has not started.
    public func mayPrepare(unit: String) -> Bool {
        state.withLock { !$0.started.contains(unit) }
    }

    /// Records that `unit`'s worktree is ready; `resumed` says whether its branch existed before.
    public func record(unit: String, resumed: Bool) {
        state.withLock { $0.entries[unit] = resumed }
    }

    /// Marks `unit` started, and removes and returns its entry: whether its branch existed before,
    /// or `nil` when its worktree was not prepared.
    public func take(unit: String) -> Bool? {
        state.withLock { state in
            state.started.insert(unit)
            return state.entries.removeValue(forKey: unit)
        }
    }

    /// Removes and returns every entry left: units prepared and never started.
    public func takeAll() -> [String: Bool] {
        state.withLock { state in
            defer { state.entries = [:] }
            return state.entries
        }
    }
}
