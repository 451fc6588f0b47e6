import Foundation

/// Bringing a unit's branch up to date with the target before it lands (rebase, or merge with
/// `merge.strategy: merge`), in the unit's own worktree: the agent resolves conflicts, spec files
/// that merged cleanly stay as merged, nothing choo committed may be lost, and the result is
/// checked again. Also rolls back a rebase or merge a killed run left half-way.
struct BranchUpdate: UnitPart {
    let work: UnitWork

    /// Rebases or merges the unit's branch onto `tip` (the target's tip) unless it contains it
    /// already, with the agent resolving conflicts; puts the branch back and stops when a commit
    /// choo made would be lost or the resolution changed the unit's checks.
    func bringUpToDate(onto tip: String) async throws {
        let git = work.git(editor: true)
        if try await git.isAncestor(tip, of: "HEAD") { return }
        let guardian = guards.branchGuard
        let before = try await guardian.recorded()
        let resolvedByAgent = try await updateBranch(git: git, onto: tip)
        if let before { try await checkNothingLost(git: git, before: before, tip: tip) }
        if let before, resolvedByAgent, !context.config.verify.agentMayEditSpecs {
            let reference = try await guards.referenceUnit(commit: before)
            let now = try work.reload()
            if Self.checks(of: now) != Self.checks(of: reference) {
                try await git.resetHard(to: before)
                throw UnitStop.failed(
                    "resolving the merge conflicts changed the checks or dependencies of \(unit)'s tasks; nothing "
                        + "was landed and \(work.branch) is back at `\(before.prefix(8))`. Run again to retry"
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
    private func checkNothingLost(git: Git, before: String, tip: String) async throws {
        if try await git.isAncestor(before, of: "HEAD") { return }
        let rebased = Set(try await git.log(tip + "..HEAD").map(\.subject))
        let lost = try await git.log(tip + ".." + before).filter { !rebased.contains($0.subject) }
        guard !lost.isEmpty else { return }
        try await git.resetHard(to: before)
        throw UnitStop.failed(
            "bringing \(work.branch) up to date with `\(context.targetBranch)` lost "
                + lost.map { "`\($0.sha.prefix(8))` \($0.subject)" }.joined(separator: ", ")
                + "; nothing was landed and the branch is back at `\(before.prefix(8))`. Run again to retry"
        )
    }

    /// Rebases or merges the branch onto `tip`, letting the agent resolve conflicts; whether it had to.
    private func updateBranch(git: Git, onto tip: String) async throws -> Bool {
        let strategy = context.config.merge.strategy
        context.bus.publish(
            Event(.unitMergeUpdated(.init(onto: tip, strategy: strategy)), unit: unit)
        )
        var conflicts: [String]
        do {
            let started = try await strategy == .merge ? git.merge(tip) : git.rebase(onto: tip)
            guard case .conflicted(let files) = started else { return false }
            conflicts = files
        } catch {
            await abort(git)
            throw UnitStop.failed("bringing \(work.branch) up to date with `\(context.targetBranch)` failed: \(error)")
        }
        let limit = max(1, context.config.merge.maxConflictRetries)
        var attempt = 0
        var problem: String?
        while !conflicts.isEmpty {
            attempt += 1
            if attempt > limit {
                await abort(git)
                throw UnitStop.failed(
                    "merge conflicts in \(conflicts.joined(separator: ", ")) could not be resolved after \(limit) "
                        + "attempts; the unit's work is kept on \(work.branch) and its worktree"
                )
            }
            context.bus.publish(
                Event(.unitMergeConflict(.init(files: conflicts, attempt: attempt)), unit: unit)
            )
            // The spec files git merged cleanly are not the agent's to change while it resolves the rest.
            let protected = try await cleanlyMergedSpecFiles()
            let prompt = try await conflictPrompt(files: conflicts, problem: problem)
            let outcome = try await agent.invoke(
                task: nil,
                attempt: attempt,
                turn: .conflict,
                prompt: prompt
            )
            if outcome.stoppedBecause == .cancelled {
                await abort(git)
                throw UnitStop.interrupted
            }
            if let undone = try await undoSpecChangesDuringConflict(protected: protected) {
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
            try await git.stageAll()
            do {
                switch try await git.continueOperation() {
                case .done: conflicts = []
                case .conflicted(let files):
                    conflicts = files
                    problem = nil
                }
            } catch {
                await abort(git)
                throw UnitStop.failed("continuing after resolving conflicts failed: \(error)")
            }
        }
        return true
    }

    /// A landing that was interrupted half-way (choo killed during a rebase or merge) leaves the
    /// worktree mid-operation; abort it so landing starts from the unit's own commits again.
    func rollBackUnfinishedOperation() async throws {
        for kind in try await work.git(editor: true).abortOperation() {
            work.publish(
                .unitMergeUpdated(.init(rolledBack: kind.rawValue)),
                error: "a \(kind.rawValue) interrupted earlier was rolled back; landing starts over"
            )
        }
    }

    private func abort(_ git: Git) async { _ = try? await git.abortOperation() }

    /// The spec files of the index (as git merged them) that have no conflict, with their objects.
    private func cleanlyMergedSpecFiles() async throws -> [String: TreeEntry] {
        guard !context.config.verify.agentMayEditSpecs else { return [:] }
        var entries: [String: TreeEntry] = [:]
        var conflicted: Set<String> = []
        for entry in try await work.git().indexEntries()
        where SpecGuard.isSpecPath(entry.path, tasksDirectory: context.tasksDirectory) {
            if entry.stage != 0 {
                conflicted.insert(entry.path)
            } else {
                entries[entry.path] = TreeEntry(mode: entry.mode, object: entry.object, path: entry.path)
            }
        }
        return entries.filter { !conflicted.contains($0.key) }
    }

    /// Puts back the spec files in `protected` that the conflict-resolving agent changed; what to
    /// tell it, or `nil` when it changed none. Conflicted spec files are left to the resolution and
    /// checked once the unit's checks are compared with choo's record before landing.
    private func undoSpecChangesDuringConflict(protected: [String: TreeEntry]) async throws -> String? {
        guard !protected.isEmpty else { return nil }
        let guardian = guards.specGuard
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

    private func conflictPrompt(files: [String], problem: String?) async throws
        -> String
    {
        let current = try work.reload()
        let repository = work.repository
        let target = context.targetBranch
        var landed: [Commit] = []
        if let base = try? await repository.mergeBase(target, work.branch) {
            landed = (try? await repository.log(base + ".." + target)) ?? []
        }
        let checks = baseline.checkList(of: current)
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

    /// Runs every task's backpressure command and the baseline checks on the updated branch.
    func revalidate() async throws {
        if let failure = try await baseline.failingCheck(stage: .landing) {
            throw UnitStop.failed(
                "after bringing \(work.branch) up to date with `\(context.targetBranch)`, \(failure); "
                    + "nothing was landed"
            )
        }
    }
}
