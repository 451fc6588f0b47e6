/// The run's target branch in the repository, moved only forward and only from the tip the mover
/// saw: a compare-and-swap of the ref, or a fast-forward of the checkout that has it checked out.
struct TargetBranch: Sendable {
    /// The branch's short name.
    let name: String
    /// git in the repository's main folder.
    let repository: Git
    /// The run's lock on worktree administration: finding the checkout that has the target reads
    /// git's list of worktrees, which fails while another unit's worktree is being added.
    let lock: AsyncLock

    /// Moves the target from `tip` to `landed`, only by fast-forward and only if it still points at
    /// `tip`. A checkout of the target (the user's or another worktree) is fast-forwarded with it.
    /// Returns false when the target moved meanwhile.
    func move(from tip: String, to landed: String) async throws -> Bool {
        do {
            // Which checkout has the target is read from git's files, which needs no lock; only
            // where they cannot say does it take the lock and ask git.
            if let checkouts = Git.checkedOutBranches(commonDirectory: repository.repository + "/.git") {
                try await repository.advanceBranch(name, from: tip, to: landed, checkout: checkouts[name])
            } else {
                try await lock.withLock { try await repository.advanceBranch(name, from: tip, to: landed) }
            }
            return true
        } catch GitError.referenceMoved {
            return false
        } catch {
            let checkout = try? await repository.worktrees().first { $0.branch == name }
            let place = checkout.map { " in the checkout at \($0.path)" } ?? ""
            throw UnitStop.failed(
                "could not move `\(name)`\(place) to the landed commit: \(error). If that checkout has local "
                    + "changes to the same files, commit or stash them and run again."
            )
        }
    }

    /// The target's tip, or a failure naming it when it no longer exists.
    func tip() async throws -> String {
        guard let tip = try await repository.resolve("refs/heads/" + name) else {
            throw UnitStop.failed("the target branch `\(name)` no longer exists")
        }
        return tip
    }
}
