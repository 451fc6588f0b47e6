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
    ///
    /// With `checkout: false` the new worktree's files are not written (`--no-checkout`): the
    /// part git must do alone (its metadata, the branch) is done, and ``populateWorktree()`` in the
    /// worktree writes the files afterwards, outside any lock that serialises worktree changes.
    public func addWorktree(path: String, branch: String, startPoint: String, checkout: Bool = true)
        async throws(GitError)
    {
        let noCheckout = checkout ? [] : ["--no-checkout"]
        let target = Self.canonical(FileSystem.absolute(path, relativeTo: absoluteRepository))
        let existing = try await worktrees()
        let stale = existing.filter { $0.isPrunable && ($0.branch == branch || Self.canonical($0.path) == target) }
        if existing.contains(where: { $0.branch == branch && !$0.isPrunable && Self.canonical($0.path) == target }) {
            return
        }
        // A worktree whose folder was deleted still holds its branch and path until pruned.
        if !stale.isEmpty { try await pruneWorktrees() }
        if try await branchExists(branch) {
            try await run(["worktree", "add"] + noCheckout + [target, branch])
        } else {
            try await run(["worktree", "add"] + noCheckout + ["-b", branch, target, startPoint])
        }
    }

    /// Whether this worktree's files were never written: it has no index yet (added without a
    /// checkout, or a run was killed before the checkout finished, so no agent has worked in it).
    public func worktreeNeedsPopulating() -> Bool {
        let gitFile = absoluteRepository + "/.git"
        guard let text = try? FileSystem.readText(gitFile), text.hasPrefix("gitdir:") else { return false }
        let folder = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let gitDirectory = FileSystem.absolute(folder, relativeTo: absoluteRepository)
        return FileSystem.kind(of: gitDirectory) == .directory && !FileSystem.exists(gitDirectory + "/index")
    }

    /// Writes this worktree's index and files from HEAD (`read-tree -u --reset HEAD`): for a
    /// worktree added without a checkout. Other worktrees are not touched, so several can be
    /// populated at once.
    public func populateWorktree() async throws(GitError) {
        try await run(["read-tree", "-u", "--reset", "HEAD"])
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
