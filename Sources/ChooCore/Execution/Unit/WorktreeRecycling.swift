import Foundation

/// Recycling worktree folders between units (`worktree.reuse`): a landed unit's folder goes to the
/// run's ``WorktreePool`` when it holds nothing the target lacks, and a unit that needs a new
/// worktree takes one from there, so git writes only the files that differ from the last unit's.
///
/// A pooled folder is a worktree git knows, under `<base>/.pool/`, with its HEAD detached at a
/// commit on the target: no branch, so git never sees a branch in two worktrees, and nothing that
/// looks like unlanded work if the run is killed. Under the repository lock only git's records
/// change (HEAD files, `worktree move`, branch refs); files are rewritten and cleaned outside it.
struct WorktreeRecycling: UnitPart {
    let work: UnitWork

    /// The pool's folder.
    private var poolFolder: String { context.worktreeBase + "/" + WorktreePool.folderName }
    private var branch: String { work.branch }
    private var targetReference: String { "refs/heads/" + context.targetBranch }

    // MARK: Taking

    /// Makes the unit's worktree from a pooled folder: switched to the target's tip (only the files
    /// that differ are written), cleaned of untracked files (and ignored ones, unless
    /// `worktree.keep_ignored`), moved to the unit's path and put on its new branch. Only for a
    /// unit with neither folder nor branch yet; `false` when nothing was taken (the unit's
    /// worktree is then made as usual). A pooled folder that fails a check is left for cleanup.
    func takePooled() async throws -> Bool {
        let files = context.effects.files
        guard context.config.worktree.reuse, !files.exists(worktree),
            try await !work.repository.branchExists(branch)
        else { return false }
        while let folder = await context.worktreePool.take(listing: poolFolder, files: files) {
            guard try await isRecyclable(folder) else { continue }
            do {
                guard try await recycle(folder) else {
                    context.worktreePool.putBack(folder)
                    return false
                }
                context.worktreePool.markRecycled(unit)
                return true
            } catch {
                // What was done is safe (see recycle); the unit's worktree is made as usual.
                return false
            }
        }
        return false
    }

    /// Whether the pooled `folder` can be recycled: a worktree git knows, not locked, with a
    /// detached HEAD on the target and no operation in progress. Its files do not matter: they
    /// are switched and cleaned.
    private func isRecyclable(_ folder: String) async throws -> Bool {
        let canonical = Git.canonical(folder)
        guard
            let entry = try await work.repository.worktrees().first(where: { Git.canonical($0.path) == canonical }),
            !entry.isPrunable, !entry.isLocked, entry.branch == nil, !entry.head.isEmpty
        else { return false }
        let git = Git(repository: folder, runner: context.runner)
        guard try await git.operationInProgress() == nil else { return false }
        return try await work.repository.isAncestor(entry.head, of: targetReference)
    }

    /// Recycles the pooled `folder` for the unit; `false` when the unit's path or branch appeared
    /// meanwhile. Every state a kill leaves is one a rerun meets: the folder still pooled (its HEAD
    /// detached on the target); the new branch at the target's tip with no worktree (resumed as an
    /// empty branch); the folder at the unit's path with HEAD detached at the branch's tip
    /// (attached at the next start, see ``WorktreeManager``).
    private func recycle(_ folder: String) async throws -> Bool {
        let repository = work.repository
        let pooled = Git(repository: folder, runner: context.runner)
        guard let tip = try await repository.resolve(targetReference) else { return false }
        // The files, outside the lock: the earlier unit's setup exclusions go first, so what its
        // setup made is cleaned like any untracked file.
        try await pooled.resetWorktreeExclude()
        try await pooled.switchDetached(to: tip)
        try await pooled.removeUntracked(ignored: !context.config.worktree.keepIgnored)
        // git's records, under the lock.
        let files = context.effects.files
        return try await context.repositoryLock.withLock { () async throws -> Bool in
            guard !files.exists(worktree), try await !repository.branchExists(branch) else { return false }
            try await repository.createBranch(branch, at: tip)
            try await repository.moveWorktree(folder, to: worktree)
            try await work.git().attachHead(to: branch)
            return true
        }
    }

    /// For a caller holding the repository lock, at a unit's start: a worktree at the unit's path
    /// with its HEAD detached at the tip of the unit's branch is a recycled folder a killed run
    /// moved there but did not attach: it is attached now (no file changes).
    func attachInterrupted() async throws {
        let git = work.git()
        guard try await git.currentBranch() == nil, let head = try await git.resolve("HEAD"),
            try await work.repository.resolve("refs/heads/" + branch) == head
        else { return }
        try await git.attachHead(to: branch)
    }

    // MARK: Pooling

    /// After the unit landed (its branch at `tip`, on the target or the head GitHub merged): puts
    /// its worktree in the pool instead of removing it, and deletes the branch; the folder in the
    /// pool, or `nil` when it was not pooled.
    /// Only when `worktree.reuse` is on, the pool has room (`parallelism` folders), and the
    /// worktree holds nothing beyond the target: HEAD on the branch at `tip`, nothing uncommitted or
    /// untracked (ignored files aside), no operation in progress, not locked. Otherwise nothing
    /// changes and the caller removes it as usual.
    func pool(tip: String, containedInTarget: Bool, landedHead: String?) async throws -> String? {
        let files = context.effects.files
        let pool = context.worktreePool
        guard context.config.worktree.reuse,
            pool.reserve(limit: max(1, context.config.parallelism), listing: poolFolder, files: files)
        else { return nil }
        var destination: String?
        defer { if destination == nil { pool.release() } }
        guard let detachAt = try await recyclablePoint(tip: tip, containedInTarget: containedInTarget, landedHead)
        else {
            return nil
        }
        let target = poolFolder + "/" + unit + "-" + UUID().uuidString.prefix(8).lowercased()
        try files.createDirectory(poolFolder)
        let repository = work.repository
        let git = work.git()
        let moved = try await context.repositoryLock.withLock { () async throws -> Bool in
            try await git.detachHead(at: detachAt)
            do {
                try await repository.moveWorktree(worktree, to: target)
            } catch {
                // Left detached at its landed commit: removed as usual.
                return false
            }
            try await repository.deleteBranch(branch)
            return true
        }
        guard moved else { return nil }
        destination = target
        pool.add(target)
        return target
    }

    /// The commit on the target to detach the worktree at, when it holds nothing else: `tip` when
    /// the target contains it; for a squash or rebase merge on GitHub (`tip` is the head merged,
    /// not on the target) the target's tip when its files are the tip's; `nil` otherwise.
    private func recyclablePoint(tip: String, containedInTarget: Bool, _ landedHead: String?) async throws -> String? {
        let git = work.git()
        guard let head = try await git.headState(reading: "refs/heads/" + branch), head.head == tip,
            head.reference == tip, head.attachedTo == "refs/heads/" + branch, head.operations.isEmpty
        else { return nil }
        guard try await !git.hasUncommittedChanges() else { return nil }
        let canonical = Git.canonical(worktree)
        let entry = try await work.repository.worktrees().first { Git.canonical($0.path) == canonical }
        guard let entry, !entry.isLocked else { return nil }
        if containedInTarget { return tip }
        guard tip == landedHead, let targetTip = try await work.repository.resolve(targetReference),
            try await work.repository.tree(of: targetTip) == work.repository.tree(of: tip)
        else { return nil }
        return targetTip
    }
}
