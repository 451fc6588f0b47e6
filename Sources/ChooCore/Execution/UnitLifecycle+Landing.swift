import Foundation

extension UnitLifecycle {
    /// Lands `unit` on the target branch: brings its branch up to date with the target's current
    /// tip in the unit's own worktree (rebase, or merge with `merge.strategy: merge`), lets the
    /// agent resolve conflicts, runs the unit's backpressure commands and baseline checks again on
    /// the result, and only if they pass moves the target by fast-forward with a compare-and-swap
    /// (retrying when someone else moved it meanwhile). Then removes the worktree and branch,
    /// unless `worktree.keep`. The main worktree is never used to build the merge.
    public func land(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.MergeResult {
        switch await Self.ending({
            if let github = context.github {
                try await landOnGitHub(unit: unit, github: github, shutdown: shutdown)
            } else {
                try await landOrThrow(unit: unit)
            }
        }) {
        case .done: return .merged
        case .failed(let reason): return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// How many times landing starts over because the target moved meanwhile.
    static let landingRounds = 5

    private func landOrThrow(unit: String) async throws {
        let worktree = context.worktreeBase + "/" + unit
        let branch = Self.branch(for: unit)
        let target = context.targetBranch
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        let git = Git(repository: worktree, runner: context.runner, environment: ["GIT_EDITOR": "true"])
        try await rollBackUnfinishedMerge(unit: unit, git: git)
        for _ in 1 ... Self.landingRounds {
            if Task.isCancelled { throw Stop.interrupted }
            guard let tip = try await repository.resolve("refs/heads/" + target) else {
                throw Stop.failed("the target branch `\(target)` no longer exists")
            }
            try await bringUpToDate(unit: unit, git: git, onto: tip, worktree: worktree)
            try await revalidate(unit: unit, worktree: worktree)
            guard let landed = try await git.resolve("HEAD") else {
                throw Stop.failed("the worktree at \(worktree) has no HEAD commit")
            }
            if try await moveTarget(from: tip, to: landed, repository: repository) {
                context.bus.publish(
                    Event(.unitMerged(.init(commit: landed, target: target, branch: branch)), unit: unit)
                )
                return
            }
            context.bus.publish(
                Event(
                    .unitMergeUpdated(.init(retry: true, reason: "`\(target)` moved while landing; starting over")),
                    unit: unit
                )
            )
        }
        throw Stop.failed(
            "`\(target)` kept moving while \(unit) was being landed (\(Self.landingRounds) tries); its work is kept on "
                + "\(branch). Run again to land it."
        )
    }

    // MARK: Bringing the branch up to date

    func bringUpToDate(unit: String, git: Git, onto tip: String, worktree: String) async throws {
        if try await git.isAncestor(tip, of: "HEAD") { return }
        let guardian = branchGuard(unit: unit, worktree: worktree)
        let before = try await guardian.recorded()
        let resolvedByAgent = try await updateBranch(unit: unit, git: git, onto: tip, worktree: worktree)
        if let before { try await checkNothingLost(unit: unit, git: git, before: before, tip: tip) }
        if let before, resolvedByAgent, !context.config.verify.agentMayEditSpecs {
            let reference = try await referenceUnit(unit: unit, worktree: worktree, commit: before)
            let now = try reload(unit: unit, worktree: worktree)
            if Self.checks(of: now) != Self.checks(of: reference) {
                try await git.run(["reset", "--hard", "--quiet", before])
                throw Stop.failed(
                    "resolving the merge conflicts changed the checks or dependencies of \(unit)'s tasks; nothing "
                        + "was landed and \(Self.branch(for: unit)) is back at `\(before.prefix(8))`. Run again to retry"
                )
            }
        }
        try await guardian.record()
    }

    /// What of a unit decides whether its work is done: each task's number, file, check and
    /// dependencies, and the unit's own dependencies.
    static func checks(of unit: Unit) -> [String] {
        ["depends_on: " + unit.dependsOn.joined(separator: ",")]
            + unit.tasks.map { task in
                "\(task.number ?? -1) \(task.file) \(task.backpressure ?? "") \(task.dependsOn.map(String.init))"
            }
    }

    /// After the branch was brought up to date: every commit choo had made on it must still be
    /// there (as itself after a merge, by its subject after a rebase), or nothing lands.
    private func checkNothingLost(unit: String, git: Git, before: String, tip: String) async throws {
        if try await git.isAncestor(before, of: "HEAD") { return }
        let rebased = Set(try await git.log(tip + "..HEAD").map(\.subject))
        let lost = try await git.log(tip + ".." + before).filter { !rebased.contains($0.subject) }
        guard !lost.isEmpty else { return }
        try await git.run(["reset", "--hard", "--quiet", before])
        throw Stop.failed(
            "bringing \(Self.branch(for: unit)) up to date with `\(context.targetBranch)` lost "
                + lost.map { "`\($0.sha.prefix(8))` \($0.subject)" }.joined(separator: ", ")
                + "; nothing was landed and the branch is back at `\(before.prefix(8))`. Run again to retry"
        )
    }

    /// Rebases or merges the branch onto `tip`, letting the agent resolve conflicts; whether it had to.
    private func updateBranch(unit: String, git: Git, onto tip: String, worktree: String) async throws -> Bool {
        let strategy = context.config.merge.strategy
        let command = strategy == .merge ? ["merge", "--no-edit", tip] : ["rebase", tip]
        context.bus.publish(
            Event(.unitMergeUpdated(.init(onto: tip, strategy: strategy)), unit: unit)
        )
        var conflicts: [String]
        do {
            try await git.run(command)
            return false
        } catch {
            conflicts = try await conflictedFiles(git)
            if conflicts.isEmpty {
                await abort(git)
                throw Stop.failed(
                    "bringing \(Self.branch(for: unit)) up to date with `\(context.targetBranch)` failed: \(error)"
                )
            }
        }
        let limit = max(1, context.config.merge.maxConflictRetries)
        var attempt = 0
        var problem: String?
        while !conflicts.isEmpty {
            attempt += 1
            if attempt > limit {
                await abort(git)
                throw Stop.failed(
                    "merge conflicts in \(conflicts.joined(separator: ", ")) could not be resolved after \(limit) "
                        + "attempts; the unit's work is kept on \(Self.branch(for: unit)) and its worktree"
                )
            }
            context.bus.publish(
                Event(.unitMergeConflict(.init(files: conflicts, attempt: attempt)), unit: unit)
            )
            // The spec files git merged cleanly are not the agent's to change while it resolves the rest.
            let protected = try await cleanlyMergedSpecFiles(worktree: worktree)
            let prompt = try await conflictPrompt(unit: unit, files: conflicts, worktree: worktree, problem: problem)
            let outcome = try await invokeAgent(
                unit: unit,
                task: nil,
                attempt: attempt,
                turn: .conflict,
                prompt: prompt,
                worktree: worktree
            )
            if outcome.stoppedBecause == .cancelled {
                await abort(git)
                throw Stop.interrupted
            }
            if let undone = try await undoSpecChangesDuringConflict(
                unit: unit,
                worktree: worktree,
                protected: protected
            ) {
                problem = undone
                continue
            }
            let found = ConflictMarkers.find(in: conflicts, worktree: worktree, check: .everywhere)
            if !found.isEmpty {
                problem =
                    "Conflict markers are still in these lines:\n"
                    + found.prefix(20).map { "  \($0)" }.joined(separator: "\n") + "\nRemove every one."
                continue
            }
            try await git.run(["add", "-A"])
            do {
                if strategy == .merge {
                    try await git.run(["commit", "--no-edit"])
                } else {
                    try await git.run(["rebase", "--continue"])
                }
                conflicts = []
            } catch {
                conflicts = try await conflictedFiles(git)
                problem = nil
                if conflicts.isEmpty {
                    await abort(git)
                    throw Stop.failed("continuing after resolving conflicts failed: \(error)")
                }
            }
        }
        return true
    }

    /// A landing that was interrupted half-way (choo killed during a rebase or merge) leaves the
    /// worktree mid-operation; abort it so landing starts from the unit's own commits again.
    func rollBackUnfinishedMerge(unit: String, git: Git) async throws {
        var unfinished: [String] = []
        let markers = [("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge")]
        // One git process answers for all three markers, a line each, in order.
        let paths = try await git.run(["rev-parse"] + markers.flatMap { ["--git-path", $0.0] })
            .split(separator: "\n").map(String.init)
        for ((_, command), path) in zip(markers, paths) {
            let absolute = FileSystem.absolute(path, relativeTo: git.repository)
            if FileSystem.exists(absolute), !unfinished.contains(command) { unfinished.append(command) }
        }
        for command in unfinished {
            _ = try? await git.run([command, "--abort"])
            context.bus.publish(
                Event(
                    .unitMergeUpdated(.init(rolledBack: command)),
                    unit: unit,
                    error: "a \(command) interrupted earlier was rolled back; landing starts over"
                )
            )
        }
    }

    private func conflictedFiles(_ git: Git) async throws -> [String] {
        try await git.run(["diff", "--name-only", "--diff-filter=U"]).split(separator: "\n").map(String.init)
    }

    private func abort(_ git: Git) async {
        let command = context.config.merge.strategy == .merge ? ["merge", "--abort"] : ["rebase", "--abort"]
        _ = try? await git.run(command)
    }

    /// The spec files of the index (as git merged them) that have no conflict, with their objects.
    private func cleanlyMergedSpecFiles(worktree: String) async throws -> [String: TreeEntry] {
        guard !context.config.verify.agentMayEditSpecs else { return [:] }
        let git = Git(repository: worktree, runner: context.runner)
        let output = try await git.run(["ls-files", "--stage", "-z", "--full-name"])
        var entries: [String: TreeEntry] = [:]
        var conflicted: Set<String> = []
        for record in output.split(separator: "\0") {
            // `<mode> SP <object> SP <stage> TAB <path>`
            guard let tab = record.firstIndex(of: "\t") else { continue }
            let fields = record[..<tab].split(separator: " ")
            let path = String(record[record.index(after: tab)...])
            guard fields.count == 3, SpecGuard.isSpecPath(path, tasksDirectory: context.tasksDirectory) else {
                continue
            }
            if fields[2] != "0" {
                conflicted.insert(path)
                continue
            }
            entries[path] = TreeEntry(mode: String(fields[0]), object: String(fields[1]), path: path)
        }
        return entries.filter { !conflicted.contains($0.key) }
    }

    /// Puts back the spec files in `protected` that the conflict-resolving agent changed; what to
    /// tell it, or `nil` when it changed none. Conflicted spec files are left to the resolution and
    /// checked once the unit's checks are compared with choo's record before landing.
    private func undoSpecChangesDuringConflict(
        unit: String,
        worktree: String,
        protected: [String: TreeEntry]
    ) async throws -> String? {
        guard !protected.isEmpty else { return nil }
        let guardian = specGuard(unit: unit, worktree: worktree)
        let changes = try await guardian.changes(from: protected, allowingStatusOf: nil, only: Set(protected.keys))
        guard !changes.isEmpty else { return nil }
        try await guardian.undo(changes, reference: protected)
        context.bus.publish(
            Event(
                .unitSpecRestored(.init(files: changes.map(\.path), stage: .conflict)),
                unit: unit,
                error: "the agent changed spec files while resolving a conflict; choo put them back: "
                    + changes.map(\.description).joined(separator: "; ")
            )
        )
        return "You changed spec files that had no conflict: " + changes.map(\.description).joined(separator: "; ")
            + ". choo put them back. Resolve only the conflicted files."
    }

    private func conflictPrompt(unit: String, files: [String], worktree: String, problem: String?) async throws
        -> String
    {
        let current = try reload(unit: unit, worktree: worktree)
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        let target = context.targetBranch
        let base = (try? await repository.run(["merge-base", target, Self.branch(for: unit)])) ?? ""
        let landed = base.isEmpty ? [] : ((try? await repository.log(base + ".." + target)) ?? [])
        let checks = checkList(of: current)
        var text = """
            You are a coding agent resolving a merge conflict in a git worktree of this repository.

            Unit `\(unit)`\(current.title.map { " (\($0))" } ?? "") is being brought up to date with the branch \
            `\(target)`, which has moved on since the unit started. These files have conflicts:

            \(files.map { "- `\($0)`" }.joined(separator: "\n"))

            What this unit did: \(current.tasks.map(\.displayName).joined(separator: "; ")). Its plan is \
            `\(current.planFile)`.

            """
        if !landed.isEmpty {
            text += "What landed on `\(target)` meanwhile:\n\n"
            text += landed.suffix(30).map { "- \($0.subject)" }.joined(separator: "\n") + "\n\n"
        }
        if let problem { text += "Your previous attempt did not finish: \(problem)\n\n" }
        text += """
            Resolve every conflict so that both sides' intent is kept, and remove every conflict marker \
            (`<<<<<<<`, `=======`, `>>>>>>>`). These checks must pass afterwards, run from the repository root:

            \(checks.map { "- \($0)" }.joined(separator: "\n"))

            Do not commit and do not run git rebase, merge or commit: choo continues the merge itself. Stop when \
            the files are resolved.

            """
        return text
    }

    // MARK: Checking the result and moving the target

    /// Runs every task's backpressure command and the baseline checks on the updated branch.
    func revalidate(unit: String, worktree: String) async throws {
        if let failure = try await failingCheck(unit: unit, worktree: worktree, stage: .landing) {
            throw Stop.failed(
                "after bringing \(Self.branch(for: unit)) up to date with `\(context.targetBranch)`, \(failure); "
                    + "nothing was landed"
            )
        }
    }

    /// Runs every task's backpressure command, then the baseline checks that apply, in `worktree`;
    /// says which failed and how (with the end of its output), or `nil` when all pass.
    /// The checks are the reference's (choo's last commit), not whatever the worktree holds now, and
    /// they see exactly the commit that lands: untracked files wait outside the worktree meanwhile.
    func failingCheck(unit: String, worktree: String, stage: Event.Baseline.Stage) async throws -> String? {
        var known: WorktreeStatus? = try await Git(repository: worktree, runner: context.runner)
            .status(includingIgnored: true)
        let current = try await referenceUnit(unit: unit, worktree: worktree, status: known)
        for task in current.tasks {
            guard let command = task.backpressure else { continue }
            // Each check after the first looks again: the one before may have left files.
            defer { known = nil }
            let outcome = try await checkShell(command, unit: unit, worktree: worktree, known: known)
            if !outcome.succeeded {
                return "the check `\(command)` of task #\(task.number ?? 0) \(Self.describe(outcome)). Output: "
                    + QuotedOutput.quote(outcome.output, limit: 2000)
            }
        }
        let failures = try await baselineFailures(
            try await applicableBaselineChecks(in: worktree),
            unit: unit,
            worktree: worktree,
            stage: stage
        )
        if failures.isEmpty { return nil }
        return "baseline checks fail: "
            + failures.map { "\($0.name) (`\($0.command)` \($0.status))" }.joined(separator: ", ")
    }

    /// The unit's checks as a prompt lists them: each task's backpressure command and each baseline check.
    func checkList(of unit: Unit) -> [String] {
        var checks = unit.tasks.compactMap { task in task.backpressure.map { "`\($0)` (task #\(task.number ?? 0))" } }
        checks += context.config.baselineChecks.map { "`\($0.command)` (baseline check \($0.name))" }
        return checks
    }

    /// Moves the target from `tip` to `landed`, only by fast-forward and only if it still points at
    /// `tip`. A checkout of the target (the user's or another worktree) is fast-forwarded with it.
    /// Returns false when the target moved meanwhile.
    func moveTarget(from tip: String, to landed: String, repository: Git) async throws -> Bool {
        let target = context.targetBranch
        let checkout = try await repository.worktrees().first { $0.branch == target }
        do {
            if let checkout {
                try await Git(repository: checkout.path, runner: context.runner).run(
                    ["merge", "--ff-only", "--quiet", landed])
            } else {
                try await repository.run(["update-ref", "refs/heads/" + target, landed, tip])
            }
            return true
        } catch {
            if try await repository.resolve("refs/heads/" + target) != tip { return false }
            let place = checkout.map { " in the checkout at \($0.path)" } ?? ""
            throw Stop.failed(
                "could not move `\(target)`\(place) to the landed commit: \(error). If that checkout has local "
                    + "changes to the same files, commit or stash them and run again."
            )
        }
    }

    /// After `unit` landed: runs `worktree.teardown`, then removes its worktree and deletes its
    /// branch, only when the branch's tip is contained in the target; nothing with `worktree.keep`.
    /// A failure is reported as an event; the landed work is safe either way.
    public func cleanUp(unit: String) async {
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        do {
            try await cleanUp(
                unit: unit,
                worktree: context.worktreeBase + "/" + unit,
                branch: Self.branch(for: unit),
                repository: repository
            )
        } catch {
            context.bus.publish(Event(.unitCleanupFailed, unit: unit, error: "\(error)"))
        }
    }

    private func cleanUp(unit: String, worktree: String, branch: String, repository: Git) async throws {
        guard !context.config.worktree.keep else { return }
        await runTeardown(unit: unit, worktree: worktree)
        guard let tip = try await repository.resolve("refs/heads/" + branch) else { return }
        // A squash or rebase merge on GitHub holds the unit's work without its commits: the branch
        // may go when its tip is the head GitHub merged.
        if context.github?.pullRequests.mergedHead(of: unit) != tip {
            guard try await repository.isAncestor(tip, of: "refs/heads/" + context.targetBranch) else { return }
        }
        try await context.repositoryLock.withLock {
            try await repository.removeWorktree(path: worktree, force: true)
            try await repository.deleteBranch(branch)
        }
        try await repository.deleteReference(BranchGuard.reference(for: unit))
    }
}
