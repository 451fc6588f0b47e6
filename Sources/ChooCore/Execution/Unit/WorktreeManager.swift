import Foundation

/// A unit's worktree and branch: made (or taken, when prepared ahead while the unit waited for a
/// slot), reused when an earlier run left them, a folder git does not know moved aside, and the
/// `worktree.setup` commands run in it with what they make kept out of every commit.
struct WorktreeManager: UnitPart {
    let work: UnitWork

    /// The worktree's folder.
    private var path: String { work.path }

    /// Makes `unit`'s worktree and branch before the unit starts, so the slot it later gets goes
    /// straight to work. Called for ready units waiting for a slot; a failure is left for
    /// ``UnitLifecycle/run(unit:shutdown:)`` to meet again and report.
    func prepareAhead(dependenciesLanded: Bool = false) async {
        let prepared = context.preparedWorktrees
        // A unit that started meanwhile has its worktree, and may have an agent working in it.
        guard prepared.begin(unit: unit) else { return }
        var resumed: Bool?
        do {
            resumed = try await makeWorktree()
            // Made from a target that holds all it depends on: its start is where it stands now,
            // recorded before any other unit's agent could have been near it.
            if dependenciesLanded, resumed == false {
                try await guards.branchGuard.record()
                prepared.markRecorded(unit: unit)
            }
            // What ignores files before any agent ran in the worktree; choo trusts those rules.
            context.records.setIgnoreFiles(try await IgnoreGuard(git: work.git()).untrackedIgnoreFiles(), for: unit)
            // Where its git folders are, which the first turn's review reads: found now, not then.
            let folders = try await work.git().gitDirectories()
            context.records.setGitFolders(folders, of: path)
            // Nothing of the unit's own runs in it before its first turn: what it holds now is what
            // that turn's review would find, as long as nothing changes it meanwhile.
            if dependenciesLanded, resumed == false, context.config.worktree.setup.isEmpty {
                try await seal(gitFolder: folders.git)
            }
        } catch {
            resumed = nil
        }
        prepared.finish(unit: unit, resumed: resumed)
    }

    /// Seals the prepared worktree, then takes its `git status`: while the seal holds, that status
    /// is what a look at the unit's start would see (``unchangedSinceSealed()``). The watch is made
    /// first, so a change made while the status runs breaks it.
    private func seal(gitFolder: String) async throws {
        let specFiles = SpecGuard.specFiles(in: path, tasksDirectory: context.tasksDirectory)
        guard let seal = TreeSeal(root: path, files: specFiles) else { return }
        let status = try await work.git().status(includingIgnored: true)
        context.preparedWorktrees.seal(
            unit: unit,
            .init(status: status, seal: seal, index: FileStamp(path: gitFolder + "/index"))
        )
    }

    /// The prepared worktree's sealed status, when nothing changed it since it was sealed: no file
    /// or folder under it (the seal), not its index, not HEAD nor the branch HEAD is on (read from
    /// their files). `nil` otherwise, and the first turn's review looks for itself.
    private func unchangedSinceSealed() -> WorktreeStatus? {
        guard let sealed = context.preparedWorktrees.takeSealed(unit: unit) else { return nil }
        defer { sealed.seal.close() }
        let status = sealed.status
        guard let folders = context.records.gitFolders(of: path), let head = status.head, let branch = status.branch,
            FileStamp(path: folders.git + "/index") == sealed.index,
            (try? FileSystem.readText(folders.git + "/HEAD")) == "ref: refs/heads/\(branch)\n",
            Git.headFromFiles(folders: folders) == head
        else { return nil }
        // Last: a change while the files above were read breaks it too.
        return sealed.seal.isUnbroken ? status : nil
    }

    /// How a unit's worktree came to be at its start.
    enum Start: Sendable, Hashable {
        /// Branch and worktree made just now: no agent has been near it.
        case fresh
        /// Made ahead by this run while other units' agents ran, which may have written into it:
        /// reviewed before the first turn like a resumed one. `unchanged`: the worktree's status
        /// when it was sealed, shown to be unchanged since, which that review takes as its own.
        case prepared(unchanged: WorktreeStatus?)
        /// The branch was there before this run: an earlier run's work, and what it left half-way.
        case resumed
    }

