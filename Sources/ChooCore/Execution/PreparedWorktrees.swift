import Synchronization

/// The worktrees made ahead of their unit's start during a run, each with whether its branch
/// already existed (a resumed unit). A unit is prepared at most once and never after it started;
/// its entry is taken once, when it starts. A start that meets its preparation in flight waits for
/// that preparation alone, not for the repository lock the preparation shares with other worktree
/// work (a landed unit's clean-up, another unit's start).
public final class PreparedWorktrees: Sendable {
    private struct State {
        var ready: [String: Bool] = [:]
        var preparing: [String: [CheckedContinuation<Void, Never>]] = [:]
        var started: Set<String> = []
        var recorded: Set<String> = []
        var sealed: [String: Sealed] = [:]
    }

    /// A prepared worktree as `git status` saw it once it was made, and the seal that shows it
    /// is still so: while the seal is unbroken, the status stands for one taken at the start.
    public struct Sealed: Sendable {
        /// What `git status` (with ignored files) said right after the seal was made.
        public var status: WorktreeStatus
        /// The watch on the worktree's folders and spec files.
        public var seal: TreeSeal
        /// The worktree's index file (in its git folder) as it stood after that status.
        public var index: FileStamp?
    }

    private let state = Mutex(State())

    /// An empty record.
    public init() {}

    /// Claims `unit` for a preparation: false when it started, or is prepared or being prepared.
    /// A claim must be ended with ``finish(unit:resumed:)``.
    public func begin(unit: String) -> Bool {
        state.withLock { state in
            guard !state.started.contains(unit), state.preparing[unit] == nil, state.ready[unit] == nil else {
                return false
            }
            state.preparing[unit] = []
            return true
        }
    }

    /// Ends `unit`'s preparation: its worktree is ready, `resumed` saying whether its branch existed
    /// before, or (`nil`) the preparation failed and the unit's start makes the worktree itself.
    public func finish(unit: String, resumed: Bool?) {
        let waiting = state.withLock { state in
            if let resumed { state.ready[unit] = resumed }
            return state.preparing.removeValue(forKey: unit) ?? []
        }
        for start in waiting { start.resume() }
    }

    /// Marks `unit` started, waits for a preparation of it in flight, and removes and returns its
    /// entry: whether its branch existed before, or `nil` when its worktree was not prepared.
    public func take(unit: String) async -> Bool? {
        await withCheckedContinuation { (start: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                state.started.insert(unit)
                guard state.preparing[unit] != nil else { return true }
                state.preparing[unit]?.append(start)
                return false
            }
            if now { start.resume() }
        }
        return state.withLock { $0.ready.removeValue(forKey: unit) }
    }

    /// Notes that `unit`'s new branch was prepared from a target holding everything it depends on,
    /// and choo's record of its start is made: its start has nothing to catch up or record.
    public func markRecorded(unit: String) {
        _ = state.withLock { $0.recorded.insert(unit) }
    }

    /// Whether ``markRecorded(unit:)`` was called for `unit` (asked once, when it starts).
    public func takeRecorded(unit: String) -> Bool {
        state.withLock { $0.recorded.remove(unit) != nil }
    }

    /// Keeps `sealed` for `unit` until it starts.
    public func seal(unit: String, _ sealed: Sealed) {
        let replaced = state.withLock { $0.sealed.updateValue(sealed, forKey: unit) }
        replaced?.seal.close()
    }

    /// Removes and returns `unit`'s seal (asked once, when it starts).
    public func takeSealed(unit: String) -> Sealed? {
        state.withLock { $0.sealed.removeValue(forKey: unit) }
    }

    /// How many starts wait for `unit`'s preparation now (for tests).
    func startsWaiting(for unit: String) -> Int { state.withLock { $0.preparing[unit]?.count ?? 0 } }

    /// Removes and returns every entry left: units prepared and never started.
    public func takeAll() -> [String: Bool] {
        state.withLock { state in
            defer {
                state.ready = [:]
                for sealed in state.sealed.values { sealed.seal.close() }
                state.sealed = [:]
            }
            return state.ready
        }
    }
}
