import Foundation

/// GitHub mode: a pull request per unit. After its tasks and baseline checks pass, a unit's branch
/// is pushed and its pull request opened (or an open one adopted); choo then waits for approval
/// (``ReviewWatcher``) and green CI (``CIWatcher``), hands review comments and failing checks to
/// the agent (``FeedbackFix``), and pushes the fixes. Landing, one unit at a time through the same
/// merge slot as local mode, brings the branch up to date if the base moved, checks it again,
/// merges through the API and fast-forwards the local target.
struct GitHubLanding: LandingStrategy {
    /// The run's GitHub side.
    let github: GitHubMode

    var reviews: Bool { true }

    func finishWork(_ work: UnitWork) async throws { try await Part(work: work, github: github).publish() }

    func awaitReview(_ work: UnitWork, shutdown: ShutdownFlag) async throws {
        try await Part(work: work, github: github).review(shutdown: shutdown)
    }

    func land(_ work: UnitWork, shutdown: ShutdownFlag) async throws {
        try await Part(work: work, github: github).land(shutdown: shutdown)
    }

    func landedHead(of unit: String) -> String? { github.pullRequests.mergedHead(of: unit) }

    /// One unit's pull request.
    struct Part: GitHubPart {
        let work: UnitWork
        let github: GitHubMode

        /// Pushes the unit's branch, opens or adopts its pull request and records `orch_pr_number`:
        /// the end of the unit's own work in GitHub mode.
        func publish() async throws {
            try await branchPush.push()
            let pullRequest = try await openOrAdopt()
            github.pullRequests.record(unit: unit, number: pullRequest.number)
            if try await recordPullRequestNumber(pullRequest.number) {
                try await branchPush.push()
            }
        }

        /// Waits for an approving review (unless `--skip-review`), answering feedback as it comes,
        /// then for green CI. Runs outside the parallelism cap: a person may take hours, and the
        /// unit holds no slot meanwhile (the agent's short fix turns run beside the rest).
        func review(shutdown: ShutdownFlag) async throws {
            let number = try pullRequestNumber()
            if !github.skipReview {
                let watcher = ReviewWatcher(work: work, github: github)
                if try await watcher.awaitApproval(number: number, shutdown: shutdown) { return }
            }
            try await CIWatcher(work: work, github: github).awaitChecks(number: number, shutdown: shutdown)
            work.publish(.prMergeQueued(.init(number: number)))
        }

        /// Lands the pull request: brings its branch up to date with the base if needed (checks
        /// again, pushes, waits for CI), merges through the API with `merge.method`, fast-forwards
        /// the local target to the result and deletes the remote branch (unless
        /// `github.delete_branch: false`).
        func land(shutdown: ShutdownFlag) async throws {
            let git = work.git(editor: true)
            let number = try pullRequestNumber()
            try await update.rollBackUnfinishedOperation()
            var refusals: [MergeRefusal] = []
            for _ in 1 ... landingRounds {
                if Task.isCancelled { throw UnitStop.interrupted }
                let pullRequest = try await gitHub("reading pull request #\(number)") {
                    try await github.client.pullRequest(number)
                }
                if pullRequest.merged {
                    try await finishLanding(number: number, head: pullRequest.head.sha)
                    return
                }
                if !pullRequest.isOpen { throw closedByPerson(number: number) }
                if github.requirements?.mergeQueue == true { throw mergeQueueRequired(number: number) }
                let base = try await fetchTarget()
                if try await !git.isAncestor(base, of: "HEAD") {
                    work.publish(.prConflict(.init(number: number, base: base)))
                    try await update.bringUpToDate(onto: base)
                    try await update.revalidate()
                    try await branchPush.push()
                }
                // Green already costs one conditional request; after a new push this waits for its CI.
                try await CIWatcher(work: work, github: github).awaitChecks(number: number, shutdown: shutdown)
                guard let head = try await git.resolve("HEAD") else {
                    throw UnitStop.failed("the worktree has no HEAD")
                }
                if let refusal = try await merge(number, head: head) {
                    // The base moved under the merge, GitHub is still computing mergeability, required
                    // checks have not reported yet, or GitHub has not caught up with the push: look
                    // again after a backoff on the run's clock.
                    refusals.append(refusal)
                    let backoff = mergeBackoff(after: refusals.count)
                    work.publish(
                        .prMergeRefused(
                            .init(
                                number: number,
                                status: refusal.status,
                                message: refusal.message,
                                permanent: false,
                                retryInSeconds: OutcomeText.interval(backoff)
                            )
                        )
                    )
                    // A landing under way finishes even when a graceful stop is asked for.
                    try await wait(shutdown: nil, for: backoff)
                    continue
                }
                try await finishLanding(number: number, head: head)
                return
            }
            let answers = refusals.map { "\($0.status): \($0.message)" }
            throw UnitStop.failed(
                "pull request #\(number) could not be merged after \(landingRounds) tries; GitHub answered "
                    + (answers.last ?? "nothing")
                    + (answers.count > 1 ? " (and before: \(answers.dropLast().joined(separator: "; ")))" : "")
                    + ". It stays open with the unit's work on \(work.branch). Run again to land it."
            )
        }

