/// How bringing a branch up to date (a rebase or a merge, or continuing one) ended.
public enum Integration: Sendable, Hashable {
    /// It finished: HEAD has the other side.
    case done
    /// It stopped at conflicts in these files (relative to the top); the operation is in
    /// progress, to be resolved and continued (``Git/continueOperation()``) or aborted.
    case conflicted([String])
}

/// One entry of the index: a path at one stage (0 for a path without conflict; 1 to 3 for the
/// base, ours and theirs of a conflicted one).
public struct IndexEntry: Sendable, Hashable {
    /// The git mode, e.g. `100644`.
    public var mode: String
    /// The blob's object id.
    public var object: String
    /// The merge stage.
    public var stage: Int
    /// The path relative to the top of the working tree.
    public var path: String
}

extension Git {
    /// Replays the commits of the branch checked out here on top of `commit` (`rebase`).
    /// Conflicts are a result; any other failure throws, leaving what git left (see
    /// ``abortOperation()``).
    public func rebase(onto commit: String) async throws(GitError) -> Integration {
        try await integrating(["rebase", "--quiet", commit])
    }

    /// Merges `commit` into the branch checked out here, with git's own message (`merge --no-edit`).
    public func merge(_ commit: String) async throws(GitError) -> Integration {
        try await integrating(["merge", "--quiet", "--no-edit", commit])
    }

    /// Goes on with the rebase, merge, cherry-pick or revert in progress once its conflicts are
    /// resolved and staged: a merge is committed with its prepared message, the others
    /// `--continue`. Give this client `GIT_EDITOR=true` so a rebase never waits for an editor.
    /// Throws ``GitError/nothingToContinue(repository:)`` when nothing is in progress.
    public func continueOperation() async throws(GitError) -> Integration {
        guard let operation = try await operationInProgress(), operation.kind != .bisect else {
            throw .nothingToContinue(repository: repository)
        }
        return try await integrating(
            operation.kind == .merge ? ["commit", "--quiet", "--no-edit"] : [operation.kind.rawValue, "--continue"]
        )
    }

    /// Paths with unresolved conflicts, relative to the top of the working tree.
    public func unmergedFiles() async throws(GitError) -> [String] {
        try await run(["diff", "--name-only", "--diff-filter=U", "-z"]).split(separator: "\0").map(String.init)
    }

    /// Every entry of the index, conflicted paths once per stage (`ls-files --stage`).
    public func indexEntries() async throws(GitError) -> [IndexEntry] {
        let output = try await run(["ls-files", "--stage", "-z", "--full-name"])
        return output.split(separator: "\0").compactMap { record in
            // `<mode> SP <object> SP <stage> TAB <path>`
            guard let tab = record.firstIndex(of: "\t") else { return nil }
            let fields = record[..<tab].split(separator: " ")
            guard fields.count == 3, let stage = Int(fields[2]) else { return nil }
            return IndexEntry(
                mode: String(fields[0]),
                object: String(fields[1]),
                stage: stage,
                path: String(record[record.index(after: tab)...])
            )
        }
    }

    /// The best common ancestor of `one` and `other`, or `nil` when they share no history.
    public func mergeBase(_ one: String, _ other: String) async throws(GitError) -> String? {
        let result = try await execute(["merge-base", "--end-of-options", one, other])
        switch result.outcome.termination {
        case .exited(0): return Self.trimmingFinalNewline(result.outcome.output)
        case .exited(1): return nil
        default: throw failure(result)
        }
    }

    /// The files the commits of `head` changed since it left `base` (`diff base...head`: from their
    /// merge base, so what `base` did meanwhile does not count), relative to the top.
    public func changedFiles(on head: String, since base: String) async throws(GitError) -> [String] {
        let output = try await run(["diff", "--name-only", "--no-renames", "-z", base + "..." + head, "--"])
        return output.split(separator: "\0").map(String.init)
    }

    /// Stages every change of the working tree, untracked files included (`add -A`).
    public func stageAll() async throws(GitError) {
        try await run(["add", "-A"])
    }

    /// Points the branch checked out here at `commit` and makes the index and tracked files match
    /// it (`reset --hard`); untracked files stay.
    public func resetHard(to commit: String) async throws(GitError) {
        try await run(["reset", "--hard", "--quiet", commit])
    }

    /// Runs an integrating command: success is ``Integration/done``, a stop with unmerged paths
    /// ``Integration/conflicted(_:)``, anything else git's failure.
    private func integrating(_ arguments: [String]) async throws(GitError) -> Integration {
        let result = try await execute(arguments)
        guard result.outcome.termination != .exited(0) else { return .done }
        let conflicts = try await unmergedFiles()
        guard !conflicts.isEmpty else { throw failure(result) }
        return .conflicted(conflicts)
    }
}
