import Synchronization

/// The worktrees made ahead of their unit's start during a run, each with whether its branch
/// already existed (a resumed unit). A unit's entry is taken once, when the unit starts.
public final class PreparedWorktrees: Sendable {
    private let entries = Mutex<[String: Bool]>([:])

    /// An empty record.
    public init() {}

    /// Records that `unit`'s worktree is ready; `resumed` says whether its branch existed before.
    public func record(unit: String, resumed: Bool) {
        entries.withLock { $0[unit] = resumed }
    }

    /// Removes and returns `unit`'s entry: whether its branch existed before, or `nil` when its
    /// worktree was not prepared.
    public func take(unit: String) -> Bool? {
        entries.withLock { $0.removeValue(forKey: unit) }
    }

    /// Removes and returns every entry left: units prepared and never started.
    public func takeAll() -> [String: Bool] {
        entries.withLock { entries in
            defer { entries = [:] }
            return entries
        }
    }
}
