import Foundation

/// Watching CI on a unit's pushed head: polls on the run's clock until the head is green
/// (``CIResult`` classifies its check runs and statuses); a failing check goes to the agent
/// (``FeedbackFix``), up to `max_attempts` rounds.
///
/// A head is green when every required check of the target (``TargetRequirements``) passed and
/// every other check run and status reported on it passed. A head that reports nothing yet is not
/// green when CI is expected (``CIExpectation``): `github.ci: required`, or the repository's
/// workflows run for it, or checks were reported on another head in this run. Expected CI (or a
/// required check) that has not reported within `github.ci_grace` of the head's first look fails
/// the unit, naming what it waited for; with `github.ci: none` nothing is waited for and the head
/// lands with a warning when CI was to be expected.
struct CIWatcher: GitHubPart {
    let work: UnitWork
    let github: GitHubMode

    /// Waits until the pushed head is green; a failing check goes to the agent (up to
    /// `max_attempts` rounds) and the fix is pushed.
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
            let checks = CIResult(
                runs: runs,
                statuses: combined.statuses,
                required: github.requirements?.requiredChecks ?? []
            )
            if checks.reported { github.ciSightings.record() }
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
            let now = github.clock.now()
            let since = github.ciSightings.firstLook(at: head, now: now)
            let absent = awaitedButAbsent(checks, head: head, number: number)
            if !absent.isEmpty {
                let grace = context.config.github.ciGrace
                if now.timeIntervalSince(since) >= OutcomeText.interval(grace) {
                    throw UnitStop.failed(
                        "no CI reported on pull request #\(number) (head \(head.prefix(8))) within "
                            + "\(OutcomeText.readable(grace)) (github.ci_grace): waited for "
                            + absent.joined(separator: "; ") + ". The pull request stays open; check that CI runs "
                            + "for it, or set github.ci to none if this repository has none, then run again."
                    )
                }
                pending += absent.map { "\($0), not reported yet" }
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
            if now >= deadline {
                throw UnitStop.failed(
                    "CI checks on pull request #\(number) were still running after \(OutcomeText.readable(timeout)) "
                        + "(review.timeout): \(pending.joined(separator: ", ")). Run again to keep waiting."
                )
            }
            try await wait(shutdown: shutdown)
        }
    }

    /// What the head waits for that has not reported at all: each required check, and CI as a
    /// whole when it is expected and nothing reported. With `github.ci: none`, expected CI is not
    /// waited for: a warning says the head goes on without it.
    private func awaitedButAbsent(_ checks: CIResult, head: String, number: Int) -> [String] {
        var absent = checks.missing.map { "the required check `\($0)`" }
        guard !checks.reported, let reason = ciExpectedBecause() else { return absent }
        if context.config.github.ci == .none {
            if absent.isEmpty {
                context.bus.publish(
                    Event(
                        .githubWarning(
                            .init(
                                message: "no CI reported on \(head.prefix(8)), although \(reason); github.ci is none, "
                                    + "so it goes on without CI",
                                number: number
                            )
                        ),
                        unit: unit
                    )
                )
            }
        } else {
            absent.append("CI (\(reason))")
        }
        return absent
    }

    /// Why CI is expected on this unit's heads, or `nil` when it is not.
    private func ciExpectedBecause() -> String? {
        if context.config.github.ci == .required { return "github.ci is required" }
        let workflows = github.workflows.running(head: work.branch, base: context.targetBranch)
        if !workflows.isEmpty {
            return "the workflow\(workflows.count == 1 ? "" : "s") " + workflows.joined(separator: ", ")
                + " run\(workflows.count == 1 ? "s" : "") for this pull request"
        }
        if github.ciSightings.any { return "checks were reported on other commits in this run" }
        return nil
    }
}
