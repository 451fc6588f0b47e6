#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Git {
    /// The repository's worktrees, the main checkout first.
    public func worktrees() async throws(GitError) -> [Worktree] {
        Worktree.parse(porcelain: try await run(["worktree", "list", "--porcelain", "-z"]))
    }

    /// Makes `path` a worktree with `branch` checked out. The branch is created at `startPoint`
    /// when it does not exist; an existing branch is checked out as it is (resuming earlier work).
    /// Does nothing when that branch is already checked out at `path`.
    public func addWorktree(path: String, branch: String, startPoint: String) async throws(GitError) {
        let target = Self.canonical(FileSystem.absolute(path, relativeTo: absoluteRepository))
        let existing = try await worktrees()
        let stale = existing.filter { $0.isPrunable && ($0.branch == branch || Self.canonical($0.path) == target) }
        if existing.contains(where: { $0.branch == branch && !$0.isPrunable && Self.canonical($0.path) == target }) {
            return
        }
        // A worktree whose folder was deleted still holds its branch and path until pruned.
        if !stale.isEmpty { try await pruneWorktrees() }
        if try await branchExists(branch) {
            try await run(["worktree", "add", target, branch])
        } else {
            try await run(["worktree", "add", "-b", branch, target, startPoint])
        }
    }

    /// Removes the worktree at `path`; `force` removes it even with uncommitted or untracked files.
    public func removeWorktree(path: String, force: Bool) async throws(GitError) {
        let target = FileSystem.absolute(path, relativeTo: absoluteRepository)
        try await run(["worktree", "remove"] + (force ? ["--force"] : []) + [target])
    }

    /// Forgets worktrees whose folders no longer exist.
    public func pruneWorktrees() async throws(GitError) {
        try await run(["worktree", "prune"])
    }

    /// `path` with symbolic links resolved when it exists (git records worktree paths that way).
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
