import Foundation

/// `choo cleanup`: removes the worktrees and `ralph/<unit>` branches of units whose work is on the
/// target branch, prunes the records of worktrees whose folders were deleted, and keeps everything
/// else, saying why. Optionally resets the spec tree's state (task statuses and `orch_*` keys).
///
/// The rule it keeps: nothing that holds work is removed. A worktree goes only when it is clean
/// (`git status --porcelain` prints nothing), no rebase, merge, cherry-pick, revert or bisect is in
/// progress in it, it is not locked, and its commits are all on the target; a branch goes only
/// when its tip is on the target. Both are checked again just before anything is removed, and
/// `git worktree remove` runs without `--force`, so git refuses too if anything changed meanwhile.
public struct Cleanup: Sendable {
    /// Why cleanup could not start; nothing was changed.
    public enum CleanupError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The folder is not inside a git repository.
        case notAGitRepository(String)
        /// No target branch was named and HEAD is detached.
        case detachedHead
        /// The target branch does not exist.
        case unknownTargetBranch(String)
        /// A spec file could not be read or its frontmatter edited for `--reset-state`.
        case cannotReset(file: String, reason: String)
        /// Git failed while looking around.
        case git(String)
        /// A `choo run` is in progress in this repository.
        case runInProgress(String)

        public var description: String {
            switch self {
            case .notAGitRepository(let path):
                return "`\(path)` is not inside a git repository, so there are no choo worktrees or branches to "
                    + "clean up; run choo cleanup inside the repository"
            case .detachedHead:
                return "HEAD is detached, so there is no current branch to compare unit branches with; check out "
                    + "the target branch or name it with --target"
            case .unknownTargetBranch(let name):
                return "the target branch `\(name)` does not exist; name the branch units land on with --target"
            case .cannotReset(let file, let reason):
                return "cannot reset the state in \(file): \(reason); nothing was changed"
            case .git(let message):
                return message
            case .runInProgress(let message):
                return message + ". choo cleanup does not run while a run is in progress, so it never removes a "
                    + "worktree an agent is working in; run it again once that run has ended"
            }
        }

