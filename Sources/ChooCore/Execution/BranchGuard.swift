import Foundation

/// Keeps a unit's committed work from being lost to its agent. choo records the last commit it
/// made on the unit branch in a ref of its own, `refs/choo/units/<unit>`; after every agent turn,
/// if the branch no longer contains that commit or HEAD is no longer on the branch (a reset, a
/// rebase, another branch checked out, a detached HEAD, an operation left half-way), the branch is
/// put back. Commits the agent added on top are kept; uncommitted changes are carried over where
/// they apply, and the whole worktree as the agent left it is saved under `refs/choo/saved/...`
/// whenever something could not be carried over.
struct BranchGuard: Sendable {
    /// What a restoration did.
    struct Restoration: Sendable, Hashable, CustomStringConvertible {
        /// The commit HEAD was at (nil when HEAD named no commit).
        var from: String?
        /// The commit the branch points at now.
        var to: String
        /// What the agent had done, e.g. "the branch no longer contained choo's commits".
        var problem: String
        /// Operations left half-way that were aborted (`rebase`, `merge`, ...).
        var aborted: [String]
        /// Where the worktree as the agent left it is saved, when not everything was carried over.
        var saved: String?

        var description: String {
            var text = "\(problem); choo put `\(to.prefix(12))` back"
            if !aborted.isEmpty { text += " (after aborting a \(aborted.joined(separator: " and a ")) in progress)" }
            if let saved {
                text +=
                    ". Not everything could be carried over: the worktree as it was is saved as `\(saved)` "
                    + "(see it with `git show --stat \(saved)`)"
            } else {
                text += "; uncommitted changes were kept"
            }
            return text + "."
        }
    }

    /// The unit's worktree (with `GIT_EDITOR` set so nothing waits for an editor).
    var git: Git
    /// The unit.
    var unit: String
    /// This run's own memory of the recorded commit, which the agent cannot move.
    var records: ChooRecords?
    /// The time a saved worktree is named after (the run's ``Effects/clock``).
    var clock: any WaitClock

    /// The unit's branch, e.g. `ralph/core`.
    var branch: String { UnitLifecycle.branch(for: unit) }

    /// The ref holding the last commit choo made for `unit`.
    static func reference(for unit: String) -> String { "refs/choo/units/" + unit }

    /// Records `commit` (HEAD when not given) as the last commit choo made (or trusts) on the branch.
    func record(_ commit: String? = nil) async throws {
        var head = commit
        if head == nil { head = try await git.resolve("HEAD") }
        guard let head else { return }
        try await git.updateReference(Self.reference(for: unit), to: head)
        records?.setCommit(head, for: unit)
    }

    /// For a resumed unit: records HEAD when nothing is recorded yet, or when HEAD is the recorded
    /// commit plus exactly one commit of choo's own (a run killed between making a commit and
    /// recording it); otherwise the record stands.
    func recordResumed() async throws {
        guard let kept = try await recorded() else { return try await record() }
        guard let head = try await git.resolve("HEAD"), head != kept, try await git.isAncestor(kept, of: head),
            let commits = try? await git.log(kept + "..HEAD"), commits.count == 1
        else { return }
        let prefixes = ["feat(\(unit)): complete task #", "fix(\(unit)): ", "chore(\(unit)): record pull request #"]
        if prefixes.contains(where: commits[0].subject.hasPrefix) { try await record() }
    }

    /// The recorded commit: this run's memory of it, else the ref a earlier run left.
    func recorded() async throws -> String? {
        if let remembered = records?.commit(of: unit) { return remembered }
        return try await git.resolve(Self.reference(for: unit))
    }

    /// Puts the ref back on this run's memory of it if something else moved it; whether it had to.
    private func repairReference() async throws -> Bool {
        guard let remembered = records?.commit(of: unit),
            try await git.resolve(Self.reference(for: unit)) != remembered
        else { return false }
        try await git.updateReference(Self.reference(for: unit), to: remembered)
        return true
    }

