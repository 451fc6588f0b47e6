import Synchronization

/// What choo remembers of each unit during a run, out of the agent's reach: the last commit choo
/// made on the unit branch (mirrored in `refs/choo/units/<unit>` for the next run, but a ref is
/// something an agent can move), and the untracked ignore files (the repository's
/// `info/exclude`, the worktree's own exclude file) as they were when the unit started, so an
/// ignore rule the agent adds cannot hide work from a check.
public final class ChooRecords: Sendable {
    private let commits = Mutex<[String: String]>([:])
    private let ignoreFiles = Mutex<[String: [String: String]]>([:])
    private let folders = Mutex<[String: (git: String, common: String)]>([:])

    /// An empty record.
    public init() {}

    /// The last commit choo made for `unit` in this run, if any.
    public func commit(of unit: String) -> String? {
        commits.withLock { $0[unit] }
    }

    /// Records `commit` as the last one choo made for `unit`.
    public func setCommit(_ commit: String, for unit: String) {
        commits.withLock { $0[unit] = commit }
    }

    /// The ignore files (absolute path -> content) `unit` started with, or `nil` before it started.
    public func ignoreFiles(of unit: String) -> [String: String]? {
        ignoreFiles.withLock { $0[unit] }
    }

    /// The git folder and the common git folder of the worktree at `path`, once known.
    public func gitFolders(of path: String) -> (git: String, common: String)? {
        folders.withLock { $0[path] }
    }

    /// Records the git folders of the worktree at `path`.
    public func setGitFolders(_ value: (git: String, common: String), of path: String) {
        folders.withLock { $0[path] = value }
    }

    /// Records the ignore files `unit` starts with.
    public func setIgnoreFiles(_ files: [String: String], for unit: String) {
        ignoreFiles.withLock { $0[unit] = files }
    }
}