        /// 2 for problems with the input (where, which target, which files); 1 when git failed.
        public var exitCode: Int32 {
            if case .git = self { return 1 }
            return 2
        }
    }

    /// The keys choo writes in a unit's plan, removed by `--reset-state`.
    public static let unitStateKeys = [
        "orch_status", "orch_branch", "orch_worktree", "orch_started_at", "orch_completed_at", "orch_pr_number",
    ]

    /// The repository root (absolute).
    public var repositoryRoot: String
    /// The folder holding one worktree per unit (absolute).
    public var worktreeBase: String
    /// The branch work must be on; `nil` means the current branch.
    public var targetBranch: String?
    /// `worktree.teardown`: run in a worktree before it is removed, best effort.
    public var teardown: [ChooConfig.ConditionalCommand]
    /// The longest one teardown command may take.
    public var teardownTimeout: Duration
    /// Runs git and the teardown commands (``Effects/runner``), writes the reset spec files,
    /// and dates the run lock.
    public var effects: Effects
    /// Variables added to the environment of git and the teardown commands.
    public var environment: [String: String]

    /// Creates a cleanup of `repositoryRoot` with explicit settings.
    public init(
        repositoryRoot: String,
        worktreeBase: String,
        targetBranch: String?,
        teardown: [ChooConfig.ConditionalCommand] = [],
        teardownTimeout: Duration = .seconds(5 * 60),
        effects: Effects,
        environment: [String: String] = [:]
    ) {
        self.repositoryRoot = repositoryRoot
        self.worktreeBase = worktreeBase
        self.targetBranch = targetBranch
        self.teardown = teardown
        self.teardownTimeout = teardownTimeout
        self.effects = effects
        self.environment = environment
    }

    /// Creates a cleanup with the workspace's settings: `target_branch` (or `--target`),
    /// `worktree.base_path`, `worktree.teardown` and `backpressure_timeout`.
    public init(workspace: Workspace, effects: Effects, environment: [String: String] = [:]) {
        let config = workspace.config
        self.init(
            repositoryRoot: workspace.repositoryRoot,
            worktreeBase: FileSystem.absolute(config.worktree.basePath, relativeTo: workspace.repositoryRoot),
            targetBranch: config.targetBranch,
            teardown: config.worktree.teardown,
            teardownTimeout: config.backpressureTimeout,
            effects: effects,
            environment: environment
        )
    }

    /// Looks at every worktree under the base, every `ralph/*` branch and every folder under the
    /// base that looks like a worktree; removes what is safe (nothing with `dryRun`), and, when
    /// `tree` is given, resets its state. Throws, having changed nothing, when it cannot start.
    public func run(dryRun: Bool, resetting tree: SpecTree? = nil) async throws(CleanupError) -> CleanupReport {
        // Hold the run lock for the whole clean-up: no `choo run` may be working in these worktrees.
        var lock: RunLock?
        if dryRun {
            if let holder = RunLock.holder(in: worktreeBase) {
                throw .runInProgress("a choo run is in progress in this repository (\(holder))")
            }
        } else if FileSystem.kind(of: worktreeBase) == .directory {
            do {
                lock = try RunLock(in: worktreeBase, startedAt: effects.clock.now())
            } catch {
                throw .runInProgress("\(error)")
            }
        }
        defer { lock?.release() }
        let plan = try await makePlan(resetting: tree)
        if dryRun {
            return report(plan, dryRun: true, entries: plan.entries)
        }
        return report(plan, dryRun: false, entries: await carryOut(plan))
    }

    // MARK: Deciding

    /// Everything cleanup found and decided, before anything changes.
    struct Plan {
        /// A worktree and/or branch found safe to remove.
        struct Removal {
            /// The worktree's folder (absolute), or `nil` for a branch on its own.
            var worktree: String?
            /// The unit branch deleted with it.
            var branch: String?
            /// The branch tip that was checked to be on the target.
            var tip: String?
            /// A folder of the worktree pool (`<base>/.pool/`): choo's, removed with its files.
            var pooled = false
        }

        /// A spec file with its new text.
        struct Edit {
            /// The file, relative to the repository root.
            var file: String
            /// The file, absolute.
            var absolutePath: String
            /// Its text after the edit.
            var text: String
            /// What changes, for the report.
            var changes: [String]
        }

        /// The branch work must be on.
        var target: String
        /// Records of worktrees whose folders are gone (absolute paths as git lists them).
        var prunable: [String] = []
        /// What is safe to remove.
        var removals: [Removal] = []
        /// What stays, with why.
        var kept: [(subject: String, reasons: [String])] = []
        /// The `--reset-state` edits.
        var edits: [Edit] = []
        /// What the report would say if the plan were carried out without trouble.
        var entries: [CleanupReport.Entry] = []
    }

    /// Git in the repository root.
    private var git: Git { git(in: repositoryRoot) }

    /// Git in `folder` (a worktree).
    private func git(in folder: String) -> Git {
        Git(repository: folder, runner: effects.runner, environment: environment)
    }

    /// Looks at everything and decides, changing nothing.
    func makePlan(resetting tree: SpecTree?) async throws(CleanupError) -> Plan {
        let git = self.git
        guard FileSystem.exists(repositoryRoot + "/.git"), (try? await git.topLevel()) != nil else {
            throw .notAGitRepository(repositoryRoot)
        }
        do {
            let target: String
            if let targetBranch {
                target = targetBranch
            } else {
                guard let current = try await git.currentBranch() else { throw CleanupError.detachedHead }
                target = current
            }
            guard try await git.resolve("refs/heads/" + target) != nil else {
                throw CleanupError.unknownTargetBranch(target)
            }
            var plan = Plan(target: target)
            if let tree { plan.edits = try Self.resetEdits(tree) }
            try await look(into: &plan)
            plan.entries = Self.entries(plan, display: display)
            return plan
        } catch let error as CleanupError {
            throw error
        } catch {
            throw .git("\(error)")
        }
    }

    /// Decides each worktree, `ralph/*` branch and stray folder: remove, prune or keep (and why).
    private func look(into plan: inout Plan) async throws {
        let git = self.git
        let targetRef = "refs/heads/" + plan.target
        let base = Git.canonical(worktreeBase)
        let worktrees = try await git.worktrees()
        let branches = Dictionary(
            try await git.branches(under: "ralph/").map { ($0.name, $0.tip) },
            uniquingKeysWith: { first, _ in first }
        )
        // Branches whose fate is decided with their worktree (or that a worktree elsewhere holds).
        var decided: Set<String> = []
        var registered: Set<String> = []

        for (index, worktree) in worktrees.enumerated() where !worktree.isBare {
            let path = Git.canonical(worktree.path)
            if index > 0 {
                registered.insert(path)
                if worktree.isPrunable {
                    // Its branch is then free, and judged below like any branch without a worktree.
                    plan.prunable.append(worktree.path)
                    continue
                }
            }
            guard index > 0, isUnder(base, path) || isUnder(worktreeBase, worktree.path) else {
                if let branch = worktree.branch, branches[branch] != nil {
                    decided.insert(branch)
                    let place =
                        index == 0
                        ? "your checkout at \(repositoryRoot)"
                        : "the worktree at \(display(worktree.path)), outside \(display(worktreeBase))"
                    plan.kept.append(
                        (branch, ["it is checked out in \(place); switch that checkout to another branch first"])
                    )
                }
                continue
            }
            var branch = worktree.branch
            var reasons: [String] = []
            // A recycled folder waiting in the pool holds no work: a run killed while switching it
            // leaves changed files, which go with it. Its commits and operations are checked as usual.
            let pooled = isUnder(Git.canonical(poolFolder), path) && worktree.branch == nil
            if worktree.isLocked {
                reasons.append("it is locked; `git worktree unlock \(display(worktree.path))` allows removing it")
            }
            if !FileSystem.exists(worktree.path) {
                reasons.append("its folder is gone, but the record of a locked worktree is not pruned")
            } else {
                do {
                    if let operation = try await self.git(in: worktree.path).operationInProgress() {
                        reasons.append(
                            "\(operation) is in progress; finish it, or abort it with "
                                + "`git -C \(display(worktree.path)) \(operation.abortCommand)`"
                        )
                        if branch == nil { branch = operation.branch }
                    }
                    let changes = try await self.git(in: worktree.path).statusEntries().map(\.path)
                    if !changes.isEmpty, !pooled {
                        let shown = changes.prefix(3).joined(separator: ", ") + (changes.count > 3 ? ", ..." : "")
                        reasons.append(
                            "uncommitted changes in \(plural(changes.count, "file")) (\(shown)); commit or discard "
                                + "them, then run choo cleanup again"
                        )
                    }
                } catch {
                    reasons.append("git cannot read it: \(Self.message(error))")
                }
            }
            if let branch {
                decided.insert(branch)
                if branch == plan.target {
                    reasons.append("it has the target branch checked out")
                } else if !branch.hasPrefix("ralph/") {
                    reasons.append(
                        "it has `\(branch)` checked out, not a unit branch (ralph/<unit>); remove it with "
                            + "`git worktree remove` if you no longer need it"
                    )
                }
            }
            let tips = [worktree.head] + (branch.flatMap { branches[$0] }.map { [$0] } ?? [])
            let unlanded = try await git.commitCount(from: tips.filter { !$0.isEmpty }, excluding: targetRef)
            if unlanded > 0 {
                reasons.append(notLanded(unlanded, target: plan.target))
            }
            if reasons.isEmpty {
                plan.removals.append(
                    Plan.Removal(
                        worktree: worktree.path,
                        branch: branch,
                        tip: branch.flatMap { branches[$0] } ?? worktree.head,
                        pooled: pooled
                    )
                )
            } else {
                plan.kept.append((display(worktree.path) + (branch.map { " (\($0))" } ?? ""), reasons))
            }
        }

        for (branch, tip) in branches.sorted(by: { $0.key < $1.key }) where !decided.contains(branch) {
            if branch == plan.target {
                plan.kept.append((branch, ["it is the target branch"]))
                continue
            }
            let unlanded = try await git.commitCount(from: [tip], excluding: targetRef)
            if unlanded > 0 {
                plan.kept.append((branch, [notLanded(unlanded, target: plan.target)]))
            } else {
                plan.removals.append(Plan.Removal(worktree: nil, branch: branch, tip: tip))
            }
        }

        for folder in strayFolders(registered: registered) {
            plan.kept.append(
                (
                    display(folder),
                    [
                        "it looks like a worktree, but git has no record of it; look inside and delete it by hand "
                            + "if nothing in it is needed"
                    ]
                )
            )
        }
        plan.removals.sort { ($0.worktree ?? "~" + ($0.branch ?? "")) < ($1.worktree ?? "~" + ($1.branch ?? "")) }
        plan.kept.sort { $0.subject < $1.subject }
    }

    private func notLanded(_ count: Int, target: String) -> String {
        "\(plural(count, "commit")) not on \(target) (its work has not landed); choo run lands it, or merge it by hand"
    }

    /// The worktree pool's folder (see ``WorktreePool``).
    private var poolFolder: String { worktreeBase + "/" + WorktreePool.folderName }

    /// Folders under the base and the pool (not `logs`) holding a `.git` entry that git does not
    /// list as worktrees.
    private func strayFolders(registered: Set<String>) -> [String] {
        [worktreeBase, poolFolder].flatMap { folder in
            ((try? FileSystem.entries(of: folder)) ?? []).compactMap { entry -> String? in
                let path = folder + "/" + entry.name
                guard entry.kind == .directory, entry.name != "logs", FileSystem.exists(path + "/.git"),
                    !registered.contains(Git.canonical(path))
                else { return nil }
                return path
            }
        }
    }

    private func isUnder(_ base: String, _ path: String) -> Bool {
        path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// `path` relative to the repository root when it is inside it.
    private func display(_ path: String) -> String {
        let root = Git.canonical(repositoryRoot)
        let relative = FileSystem.relative(Git.canonical(path), to: root)
        return relative == Git.canonical(path) ? FileSystem.relative(path, to: repositoryRoot) : relative
    }

    /// The edits `--reset-state` makes: every task's `status` back to `pending`, choo's keys out of
    /// every plan. Files that would not change are left out.
    static func resetEdits(_ tree: SpecTree) throws(CleanupError) -> [Plan.Edit] {
        var edits: [Plan.Edit] = []
        for unit in tree.units {
            let planPath = tree.absolutePath(unit.planFile)
            let present = unitStateKeys.filter { unit.keyLines[$0] != nil }
            if !present.isEmpty {
                let text = try read(planPath, file: unit.planFile)
                let edited: String
                do {
                    edited = try FrontmatterEditor.remove(unitStateKeys, in: text)
                } catch {
                    throw .cannotReset(file: unit.planFile, reason: "\(error)")
                }
                if edited != text {
                    edits.append(
                        Plan.Edit(
                            file: unit.planFile,
                            absolutePath: planPath,
                            text: edited,
                            changes: ["removed " + present.joined(separator: ", ")]
                        )
                    )
                }
            }
            for task in unit.tasks where task.status != .pending {
                let path = tree.absolutePath(task.file)
                let text = try read(path, file: task.file)
                let edited: String
                do {
                    edited = try FrontmatterEditor.set([("status", TaskStatus.pending.rawValue)], in: text)
                } catch {
                    throw .cannotReset(file: task.file, reason: "\(error)")
                }
                if edited != text {
                    edits.append(
                        Plan.Edit(
                            file: task.file,
                            absolutePath: path,
                            text: edited,
                            changes: ["status \(task.status.rawValue) -> pending"]
                        )
                    )
                }
            }
        }
        return edits
    }

    private static func read(_ path: String, file: String) throws(CleanupError) -> String {
        do {
            return try FileSystem.readText(path)
        } catch {
            throw .cannotReset(file: file, reason: error.reason)
        }
    }

    /// The report lines of a plan carried out without trouble.
    private static func entries(_ plan: Plan, display: (String) -> String) -> [CleanupReport.Entry] {
        var entries: [CleanupReport.Entry] = plan.prunable.map { .prunedRecord(path: display($0)) }
        for removal in plan.removals {
            if let worktree = removal.worktree {
                entries.append(.removedWorktree(path: display(worktree), branch: removal.branch))
            } else if let branch = removal.branch {
                entries.append(.deletedBranch(branch))
            }
        }
        entries += plan.kept.map { .kept(subject: $0.subject, reasons: $0.reasons) }
        entries += plan.edits.map { .resetFile(path: $0.file, changes: $0.changes) }
        return entries
    }

    private func report(_ plan: Plan, dryRun: Bool, entries: [CleanupReport.Entry]) -> CleanupReport {
        CleanupReport(
            targetBranch: plan.target,
            worktreeBase: display(worktreeBase),
            dryRun: dryRun,
            entries: entries
        )
    }

    // MARK: Carrying out

    /// Carries out `plan`; anything that cannot be removed after all is reported as kept, with git's reason.
    private func carryOut(_ plan: Plan) async -> [CleanupReport.Entry] {
        let git = self.git
        let targetRef = "refs/heads/" + plan.target
        var pruned: [CleanupReport.Entry] = []
        var removed: [CleanupReport.Entry] = []
        var kept: [CleanupReport.Entry] = plan.kept.map { .kept(subject: $0.subject, reasons: $0.reasons) }
        var notes: [CleanupReport.Entry] = []

        if !plan.prunable.isEmpty {
            do {
                try await git.pruneWorktrees()
                pruned = plan.prunable.map { .prunedRecord(path: display($0)) }
            } catch {
                notes.append(.problem("`git worktree prune` failed: \(error)"))
            }
        }

        var branchesToDelete: [(branch: String, tip: String?, worktree: String?)] = []
        var removedAny = false
        for removal in plan.removals {
            guard let worktree = removal.worktree else {
                if let branch = removal.branch { branchesToDelete.append((branch, removal.tip, nil)) }
                continue
            }
            let subject = display(worktree) + (removal.branch.map { " (\($0))" } ?? "")
            // A pooled folder had its teardown when its unit landed.
            if !removal.pooled { notes += await runTeardown(in: worktree) }
            do {
                // Without --force: git itself refuses if anything changed since it was checked. A
                // pooled folder's files are choo's (its HEAD was checked to be on the target).
                try await git.removeWorktree(path: worktree, force: removal.pooled)
                removedAny = true
                if let branch = removal.branch {
                    branchesToDelete.append((branch, removal.tip, worktree))
                } else {
                    removed.append(.removedWorktree(path: display(worktree), branch: nil))
                }
            } catch {
                kept.append(.kept(subject: subject, reasons: ["git would not remove it: \(Self.message(error))"]))
            }
        }
        if removedAny { _ = try? await git.pruneWorktrees() }
        // An empty pool folder goes too.
        if (try? FileSystem.entries(of: poolFolder))?.isEmpty == true { try? effects.files.remove(poolFolder) }

        for (branch, tip, worktree) in branchesToDelete {
            do {
                // Checked again: the branch must still point where it did, and that must be on the target.
                guard let current = try await git.resolve("refs/heads/" + branch), current == tip || tip == nil,
                    try await git.isAncestor(current, of: targetRef)
                else {
                    let reason = "it changed while cleaning up; run choo cleanup again"
                    if let worktree {
                        removed.append(.removedWorktree(path: display(worktree), branch: nil))
                        kept.append(.kept(subject: branch, reasons: [reason]))
                    } else {
                        kept.append(.kept(subject: branch, reasons: [reason]))
                    }
                    continue
                }
                try await git.deleteBranch(branch)
                // choo's record of the unit's commits goes with its branch (a new branch starts a new one).
                if branch.hasPrefix("ralph/") {
                    try await git.deleteReference(BranchGuard.reference(for: String(branch.dropFirst("ralph/".count))))
                }
                if let worktree {
                    removed.append(.removedWorktree(path: display(worktree), branch: branch))
                } else {
                    removed.append(.deletedBranch(branch))
                }
            } catch {
                if let worktree { removed.append(.removedWorktree(path: display(worktree), branch: nil)) }
                kept.append(.kept(subject: branch, reasons: ["git would not delete it: \(Self.message(error))"]))
            }
        }

        var reset: [CleanupReport.Entry] = []
        for edit in plan.edits {
            do {
                try effects.files.write(edit.text, to: edit.absolutePath)
                reset.append(.resetFile(path: edit.file, changes: edit.changes))
            } catch {
                notes.append(.problem("could not write \(edit.file): \(error.reason)"))
            }
        }
        removed.sort { Self.order($0) < Self.order($1) }
        return pruned + removed + kept + reset + notes
    }

    /// Runs `worktree.teardown` in `worktree`; a command whose `if` file is missing is skipped.
    /// Best effort: failures become notes.
    private func runTeardown(in worktree: String) async -> [CleanupReport.Entry] {
        var notes: [CleanupReport.Entry] = []
        for command in teardown {
            if let condition = command.condition, !FileSystem.exists(worktree + "/" + condition) { continue }
            var spec = ProcessSpec.shell(command.command, in: worktree, timeout: teardownTimeout)
            spec.environment = environment
            do {
                let outcome = try await effects.runner.run(spec)
                if !outcome.succeeded {
                    notes.append(
                        .note("teardown command `\(command.command)` did not succeed in \(display(worktree))")
                    )
                }
            } catch {
                notes.append(.note("teardown command `\(command.command)` could not start: \(error)"))
            }
        }
        return notes
    }

    /// Sort key keeping removed worktrees before deleted branches, as planned.
    private static func order(_ entry: CleanupReport.Entry) -> String {
        switch entry {
        case .removedWorktree(let path, _): "0" + path
        case .deletedBranch(let branch): "1" + branch
        default: "2"
        }
    }

    /// Git's own message for a failed command, else the error's description.
    private static func message(_ error: any Error) -> String {
        if case GitError.failed(_, _, let output)? = error as? GitError { return output }
        return "\(error)"
    }
}