        /// The wait before merging again after the `count`th transient refusal: 2 s doubling, at
        /// most one poll interval.
        private func mergeBackoff(after count: Int) -> Duration {
            let doubled = Duration.seconds(2) * (1 << min(max(count - 1, 0), 16))
            return min(doubled, context.config.review.pollInterval)
        }

        /// The unit's failure when the target requires a merge queue: choo does not merge around it.
        private func mergeQueueRequired(number: Int) -> UnitStop {
            let message =
                "`\(context.targetBranch)` requires a merge queue, and choo does not merge through the queue: pull "
                + "request #\(number) is ready to merge; add it to the merge queue on GitHub. It stays "
                + "open with the unit's work on \(work.branch)."
            context.bus.publish(Event(.prFailed(.init(number: number)), unit: unit, error: message))
            return UnitStop.failed(message)
        }

        /// The number of the unit's pull request, known once ``publish()`` ran in this run.
        private func pullRequestNumber() throws -> Int {
            guard let number = github.pullRequests.number(of: unit) else {
                throw UnitStop.failed("no pull request is known for \(work.branch); run again to open one")
            }
            return number
        }

        private func openOrAdopt() async throws -> PullRequest {
            let branch = work.branch
            let target = context.targetBranch
            let client = github.client
            let what = "opening the pull request for \(branch)"
            if let existing = try await gitHub(what, { try await client.openPullRequest(head: branch, base: target) }) {
                publishCreated(existing, adopted: true)
                return existing
            }
            let current = try work.reload()
            let title = PullRequestText.title(of: current)
            let body = PullRequestText.body(of: current, baselineChecks: try await baseline.applicable())
            let created: Result<PullRequest, GitHubError>
            do {
                created = .success(
                    try await client.createPullRequest(title: title, body: body, head: branch, base: target)
                )
            } catch {
                created = .failure(error)
            }
            switch created {
            case .success(let pullRequest):
                publishCreated(pullRequest, adopted: false)
                return pullRequest
            case .failure(let error) where error.status == 422:
                // Opened meanwhile (by a person, or a run killed between creating it and recording it).
                guard
                    let existing = try await gitHub(
                        what,
                        { try await client.openPullRequest(head: branch, base: target) }
                    )
                else { throw UnitStop.failed("\(what) failed: \(error)") }
                publishCreated(existing, adopted: true)
                return existing
            case .failure(let error):
                if case .cancelled = error { throw UnitStop.interrupted }
                throw UnitStop.failed("\(what) failed: \(error)")
            }
        }

        private func publishCreated(_ pullRequest: PullRequest, adopted: Bool) {
            context.bus.publish(
                Event(
                    .prCreated(.init(number: pullRequest.number, url: pullRequest.htmlURL, adopted: adopted)),
                    unit: unit
                )
            )
        }

        /// Writes `orch_pr_number` into the unit's plan and commits it; whether a commit was made.
        private func recordPullRequestNumber(_ number: Int) async throws -> Bool {
            let current = try work.reload()
            guard current.orchPRNumber != number else { return false }
            let plan = try work.worktree.read(current.planFile)
            try work.worktree.write(
                FrontmatterEditor.set("orch_pr_number", integer: number, in: plan),
                to: current.planFile
            )
            return try await work.git().commitAll(message: "chore(\(unit)): record pull request #\(number)") != nil
        }

