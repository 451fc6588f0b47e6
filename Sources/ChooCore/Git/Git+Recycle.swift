import Foundation

/// The git operations that recycle a worktree folder for another unit (see ``WorktreePool``):
/// detach it from its branch, move it, switch its files to another commit, clean it, attach it to
/// a new branch. Each is one git command.
extension Git {
    /// Detaches this worktree's HEAD at `commit` without touching its index or files
    /// (`update-ref --no-deref HEAD`): only the worktree's own HEAD file is written.
    public func detachHead(at commit: String) async throws(GitError) {
        try await run(["update-ref", "--no-deref", "-m", "choo: pooled", "HEAD", commit])
    }

    /// Attaches this worktree's HEAD to `branch` (`symbolic-ref`), which must point at the commit
    /// HEAD is at, so the index and files stay as they are.
    public func attachHead(to branch: String) async throws(GitError) {
        try await run(["symbolic-ref", "-m", "choo: recycled", "HEAD", "refs/heads/" + branch])
    }

    /// Creates the local branch `name` at `commit`; fails when it exists.
    public func createBranch(_ name: String, at commit: String) async throws(GitError) {
        try await run(["branch", "--no-track", "--end-of-options", name, commit])
    }

    /// The tree `commit` records, or `nil` when it names no commit.
    public func tree(of commit: String) async throws(GitError) -> String? {
        let result = try await execute(["rev-parse", "--verify", "--quiet", "--end-of-options", commit + "^{tree}"])
        guard result.outcome.termination == .exited(0) else { return nil }
        return Self.trimmingFinalNewline(result.outcome.output)
    }

    /// Moves the worktree at `path` to `destination` (`worktree move`: a rename, with git's records
    /// of it updated). git refuses for a locked worktree or one with submodules.
    public func moveWorktree(_ path: String, to destination: String) async throws(GitError) {
        try await run([
            "worktree", "move",
            FileSystem.absolute(path, relativeTo: absoluteRepository),
            FileSystem.absolute(destination, relativeTo: absoluteRepository),
        ])
    }

    /// Switches this worktree's index and files to `commit` with HEAD detached there
    /// (`checkout --force --detach`): git rewrites only the files that differ, and discards changes
    /// to tracked files. For a recycled worktree, whose content is choo's.
    public func switchDetached(to commit: String) async throws(GitError) {
        try await run(["checkout", "--quiet", "--force", "--no-recurse-submodules", "--detach", commit])
    }

    /// Deletes the files git does not track (`clean -ffd`, nested repositories too); with
    /// `ignored`, the ignored ones as well (`-x`).
    public func removeUntracked(ignored: Bool) async throws(GitError) {
        try await run(["clean", "-ffdq"] + (ignored ? ["-x"] : []))
    }

    /// Takes back what ``excludeInThisWorktree(_:configLock:)`` set for an earlier unit: its
    /// exclude file and the worktree's own `core.excludesFile` pointing at it. Only the worktree's
    /// own files are touched (`config.worktree` in its git folder), never the shared config.
    public func resetWorktreeExclude() async throws(GitError) {
        let gitFolder = try await gitDirectories().git
        let config = gitFolder + "/config.worktree"
        if FileSystem.exists(config) {
            let result = try await execute(["config", "--file", config, "--unset-all", "core.excludesFile"])
            // 5: the key was not set.
            guard result.outcome.termination == .exited(0) || result.outcome.termination == .exited(5) else {
                throw failure(result)
            }
        }
        try? FileManager.default.removeItem(atPath: gitFolder + "/" + Self.worktreeExcludeFileName)
    }
}
