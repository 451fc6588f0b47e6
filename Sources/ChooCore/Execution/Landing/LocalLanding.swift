/// Landing on this machine: the unit's branch is brought up to date with the target's tip in its
/// own worktree (rebase, or merge with `merge.strategy: merge`), its checks run again on the
/// result, and only if they pass the target moves to it by fast-forward with a compare-and-swap,
/// starting over when someone else moved it meanwhile. The main worktree is never used to build
/// the merge.
struct LocalLanding: LandingStrategy {
    var reviews: Bool { false }

    func finishWork(_ work: UnitWork) async throws {}

    func awaitReview(_ work: UnitWork, shutdown: ShutdownFlag) async throws {}

    func land(_ work: UnitWork, shutdown: ShutdownFlag) async throws {
        let update = BranchUpdate(work: work)
        let target = TargetBranch(
            name: work.context.targetBranch,
            repository: work.repository,
            lock: work.context.repositoryLock
        )
        try await update.rollBackUnfinishedOperation()
        for _ in 1 ... landingRounds {
            if Task.isCancelled { throw UnitStop.interrupted }
            let tip = try await target.tip()
            try await update.bringUpToDate(onto: tip)
            try await update.revalidate()
            guard let landed = try await work.git().resolve("HEAD") else {
                throw UnitStop.failed("the worktree at \(work.path) has no HEAD commit")
            }
            if try await target.move(from: tip, to: landed) {
                work.publish(.unitMerged(.init(commit: landed, target: target.name, branch: work.branch)))
                return
            }
            work.publish(
                .unitMergeUpdated(.init(retry: true, reason: "`\(target.name)` moved while landing; starting over"))
            )
        }
        throw UnitStop.failed(
            "`\(target.name)` kept moving while \(work.unit) was being landed (\(landingRounds) tries); its work is "
                + "kept on \(work.branch). Run again to land it."
        )
    }

    func landedHead(of unit: String) -> String? { nil }
}
