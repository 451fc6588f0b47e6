import Foundation

/// Removing a unit's worktree and branch when the run is done with it, as ``CleanupDecision``
/// decides; `worktree.teardown` runs first.
struct UnitCleanup: UnitPart {
    let work: UnitWork

    /// After the unit landed: runs `worktree.teardown`, then removes the worktree and deletes the
    /// branch and choo's record of it, if the decision says so; a worktree holding nothing beyond
    /// the target is put in the pool instead, for the next unit (`worktree.reuse`, see
    /// ``WorktreeRecycling``). `landedHead` is the landing strategy's (see
    /// ``LandingStrategy/landedHead(of:)``). The disk a kept or pooled worktree takes is recorded.
    func afterLanding(landedHead: String?) async throws {
        guard !context.config.worktree.keep else {
            recordDisk(of: worktree)
            return
        }
        await runTeardown()
        let repository = work.repository
        let tip = try await repository.resolve("refs/heads/" + work.branch)
        var contained = false
        if let tip, tip != landedHead {
            contained = try await repository.isAncestor(tip, of: "refs/heads/" + context.targetBranch)
        }
        let decision = CleanupDecision.afterLanding(
            keep: false,
            tip: tip,
            containedInTarget: contained,
            landedHead: landedHead
        )
        guard decision == .remove, let tip else { return }
        let recycling = WorktreeRecycling(work: work)
        if let pooled = try await recycling.pool(tip: tip, containedInTarget: contained, landedHead: landedHead) {
            try await repository.deleteReference(BranchGuard.reference(for: unit))
            recordDisk(of: pooled, pooled: true)
            return
        }
        // Its work is on the target. The folder is moved out of the way at once (a rename), git
        // forgets it under the lock, and its files are deleted after the lock, so other units'
        // worktrees are made meanwhile. A run killed in between leaves a record git prunes and a
        // folder under `.removing` the next clean-up deletes: nothing that looks like unlanded work.
        let files = context.effects.files
        let removing = context.worktreeBase + "/.removing"
        let moved = removing + "/" + unit + "-" + UUID().uuidString
        var away = false
        if (try? files.createDirectory(removing)) != nil, (try? files.move(worktree, to: moved)) != nil {
            away = true
        }
        try await context.repositoryLock.withLock {
            if away {
                try await repository.pruneWorktrees()
            } else {
                try await repository.removeWorktree(path: worktree, force: true)
            }
            try await repository.deleteBranch(work.branch)
        }
        try await repository.deleteReference(BranchGuard.reference(for: unit))
        // What this and earlier clean-ups moved aside: only landed units' worktrees are ever there.
        for name in (try? files.names(in: removing)) ?? [] { try? files.remove(removing + "/" + name) }
    }

    /// A unit prepared ahead that never started: removes its new worktree and branch if the
    /// decision says so (`resumed`: its branch existed before the run).
    func discardUnstarted(resumed: Bool) async throws {
        let repository = work.repository
        let tip = resumed ? nil : try await repository.resolve("refs/heads/" + work.branch)
        var contained = false
        var clean = false
        if let tip {
            contained = try await repository.isAncestor(tip, of: "refs/heads/" + context.targetBranch)
            if contained { clean = try await !work.git().hasUncommittedChanges() }
        }
        let decision = CleanupDecision.unstarted(resumed: resumed, tip: tip, containedInTarget: contained, clean: clean)
        guard decision == .remove else { return }
        try await context.repositoryLock.withLock {
            try await repository.removeWorktree(path: worktree, force: false)
            try await repository.deleteBranch(work.branch)
        }
        // A unit prepared once its dependencies had landed had its start recorded then.
        try await repository.deleteReference(BranchGuard.reference(for: unit))
    }

    /// Measures the worktree folder at `path` (outside any lock) and publishes what it takes on
    /// disk, its `.git` file left out.
    func recordDisk(of path: String, pooled: Bool = false) {
        guard let bytes = DiskUsage.bytes(of: path, excluding: [".git"]) else { return }
        work.publish(.unitWorktreeDisk(.init(path: path, bytes: bytes, pooled: pooled ? true : nil)))
    }

    /// Runs `worktree.teardown` in the worktree; its failures are ignored (the landed work is safe).
    func runTeardown() async {
        for command in context.config.worktree.teardown {
            if let condition = command.condition, !work.worktree.exists(condition) { continue }
            _ = try? await work.shell(command.command)
        }
    }
}
