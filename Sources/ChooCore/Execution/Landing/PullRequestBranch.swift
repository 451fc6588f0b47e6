import Foundation

/// A unit's branch on the remote in GitHub mode: pushed with a lease so it never overwrites what
/// someone else pushed, and commits pushed by others (a reviewer's fix) taken in first.
struct PullRequestBranch: GitHubPart {
    let work: UnitWork
    let github: GitHubMode

    /// Pushes the worktree's HEAD to the unit's branch on the remote. It never overwrites commits
    /// someone else pushed there: it first takes them in (see ``takeInRemoteCommits``), and the push
    /// is leased on what the remote had when it was fetched.
    func push() async throws {
        let git = work.git()
        let branch = work.branch
        let known = try await takeInRemoteCommits()
        do {
            try await git.push(remote: github.remote, refspec: "HEAD:refs/heads/\(branch)", forceWithLease: known)
            try await git.updateReference(Self.pushedRef(branch), to: "HEAD")
            // What choo pushes is what it trusts: later turns are measured against it.
            try await guards.recordChooCommit()
        } catch {
            throw UnitStop.failed("pushing \(branch) to \(github.remote) failed: \(error)")
        }
    }

    /// Where choo keeps what it pushed last to a unit's branch: a rebase may replace that, but
    /// never commits someone else pushed.
    static func pushedRef(_ branch: String) -> String { "refs/choo/pushed/" + branch }

    /// Fetches the unit's branch from the remote; when it holds commits that neither HEAD nor choo's
    /// own last push has (a reviewer pushed a fix to the pull request), brings them into the
    /// worktree: by fast-forward, or by replaying the worktree's newer commits on top of them. A
    /// conflict fails the unit and leaves both sides as they were. Returns the remote's tip.
    @discardableResult
    func takeInRemoteCommits() async throws -> String? {
        let git = work.git()
        let branch = work.branch
        let tracking = "refs/remotes/\(github.remote)/\(branch)"
        // Under the worktree lock: a fetch checks the objects of every worktree's HEAD.
        try? await context.repositoryLock.withLock {
            try await git.fetch("+refs/heads/\(branch):\(tracking)", from: github.remote)
        }
        guard let remote = try await git.resolve(tracking) else { return nil }
        let pushedLast = try await git.resolve(PullRequestBranch.pushedRef(branch))
        if remote == pushedLast { return remote }
        if try await git.isAncestor(remote, of: "HEAD") { return remote }
        let rebasing = try await !git.isAncestor("HEAD", of: remote)
        var applied = false
        do {
            if rebasing {
                applied = try await work.git(editor: true).rebase(onto: remote) == .done
            } else {
                try await git.fastForward(to: remote)
                applied = true
            }
        } catch {
            applied = false
        }
        if !applied {
            _ = try? await git.abortOperation()
            throw UnitStop.failed(
                "\(github.remote) has commits on \(branch) that someone else pushed, and the unit's newer commits "
                    + "do not apply on top of them; choo will not overwrite them. Resolve it in the worktree at "
                    + "\(git.repository) (git rebase \(github.remote)/\(branch)), then run again."
            )
        }
        // A person's commits are trusted as choo's own: later turns are measured against them.
        try await guards.recordChooCommit()
        context.bus.publish(
            Event(
                .unitMergeUpdated(.init(onto: remote, reason: "took in commits pushed to \(branch) by someone else")),
                unit: unit
            )
        )
        return remote
    }
}