        /// Merges pull request `number` at `head`: `nil` when merged, or GitHub's refusal when trying
        /// again may help. A permanent refusal fails the unit with GitHub's status and message and
        /// what to do; the pull request and the branch stay.
        private func merge(_ number: Int, head: String) async throws -> MergeRefusal? {
            let method = context.config.merge.method.rawValue
            let outcome: MergeOutcome
            do {
                outcome = try await github.client.merge(number, sha: head, method: method)
            } catch {
                if case .cancelled = error { throw UnitStop.interrupted }
                guard
                    let refusal = MergeRefusal(
                        error,
                        method: method,
                        allowedMethods: github.requirements?.allowedMethods
                    )
                else { throw UnitStop.failed("merging pull request #\(number) failed: \(error)") }
                guard let advice = refusal.advice else { return refusal }
                work.publish(
                    .prMergeRefused(
                        .init(number: number, status: refusal.status, message: refusal.message, permanent: true)
                    )
                )
                throw UnitStop.failed(
                    "GitHub refused to merge pull request #\(number) (\(refusal.status): \(refusal.message)); "
                        + "\(advice). The pull request stays open with the unit's work on \(work.branch)."
                )
            }
            guard outcome.merged else { throw UnitStop.failed("GitHub did not merge #\(number): \(outcome.message)") }
            return nil
        }

        /// After GitHub merged the pull request: fast-forwards the local target (and its checkout) to
        /// the remote's, deletes the remote branch, and reports the landing.
        private func finishLanding(number: Int, head: String) async throws {
            let repository = work.repository
            let target = context.targetBranch
            github.pullRequests.recordMerged(unit: unit, head: head)
            let merged = try await fetchTarget()
            context.bus.publish(
                Event(.prMerged(.init(number: number, commit: merged)), unit: unit)
            )
            try await syncTarget(to: merged)
            if context.config.github.deleteBranch {
                do {
                    try await github.client.deleteBranch(work.branch)
                    try? await repository.deleteReference("refs/remotes/\(github.remote)/\(work.branch)")
                } catch {
                    context.bus.publish(
                        Event(.unitCleanupFailed, unit: unit, error: "deleting the branch on GitHub: \(error)")
                    )
                }
            }
            try? await repository.deleteReference(PullRequestBranch.pushedRef(work.branch))
            context.bus.publish(
                Event(
                    .unitMerged(.init(commit: merged, target: target, branch: work.branch, pullRequest: number)),
                    unit: unit
                )
            )
        }

        /// Fetches the target branch from the remote; its tip there.
        private func fetchTarget() async throws -> String {
            let repository = work.repository
            let target = context.targetBranch
            let tracking = "refs/remotes/\(github.remote)/\(target)"
            do {
                // Under the worktree lock: a fetch checks the objects of every worktree's HEAD,
                // and fails on one being added meanwhile.
                try await context.repositoryLock.withLock {
                    try await repository.fetch("+refs/heads/\(target):\(tracking)", from: github.remote)
                }
            } catch {
                throw UnitStop.failed("fetching `\(target)` from \(github.remote) failed: \(error)")
            }
            guard let tip = try await repository.resolve(tracking) else {
                throw UnitStop.failed("\(github.remote) has no branch `\(target)`")
            }
            return tip
        }

        /// Moves the local target forward to `tip` (only by fast-forward), with its checkout if any.
        private func syncTarget(to tip: String) async throws {
            let repository = work.repository
            let target = context.targetBranch
            for _ in 1 ... landingRounds {
                guard let local = try await repository.resolve("refs/heads/" + target) else {
                    throw UnitStop.failed("the target branch `\(target)` no longer exists")
                }
                if local == tip { return }
                guard try await repository.isAncestor(local, of: tip) else {
                    throw UnitStop.failed(
                        "the pull request was merged on GitHub, but the local `\(target)` has commits the remote does not, "
                            + "so it was not fast-forwarded; pull or rebase `\(target)` yourself"
                    )
                }
                if try await TargetBranch(name: target, repository: repository, lock: context.repositoryLock).move(
                    from: local,
                    to: tip
                ) {
                    return
                }
            }
        }
    }
}
