import Foundation

/// The operations a unit's work does in its worktree: staging, reading what changed, and bringing
/// a branch up to date by rebase or merge.
extension Git {
    /// Stages everything in the working tree: changes, deletions and files git does not track yet
    /// (not ignored ones).
    public func stageAll() async throws(GitError) {
        try await run(["add", "-A"])
    }

    /// The paths with uncommitted changes, staged or not, and the untracked files (each one, not
    /// their folders); a rename lists its new path.
    public func uncommittedPaths() async throws(GitError) -> [String] {
        Self.parseStatus(try await run(["status", "--porcelain=v1", "-z", "--untracked-files=all"]))
    }

    /// Tracked paths whose content differs between `base` and `head`; `head` `nil` means the
    /// working tree. `sinceFork` compares with where `head` forked from `base` (`base...head`).
    public func changedPaths(from base: String, to head: String? = nil, sinceFork: Bool = false)
        async throws(GitError) -> [String]
    {
        let revisions = head.map { sinceFork ? [base + "..." + $0] : [base, $0] } ?? [base]
        let output = try await run(["diff", "--name-only", "-z", "--end-of-options"] + revisions + ["--"])
        return output.split(separator: "\0").map(String.init)
    }

    /// Paths with unresolved conflicts in the index.
    public func conflictedPaths() async throws(GitError) -> [String] {
        try await run(["diff", "--name-only", "-z", "--diff-filter=U"]).split(separator: "\0").map(String.init)
    }

    /// The text of `path` as `commit` holds it, or `nil` when it holds no such file.
    public func fileText(_ path: String, at commit: String) async throws(GitError) -> String? {
        let result = try await execute(["show", "--end-of-options", commit + ":" + path])
        guard result.outcome.termination == .exited(0) else { return nil }
        return result.outcome.output
    }

    /// The best common ancestor of `first` and `second`, or `nil` when they share none.
    public func mergeBase(_ first: String, _ second: String) async throws(GitError) -> String? {
        let result = try await execute(["merge-base", "--end-of-options", first, second])
        guard result.outcome.termination == .exited(0) else { return nil }
        return Self.trimmingFinalNewline(result.outcome.output)
    }

    /// Moves the checked-out branch, the index and the working tree to `commit`; uncommitted
    /// changes to tracked files are lost (untracked files stay).
    public func resetHard(to commit: String) async throws(GitError) {
        try await run(["reset", "--hard", "--quiet", commit])
    }

    /// The index's entries, each with its stage: 0 for a resolved path, 1-3 for the sides of a
    /// conflict.
    public func indexEntries() async throws(GitError) -> [(entry: TreeEntry, stage: Int)] {
        let output = try await run(["ls-files", "--stage", "-z", "--full-name"])
        return output.split(separator: "\0").compactMap { record in
            // `<mode> SP <object> SP <stage> TAB <path>`
            guard let tab = record.firstIndex(of: "\t") else { return nil }
            let fields = record[..<tab].split(separator: " ")
            guard fields.count == 3, let stage = Int(fields[2]) else { return nil }
            let path = String(record[record.index(after: tab)...])
            return (TreeEntry(mode: String(fields[0]), object: String(fields[1]), path: path), stage)
        }
    }

    /// How a branch is brought up to date with another commit.
    public enum Integration: Sendable, Hashable {
        /// `git rebase <onto>`: the branch's own commits replayed on top.
        case rebase
        /// `git merge --no-edit <onto>`: a merge commit.
        case merge
    }

    /// Starts bringing the checked-out branch up to date with `commit`. Throws when git stops,
    /// conflicts included; ``conflictedPaths()`` says whether that is what happened.
    public func integrate(_ commit: String, by integration: Integration, quiet: Bool = false)
        async throws(GitError)
    {
        switch integration {
        case .rebase: try await run(["rebase"] + (quiet ? ["--quiet"] : []) + ["--end-of-options", commit])
        case .merge: try await run(["merge", "--no-edit"] + (quiet ? ["--quiet"] : []) + [commit])
        }
    }

    /// Carries on with an integration stopped by conflicts, once they are resolved and staged.
    public func continueIntegration(_ integration: Integration) async throws(GitError) {
        switch integration {
        case .rebase: try await run(["rebase", "--continue"])
        case .merge: try await run(["commit", "--no-edit"])
        }
    }

    /// Gives up an integration stopped half-way, putting the branch back where it was.
    public func abortIntegration(_ integration: Integration) async throws(GitError) {
        switch integration {
        case .rebase: try await run(["rebase", "--abort"])
        case .merge: try await run(["merge", "--abort"])
        }
    }
}
