import Foundation

/// Watching CI on a unit's pushed head: polls on the run's clock until every check run and status
/// has finished (``CIResult`` classifies them); a failing one goes to the agent (``FeedbackFix``),
/// up to `max_attempts` rounds. No checks at all count as green unless the target's own tip has
/// some, in which case CI has not started yet.
struct CIWatcher: GitHubPart {
    let work: UnitWork
    let github: GitHubMode

    /// Waits until every check run and status on the pushed head has finished; a failing one goes to
    /// the agent (up to `max_attempts` rounds) and the fix is pushed. No checks at all counts as green.
    func awaitChecks(number: Int, shutdown: ShutdownFlag) async throws {
        let git = work.git()
        let timeout = context.config.review.timeout
        let deadline = github.clock.now().addingTimeInterval(OutcomeText.interval(timeout))
        var rounds = 0
        var announced: String?
        while true {
            if shutdown.isRaised || Task.isCancelled { throw UnitStop.interrupted }
            guard let head = try await git.resolve("HEAD") else { throw UnitStop.failed("the worktree has no HEAD") }
            let client = github.client
            let runs: [CheckRun] = try await gitHub("reading the checks of \(head)") {
                try await client.checkRuns(ref: head)
            }
            let combined: CombinedStatus = try await gitHub("reading the statuses of \(head)") {
                try await client.combinedStatus(ref: head)
            }
            let checks = CIResult(runs: runs, statuses: combined.statuses)
            let failures = checks.failures
            var pending = checks.pending
            if !failures.isEmpty {
                rounds += 1
                let limit = max(1, context.config.maxAttempts)
                context.bus.publish(
                    Event(
                        .prChecks(.init(number: number, head: head, result: .failed, round: rounds)),
                        unit: unit,
                        error: failures.map { String($0.prefix(200)) }.joined(separator: "; ")
                    )
                )
                if rounds > limit {
                    throw UnitStop.failed(
                        "CI checks on pull request #\(number) still fail after \(limit) fix rounds (max_attempts): "
                            + failures.map { String($0.prefix(300)) }.joined(separator: "; ")
                    )
                }
                try await FeedbackFix(work: work, github: github).fix(number: number, kind: .checks(failures))
                announced = nil
                continue
            }
            if runs.isEmpty, combined.statuses.isEmpty, try await repositoryHasCI() {
                // Nothing reported yet, but the target's own tip has checks: CI has not started on
                // this head yet. Merging now would skip it.
                pending.append("CI on \(String(head.prefix(8))) (not started yet)")
            }
            if pending.isEmpty {
                context.bus.publish(
                    Event(
                        .prChecks(
                            .init(
                                number: number,
                                head: head,
                                result: .passed,
                                checks: runs.count + combined.statuses.count
                            )
                        ),
                        unit: unit
                    )
                )
                return
            }
            if announced != head {
                announced = head
                context.bus.publish(
                    Event(.prChecks(.init(number: number, head: head, result: .pending, pending: pending)), unit: unit)
                )
            }
            if github.clock.now() >= deadline {
                throw UnitStop.failed(
                    "CI checks on pull request #\(number) were still running after \(OutcomeText.readable(timeout)) "
                        + "(review.timeout): \(pending.joined(separator: ", ")). Run again to keep waiting."
                )
            }
            try await wait(shutdown: shutdown)
        }
    }

    /// Whether the repository runs CI: the target branch's tip on GitHub has check runs or statuses.
    /// A head with none then waits for its CI to start instead of counting as green.
    private func repositoryHasCI() async throws -> Bool {
        let client = github.client
        let target = context.targetBranch
        let runs: [CheckRun] = try await gitHub("reading the checks of `\(target)`") {
            try await client.checkRuns(ref: target)
        }
        if !runs.isEmpty { return true }
        let combined: CombinedStatus = try await gitHub("reading the statuses of `\(target)`") {
            try await client.combinedStatus(ref: target)
        }
        return !combined.statuses.isEmpty
    }
}