    /// Puts the branch back if the agent moved it away from choo's last commit; `nil` when nothing
    /// needed doing (the usual case costs one git process).
    func restore(status: WorktreeStatus? = nil) async throws -> Restoration? {
        guard let kept = try await recorded() else { return nil }
        if let status {
            if try await untouched(kept, status: status) { return nil }
        } else if try await untouched(kept) {
            return nil
        }
        let repaired = try await repairReference()
        let head = try await git.resolve("HEAD")
        let attached = try await git.symbolicHead()
        let branchReference = "refs/heads/" + branch
        let aborted = try await git.abortOperation().map(\.rawValue)
        let contains = if let head { try await git.isAncestor(kept, of: head) } else { false }
        if aborted.isEmpty, attached == branchReference, contains {
            guard repaired else { return nil }
            return Restoration(
                from: head,
                to: kept,
                problem: "`\(Self.reference(for: unit))`, choo's own record, was moved",
                aborted: [],
                saved: nil
            )
        }
        let problem: String
        if !aborted.isEmpty {
            problem = "a git \(aborted.joined(separator: " and ")) was left in progress"
        } else if attached != branchReference {
            problem =
                attached.map { "HEAD was moved to `\($0.replacingOccurrences(of: "refs/heads/", with: ""))`" }
                ?? "HEAD was detached"
        } else {
            problem = "the branch `\(branch)` no longer contained choo's commit `\(kept.prefix(12))` (reset or rebased)"
        }
        // After an abort, HEAD may be back on choo's commits already.
        let current = try await git.resolve("HEAD")
        let good: String
        if let current, try await git.isAncestor(kept, of: current) { good = current } else { good = kept }
        let snapshot = try await git.snapshotCommit(message: "choo: \(unit)'s worktree as its agent left it")
        var mustSave = current.map { current in current != good } ?? false
        if let current, mustSave, try await git.isAncestor(current, of: good) {
            // HEAD was only moved back (a reset): no commit of the agent's is lost.
            mustSave = false
        }
        // Uncommitted changes to tracked files, as a patch against where the agent left HEAD.
        let patch = current == nil ? "" : try await git.patch()
        let untracked = try await git.untrackedFiles()
        if !untracked.isEmpty, try await !git.treeEntries(of: good, under: untracked).isEmpty {
            // Checking `good` out would overwrite them.
            mustSave = true
        }
        try await git.forceCheckout(branch: branch, at: good)
        if !patch.isEmpty, try await !git.applyPatch(patch) { mustSave = true }
        var saved: String?
        if mustSave {
            let time = Int(clock.now().timeIntervalSince1970)
            let name = "refs/choo/saved/\(unit)/\(time)-\(snapshot.prefix(8))"
            try await git.updateReference(name, to: snapshot)
            saved = name
        }
        return Restoration(from: head, to: good, problem: problem, aborted: aborted, saved: saved)
    }

    /// The usual case in one git process: HEAD and the ref are `kept`, HEAD is on the branch, and no
    /// operation is in progress.
    private func untouched(_ kept: String) async throws -> Bool {
        guard let state = try await git.headState(reading: Self.reference(for: unit)) else { return false }
        return state.head == kept && state.reference == kept && state.attachedTo == "refs/heads/" + branch
            && state.operations.filter { $0.kind != .bisect }.isEmpty
    }

    /// ``untouched(_:)`` from a `git status` already taken: HEAD and the branch come from it, the
    /// rest from the git folders' files, so the usual case runs no git process at all.
    private func untouched(_ kept: String, status: WorktreeStatus) async throws -> Bool {
        guard status.head == kept, status.branch == branch else { return false }
        let folders: (git: String, common: String)
        if let known = records?.gitFolders(of: git.repository) {
            folders = known
        } else {
            folders = try await git.gitDirectories()
            records?.setGitFolders(folders, of: git.repository)
        }
        if Git.operations(inGitDirectory: folders.git).contains(where: { $0.kind != .bisect }) { return false }
        return try await git.resolveReference(Self.reference(for: unit), commonDirectory: folders.common) == kept
    }
}
