/// What `choo cleanup` did, or with `--dry-run` would do: each worktree and branch removed, each
/// stale worktree record pruned, everything kept with the reason, and each spec file reset.
public struct CleanupReport: Sendable, Hashable {
    /// One line of the report.
    public enum Entry: Sendable, Hashable {
        /// A worktree removed (path relative to the repository root), with the unit branch deleted with it.
        case removedWorktree(path: String, branch: String?)
        /// A unit branch without a worktree, deleted.
        case deletedBranch(String)
        /// The record of a worktree whose folder was deleted by hand, pruned.
        case prunedRecord(path: String)
        /// A worktree or branch left as it is, and why (each reason says what the user can do).
        case kept(subject: String, reasons: [String])
        /// A spec file whose choo state was reset, and what changed in it.
        case resetFile(path: String, changes: [String])
        /// Something worth knowing that changes nothing, e.g. a teardown command that failed.
        case note(String)
        /// Something that went wrong; the command exits 1.
        case problem(String)
    }

    /// The branch work must be on before it is removed.
    public var targetBranch: String
    /// The worktree base, relative to the repository root, for messages.
    public var worktreeBase: String
    /// Whether nothing was changed (`--dry-run`).
    public var dryRun: Bool
    /// The lines, in the order they are printed.
    public var entries: [Entry]

    /// Creates a report.
    public init(targetBranch: String, worktreeBase: String, dryRun: Bool, entries: [Entry]) {
        self.targetBranch = targetBranch
        self.worktreeBase = worktreeBase
        self.dryRun = dryRun
        self.entries = entries
    }

    /// Worktrees removed.
    public var removedWorktrees: Int {
        entries.count { if case .removedWorktree = $0 { true } else { false } }
    }

    /// Branches deleted, with their worktree or alone.
    public var removedBranches: Int {
        entries.count { entry in
            switch entry {
            case .removedWorktree(_, let branch): branch != nil
            case .deletedBranch: true
            default: false
            }
        }
    }

    /// Stale worktree records pruned.
    public var prunedRecords: Int {
        entries.count { if case .prunedRecord = $0 { true } else { false } }
    }

    /// Worktrees and branches kept.
    public var kept: Int {
        entries.count { if case .kept = $0 { true } else { false } }
    }

    /// Spec files reset (or, in a dry run, that would be).
    public var resetFiles: [String] {
        entries.compactMap { if case .resetFile(let path, _) = $0 { path } else { nil } }
    }

    /// What went wrong; the command exits 1 when there is anything.
    public var problems: [String] {
        entries.compactMap { if case .problem(let message) = $0 { message } else { nil } }
    }

    /// One line per entry, then a summary line.
    public func text(style: TextStyle) -> String {
        var out = ""
        let would = dryRun ? "would " : ""
        for entry in entries {
            switch entry {
            case .removedWorktree(let path, let branch):
                let verb = dryRun ? "would remove" : "removed"
                let what = branch.map { "\(path) and its branch \($0)" } ?? path
                out += "\(style.green(verb)) \(what) (landed on \(targetBranch))\n"
            case .deletedBranch(let branch):
                out +=
                    "\(style.green(dryRun ? "would delete" : "deleted")) branch \(branch) (landed on \(targetBranch))\n"
            case .prunedRecord(let path):
                out +=
                    "\(style.green(dryRun ? "would prune" : "pruned")) the record of \(path), whose folder was deleted\n"
            case .kept(let subject, let reasons):
                out +=
                    "\(style.yellow(dryRun ? "would keep" : "kept")) \(subject): \(reasons.joined(separator: "; "))\n"
            case .resetFile(let path, let changes):
                out += "\(dryRun ? "would reset" : "reset") \(path): \(changes.joined(separator: ", "))\n"
            case .note(let message):
                out += style.dim("note:") + " \(message)\n"
            case .problem(let message):
                out += style.red("error:") + " \(message)\n"
            }
        }
        if removedWorktrees + removedBranches + prunedRecords + kept == 0 {
            out += "nothing to clean up: no unit worktrees under \(worktreeBase) and no ralph/* branches\n"
        }
        var summary = dryRun ? "dry run, nothing was changed: " : ""
        summary += "\(would)remove\(dryRun ? "" : "d") \(plural(removedWorktrees, "worktree")) and "
        summary += "\(removedBranches) branch\(removedBranches == 1 ? "" : "es")"
        if prunedRecords > 0 {
            summary += "; \(dryRun ? "would prune" : "pruned") \(plural(prunedRecords, "stale worktree record"))"
        }
        summary += "; \(dryRun ? "would keep" : "kept") \(kept)"
        let reset = resetFiles.count
        if reset > 0 {
            summary += "; \(dryRun ? "would reset" : "reset") \(plural(reset, "spec file"))"
        }
        out += summary + "\n"
        if reset > 0 && !dryRun {
            out += "The reset files are changed in your checkout and not committed; `git diff` shows the changes.\n"
        }
        return out
    }
}
