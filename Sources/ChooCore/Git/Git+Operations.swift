/// A git operation a worktree is in the middle of: a rebase, merge, cherry-pick, revert or bisect
/// that stopped (a conflict, an agent that walked away, a killed process) and left its files in
/// the worktree's git folder.
public struct GitOperation: Sendable, Hashable, CustomStringConvertible {
    /// Which operation.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case rebase
        case merge
        case cherryPick = "cherry-pick"
        case revert
        case bisect

        /// The files in the git folder that say it is in progress.
        var markers: [String] {
            switch self {
            case .rebase: ["rebase-merge", "rebase-apply"]
            case .merge: ["MERGE_HEAD"]
            case .cherryPick: ["CHERRY_PICK_HEAD"]
            case .revert: ["REVERT_HEAD"]
            case .bisect: ["BISECT_LOG"]
            }
        }
    }

    /// Which operation.
    public var kind: Kind
    /// The branch it started on, when git recorded it (a rebase's, a bisect's).
    public var branch: String?

    /// An operation of `kind` that started on `branch`.
    public init(kind: Kind, branch: String? = nil) {
        self.kind = kind
        self.branch = branch
    }

    /// "a rebase", "a cherry-pick", ...
    public var description: String { "a " + kind.rawValue }

    /// The git command that abandons it, for a person to type: `rebase --abort`, `bisect reset`, ...
    public var abortCommand: String { kind == .bisect ? "bisect reset" : kind.rawValue + " --abort" }
}

/// HEAD, one ref and any operation in progress, as one git process reads them (see
/// ``Git/headState(reading:)``).
public struct HeadState: Sendable, Hashable {
    /// The commit HEAD names.
    public var head: String
    /// The commit the ref that was asked about names.
    public var reference: String
    /// The branch HEAD is attached to (`refs/heads/...`), `nil` when detached.
    public var attachedTo: String?
    /// Operations in progress in the worktree.
    public var operations: [GitOperation]
}

extension Git {
    /// The absolute paths of this worktree's own git folder and of the folder shared by all
    /// worktrees (for the main checkout, both are its `.git`).
    public func gitDirectories() async throws(GitError) -> (git: String, common: String) {
        let command = ["rev-parse", "--absolute-git-dir", "--git-common-dir"]
        let lines = try await run(command).split(separator: "\n").map(String.init)
        guard lines.count == 2 else {
            throw .unexpectedOutput(command: ["git"] + command, output: lines.joined(separator: "\n"))
        }
        return (lines[0], FileSystem.absolute(lines[1], relativeTo: absoluteRepository))
    }

    /// The paths of the files `names` (`info/exclude`, `MERGE_HEAD`) of this worktree's git
    /// folders, absolute, in order, from one process (`rev-parse --git-path`).
    public func gitPaths(_ names: [String]) async throws(GitError) -> [String] {
        guard !names.isEmpty else { return [] }
        return try await run(["rev-parse"] + names.flatMap { ["--git-path", $0] })
            .split(separator: "\n").map { FileSystem.absolute(String($0), relativeTo: absoluteRepository) }
    }

    /// The rebase, merge, cherry-pick, revert or bisect this worktree is in the middle of, if any
    /// (the first, in that order, when git left the files of more than one).
    public func operationInProgress() async throws(GitError) -> GitOperation? {
        try await Self.operations(inGitDirectory: gitDirectories().git).first
    }

    /// Aborts every rebase, merge, cherry-pick and revert in progress in this worktree (each with
    /// `--abort`, else `--quit`, which keeps the files as they are); the ones aborted, in order,
    /// empty when nothing was in progress. A bisect is left alone: it changes no branch.
    @discardableResult
    public func abortOperation() async throws(GitError) -> [GitOperation.Kind] {
        let operations = Self.operations(inGitDirectory: try await gitDirectories().git).map(\.kind)
        var aborted: [GitOperation.Kind] = []
        for kind in operations where kind != .bisect {
            if try await execute([kind.rawValue, "--abort"]).outcome.termination != .exited(0) {
                try await run([kind.rawValue, "--quit"])
            }
            aborted.append(kind)
        }
        return aborted
    }

    /// HEAD, `reference` and where HEAD is attached, with any operation in progress, from one git
    /// process: the check after every agent turn. `nil` when HEAD or `reference` names no commit.
    public func headState(reading reference: String) async throws(GitError) -> HeadState? {
        let result = try await execute([
            "rev-parse", "HEAD", reference, "--absolute-git-dir", "--symbolic-full-name", "HEAD",
        ])
        let lines = result.outcome.output.split(separator: "\n").map(String.init)
        guard result.outcome.termination == .exited(0), lines.count == 4 else { return nil }
        return HeadState(
            head: lines[0],
            reference: lines[1],
            attachedTo: lines[3].hasPrefix("refs/heads/") ? lines[3] : nil,
            operations: Self.operations(inGitDirectory: lines[2])
        )
    }

    /// The commit `reference` names, read from its file in `commonDirectory` (see
    /// ``gitDirectories()``) when it is a loose ref, else asked of git (a packed ref).
    public func resolveReference(_ reference: String, commonDirectory: String) async throws(GitError) -> String? {
        if let loose = try? FileSystem.readText(commonDirectory + "/" + reference) {
            let value = loose.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.hasPrefix("ref:") { return value }
        }
        return try await resolve(reference)
    }

    /// The operations in progress according to the files in the git folder `directory` (one
    /// worktree's own, see ``gitDirectories()``), in the order of ``GitOperation/Kind``. Reads
    /// files only; runs nothing.
    public static func operations(inGitDirectory directory: String) -> [GitOperation] {
        GitOperation.Kind.allCases.compactMap { kind in
            guard let marker = kind.markers.first(where: { FileSystem.exists(directory + "/" + $0) }) else {
                return nil
            }
            let recorded: String
            switch kind {
            case .rebase: recorded = (try? FileSystem.readText(directory + "/" + marker + "/head-name")) ?? ""
            case .bisect: recorded = (try? FileSystem.readText(directory + "/BISECT_START")) ?? ""
            default: recorded = ""
            }
            let name = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
            let branch: String? =
                switch kind {
                case .rebase: name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : nil
                default: name.isEmpty ? nil : name
                }
            return GitOperation(kind: kind, branch: branch)
        }
    }
}