    /// Makes or takes `unit`'s worktree and records choo's commit for it.
    func start() async throws -> Start {
        let branch = work.branch
        let resumed: Bool
        var prepared = false
        // Whether the preparation recorded the start (its branch needed no catching up).
        var recorded = false
        // Whether another unit's agent left a git operation going in the prepared worktree.
        var operation = false
        var start: String?
        // A preparation in flight finishes first, and none starts after this.
        let taken = await context.preparedWorktrees.take(unit: unit)
        if let taken, context.effects.files.exists(path) {
            resumed = taken
            prepared = true
            // Prepared while the units it needs were being landed: its new branch (no commits of
            // its own) catches up with what landed meanwhile. One prepared once they had landed
            // starts where it stands (its start was recorded then); its landing catches it up.
            // Another unit's agent may have left a rebase or merge going in it, which would stop
            // the fast-forward: the git folder's files say (no process), and it is rolled back.
            if let folders = context.records.gitFolders(of: path),
                Git.operations(inGitDirectory: folders.git).contains(where: { $0.kind != .bisect })
            {
                operation = true
                try await update.rollBackUnfinishedOperation()
            }
            if !resumed, !context.preparedWorktrees.takeRecorded(unit: unit) {
                start = try await targetTip()
                if let start { try await work.git().fastForward(to: start) }
            } else if !resumed {
                recorded = true
            }
        } else {
            context.preparedWorktrees.takeSealed(unit: unit)?.seal.close()
            resumed = try await ProcessPriority.$niceness.withValue(Int32(context.config.unitNiceness)) {
                try await makeWorktree()
            }
        }
        // choo's record of the unit's work starts where the branch starts; a resumed unit keeps its own.
        let guardian = guards.branchGuard
        if resumed {
            try await guardian.recordResumed()
        } else if !recorded {
            try await guardian.record(start)
        }
        // A prepared worktree's ignore files were recorded when it was made, before other agents ran.
        if !prepared {
            context.records.setIgnoreFiles(try await IgnoreGuard(git: work.git()).untrackedIgnoreFiles(), for: unit)
        }
        let recycled = context.worktreePool.isRecycled(unit) ? true : nil
        context.bus.publish(
            Event(
                .unitWorktree(
                    .init(
                        path: path,
                        branch: branch,
                        resumed: resumed,
                        recycled: recycled,
                        prepared: prepared ? true : nil
                    )
                ),
                unit: unit
            )
        )
        // A run killed during a check left the worktree's untracked files aside: put them back.
        let stranded = guards.untrackedAside.restoreLeftovers()
        guards.publishStranded(stranded)
        guard !resumed else { return .resumed }
        guard prepared else { return .fresh }
        // Last, after everything above that might have written into it.
        let unchanged = unchangedSinceSealed()
        return .prepared(unchanged: recorded && !operation ? unchanged : nil)
    }

    /// The target branch's tip, read from its ref file when it is a loose ref in an ordinary `.git`
    /// folder (as choo's own landings leave it), else from git.
    private func targetTip() async throws -> String? {
        let reference = "refs/heads/" + context.targetBranch
        let common = context.repositoryRoot + "/.git"
        guard context.effects.files.kind(of: common) == .directory else {
            return try await work.repository.resolve(reference)
        }
        return try await work.repository.resolveReference(reference, commonDirectory: common)
    }

    /// Adds `unit`'s worktree (reusing one left by an earlier run, or recycling a landed unit's
    /// folder from the pool); whether its branch existed before. Only git's own bookkeeping holds
    /// the repository lock; the files are written after it, so units starting together check out
    /// side by side.
    private func makeWorktree() async throws -> Bool {
        if try await WorktreeRecycling(work: work).takePooled() { return false }
        let resumed = try await context.repositoryLock.withLock { try await makeWorktreeHoldingLock() }
        let git = work.git()
        if git.worktreeNeedsPopulating() { try await git.populateWorktree() }
        return resumed
    }

    /// ``makeWorktree()`` for a caller that holds the repository lock.
    private func makeWorktreeHoldingLock() async throws -> Bool {
        let git = work.repository
        let branch = work.branch
        try await setAsideUnknownFolder(git: git)
        let resumed = try await git.branchExists(branch)
        try await git.addWorktree(path: path, branch: branch, startPoint: context.targetBranch, checkout: false)
        return resumed
    }

    /// Makes an existing folder at a unit's worktree path usable again. A worktree git knows has any
    /// half-way rebase or merge rolled back. A folder git does not know is what a run killed while
    /// creating the worktree leaves behind: it is moved aside, never deleted, and reported.
    private func setAsideUnknownFolder(git: Git) async throws {
        guard context.effects.files.exists(path) else { return }
        let known = try await git.worktrees().contains { worktree in
            !worktree.isPrunable
                && FileSystem.absolute(worktree.path, relativeTo: "/") == FileSystem.absolute(path, relativeTo: "/")
        }
        if known {
            // A landing killed half-way leaves the worktree mid-rebase with a detached HEAD; roll it
            // back so the unit's branch is checked out there again and the worktree can be reused.
            try await update.rollBackUnfinishedOperation()
            try await WorktreeRecycling(work: work).attachInterrupted()
            return
        }
        let aside = context.worktreeBase + "/.set-aside/" + unit + "-" + Timestamp(work.now).description
        let files = context.effects.files
        try files.createDirectory(context.worktreeBase + "/.set-aside")
        try files.move(path, to: aside)
        try await git.pruneWorktrees()
        context.bus.publish(
            Event(
                .unitWorktree(.init(setAside: aside)),
                unit: unit,
                error: "\(path) was not a worktree git knows (a run was killed while creating it); moved to \(aside)"
            )
        )
    }

    /// Runs `worktree.setup`; what it makes that git would see (not ignored, not tracked) is kept out
    /// of every commit through the worktree's own exclude file.
    func runSetup() async throws {
        guard !context.config.worktree.setup.isEmpty else { return }
        let git = work.git()
        let before = Set(try await git.untrackedFiles(folders: true))
        for command in context.config.worktree.setup {
            if let condition = command.condition, !work.worktree.exists(condition) { continue }
            let outcome = try await work.shell(command.command)
            guard outcome.succeeded else {
                throw UnitStop.failed(
                    "setup command `\(command.command)` \(OutcomeText.describe(outcome))\n"
                        + QuotedOutput.quote(outcome.output, limit: 4096)
                )
            }
        }
        let made = try await git.untrackedFiles(folders: true).filter { !before.contains($0) }
        guard !made.isEmpty else { return }
        try await git.excludeInThisWorktree(made, configLock: context.repositoryLock)
        // These rules are choo's: checks trust them.
        context.records.setIgnoreFiles(try await IgnoreGuard(git: git).untrackedIgnoreFiles(), for: unit)
        context.bus.publish(
            Event(.unitSetupExcluded(.init(paths: Array(made.prefix(100)), count: made.count)), unit: unit)
        )
    }
}
