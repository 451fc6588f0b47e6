import Foundation

/// GitHub mode: a pull request per unit. After its tasks and baseline checks pass, a unit's branch
/// is pushed and its pull request opened (or an open one adopted); choo then waits for approval,
/// hands review comments and failing CI checks to the agent, and pushes the fixes. Landing, one
/// unit at a time through the same merge slot as local mode, brings the branch up to date if the
/// base moved, checks it again, merges through the API and fast-forwards the local target.
extension UnitLifecycle {
    // MARK: Opening and reviewing

    /// Pushes the unit's branch, opens or adopts its pull request and records `orch_pr_number`: the
    /// end of the unit's own work in GitHub mode. Review and CI follow in ``review(unit:shutdown:)``.
    func publish(unit: String, worktree: String, github: GitHubMode) async throws {
        let git = Git(repository: worktree, runner: context.runner)
        try await push(unit: unit, git: git, github: github)
        let pullRequest = try await openOrAdopt(unit: unit, worktree: worktree, github: github)
        github.pullRequests.record(unit: unit, number: pullRequest.number)
        if try await recordPullRequestNumber(pullRequest.number, unit: unit, worktree: worktree, git: git) {
            try await push(unit: unit, git: git, github: github)
        }
    }

    /// Waits for an approving review of the unit's pull request (unless `--skip-review`), answering
    /// feedback as it comes, then for green CI. Runs outside the parallelism cap: a person may take
    /// hours, and the unit holds no slot meanwhile (the agent's short fix turns run beside the rest).
    public func review(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.ReviewResult {
        switch await Self.ending({
            guard let github = context.github else { return }
            guard let number = github.pullRequests.number(of: unit) else {
                throw Stop.failed("no pull request is known for \(Self.branch(for: unit)); run again to open one")
            }
            let worktree = context.worktreeBase + "/" + unit
            if !github.skipReview {
                let merged = try await awaitApproval(
                    unit: unit,
                    number: number,
                    worktree: worktree,
                    github: github,
                    shutdown: shutdown
                )
                if merged { return }
            }
            try await awaitChecks(unit: unit, number: number, worktree: worktree, github: github, shutdown: shutdown)
            context.bus.publish(Event(.prMergeQueued(.init(number: number)), unit: unit))
        }) {
        case .done: return .approved
        case .failed(let reason): return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// Pushes the worktree's HEAD to the unit's branch on the remote. It never overwrites commits
    /// someone else pushed there: it first takes them in (see ``takeInRemoteCommits``), and the push
    /// is leased on what the remote had when it was fetched.
    func push(unit: String, git: Git, github: GitHubMode) async throws {
        let branch = Self.branch(for: unit)
        let known = try await takeInRemoteCommits(unit: unit, git: git, github: github)
        do {
            try await git.run([
                "push", "--quiet", "--force-with-lease=refs/heads/\(branch):\(known ?? "")", github.remote,
                "HEAD:refs/heads/\(branch)",
            ])
            try await git.run(["update-ref", Self.pushedRef(branch), "HEAD"])
            // What choo pushes is what it trusts: later turns are measured against it.
            try await recordChooCommit(unit: unit, worktree: git.repository)
        } catch {
            throw Stop.failed("pushing \(branch) to \(github.remote) failed: \(error)")
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
    func takeInRemoteCommits(unit: String, git: Git, github: GitHubMode) async throws -> String? {
        let branch = Self.branch(for: unit)
        let tracking = "refs/remotes/\(github.remote)/\(branch)"
        _ = try? await git.run(["fetch", "--quiet", github.remote, "+refs/heads/\(branch):\(tracking)"])
        guard let remote = try await git.resolve(tracking) else { return nil }
        let pushedLast = try await git.resolve(Self.pushedRef(branch))
        if remote == pushedLast { return remote }
        if try await git.isAncestor(remote, of: "HEAD") { return remote }
        let rebasing = try await !git.isAncestor("HEAD", of: remote)
        do {
            if rebasing {
                try await Git(repository: git.repository, runner: context.runner, environment: ["GIT_EDITOR": "true"])
                    .run(["rebase", "--quiet", remote])
            } else {
                try await git.run(["merge", "--ff-only", "--quiet", remote])
            }
        } catch {
            _ = try? await git.run(["rebase", "--abort"])
            throw Stop.failed(
                "\(github.remote) has commits on \(branch) that someone else pushed, and the unit's newer commits "
                    + "do not apply on top of them; choo will not overwrite them. Resolve it in the worktree at "
                    + "\(git.repository) (git rebase \(github.remote)/\(branch)), then run again."
            )
        }
        // A person's commits are trusted as choo's own: later turns are measured against them.
        try await recordChooCommit(unit: unit, worktree: git.repository)
        context.bus.publish(
            Event(
                .unitMergeUpdated(.init(onto: remote, reason: "took in commits pushed to \(branch) by someone else")),
                unit: unit
            )
        )
        return remote
    }

    private func openOrAdopt(unit: String, worktree: String, github: GitHubMode) async throws -> PullRequest {
        let branch = Self.branch(for: unit)
        let target = context.targetBranch
        let client = github.client
        let what = "opening the pull request for \(branch)"
        if let existing = try await gitHub(what, { try await client.openPullRequest(head: branch, base: target) }) {
            publishCreated(existing, unit: unit, adopted: true)
            return existing
        }
        let current = try reload(unit: unit, worktree: worktree)
        let title = PullRequestText.title(of: current)
        let body = PullRequestText.body(of: current, baselineChecks: try await applicableBaselineChecks(in: worktree))
        let created: Result<PullRequest, GitHubError>
        do {
            created = .success(try await client.createPullRequest(title: title, body: body, head: branch, base: target))
        } catch {
            created = .failure(error)
        }
        switch created {
        case .success(let pullRequest):
            publishCreated(pullRequest, unit: unit, adopted: false)
            return pullRequest
        case .failure(let error) where error.status == 422:
            // Opened meanwhile (by a person, or a run killed between creating it and recording it).
            guard
                let existing = try await gitHub(what, { try await client.openPullRequest(head: branch, base: target) })
            else { throw Stop.failed("\(what) failed: \(error)") }
            publishCreated(existing, unit: unit, adopted: true)
            return existing
        case .failure(let error):
            if case .cancelled = error { throw Stop.interrupted }
            throw Stop.failed("\(what) failed: \(error)")
        }
    }

    private func publishCreated(_ pullRequest: PullRequest, unit: String, adopted: Bool) {
        context.bus.publish(
            Event(
                .prCreated(.init(number: pullRequest.number, url: pullRequest.htmlURL, adopted: adopted)),
                unit: unit
            )
        )
    }

    /// Writes `orch_pr_number` into the unit's plan and commits it; whether a commit was made.
    private func recordPullRequestNumber(_ number: Int, unit: String, worktree: String, git: Git) async throws -> Bool {
        let current = try reload(unit: unit, worktree: worktree)
        guard current.orchPRNumber != number else { return false }
        let path = worktree + "/" + current.planFile
        let edited = try FrontmatterEditor.set("orch_pr_number", integer: number, in: try FileSystem.readText(path))
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        return try await git.commitAll(message: "chore(\(unit)): record pull request #\(number)") != nil
    }

    /// Polls the pull request until it is approved, answering feedback as it comes; returns true
    /// when a person merged it meanwhile. Fails when it is closed or `review.timeout` passes.
    private func awaitApproval(
        unit: String,
        number: Int,
        worktree: String,
        github: GitHubMode,
        shutdown: ShutdownFlag
    ) async throws -> Bool {
        let timeout = context.config.review.timeout
        let deadline = github.clock.now().addingTimeInterval(Self.interval(timeout))
        var announced: String?
        var rounds = 0
        while true {
            if shutdown.isRaised || Task.isCancelled { throw Stop.interrupted }
            let pullRequest = try await gitHub("reading pull request #\(number)") {
                try await github.client.pullRequest(number)
            }
            if !pullRequest.isOpen {
                if pullRequest.merged { return true }
                throw closedByPerson(unit: unit, number: number)
            }
            let verdict = try await review(number: number, github: github)
            switch verdict {
            case .approved(let reviewer):
                context.bus.publish(
                    Event(.prReviewApproved(.init(number: number, by: reviewer)), unit: unit)
                )
                return false
            case .feedback(let items):
                rounds += 1
                context.bus.publish(
                    Event(
                        .prFeedbackReceived(.init(number: number, comments: items.count, round: rounds)),
                        unit: unit
                    )
                )
                try await fix(
                    unit: unit,
                    number: number,
                    worktree: worktree,
                    github: github,
                    kind: .review(items)
                )
                announced = nil
                continue
            case .inProgress where announced != "in_progress":
                announced = "in_progress"
                context.bus.publish(Event(.prReviewInProgress(.init(number: number)), unit: unit))
            case .pending where announced != "pending":
                announced = "pending"
                context.bus.publish(
                    Event(.prReviewPending(.init(number: number, url: pullRequest.htmlURL)), unit: unit)
                )
            case .inProgress, .pending:
                break
            }
            if github.clock.now() >= deadline {
                throw Stop.failed(
                    "pull request #\(number) was not approved within \(Self.readable(timeout)) (review.timeout); it "
                        + "stays open. Run again to keep waiting, or pass --skip-review to merge without approval."
                )
            }
            try await wait(github: github)
        }
    }

    /// Reads the pull request's reviews, reactions and comments and decides what they say.
    private func review(number: Int, github: GitHubMode) async throws -> ReviewVerdict {
        let client = github.client
        let what = "reading the reviews of #\(number)"
        let reviews: [Review] = try await gitHub(what) { try await client.reviews(number) }
        let reactions: [Reaction] = try await gitHub(what) { try await client.reactions(number) }
        let comments: [IssueComment] = try await gitHub(what) { try await client.issueComments(number) }
        let lineComments: [ReviewComment] = try await gitHub(what) { try await client.reviewComments(number) }
        return ReviewVerdict(reviews: reviews, reactions: reactions, comments: comments, lineComments: lineComments)
    }

    // MARK: CI

    /// Waits until every check run and status on the pushed head has finished; a failing one goes to
    /// the agent (up to `max_attempts` rounds) and the fix is pushed. No checks at all counts as green.
    func awaitChecks(unit: String, number: Int, worktree: String, github: GitHubMode, shutdown: ShutdownFlag)
        async throws
    {
        let git = Git(repository: worktree, runner: context.runner)
        let timeout = context.config.review.timeout
        let deadline = github.clock.now().addingTimeInterval(Self.interval(timeout))
        var rounds = 0
        var announced: String?
        while true {
            if shutdown.isRaised || Task.isCancelled { throw Stop.interrupted }
            guard let head = try await git.resolve("HEAD") else { throw Stop.failed("the worktree has no HEAD") }
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
                    throw Stop.failed(
                        "CI checks on pull request #\(number) still fail after \(limit) fix rounds (max_attempts): "
                            + failures.map { String($0.prefix(300)) }.joined(separator: "; ")
                    )
                }
                try await fix(unit: unit, number: number, worktree: worktree, github: github, kind: .checks(failures))
                announced = nil
                continue
            }
            if runs.isEmpty, combined.statuses.isEmpty, try await repositoryHasCI(github: github) {
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
                throw Stop.failed(
                    "CI checks on pull request #\(number) were still running after \(Self.readable(timeout)) "
                        + "(review.timeout): \(pending.joined(separator: ", ")). Run again to keep waiting."
                )
            }
            try await wait(github: github)
        }
    }

    /// Whether the repository runs CI: the target branch's tip on GitHub has check runs or statuses.
    /// A head with none then waits for its CI to start instead of counting as green.
    private func repositoryHasCI(github: GitHubMode) async throws -> Bool {
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

    // MARK: Fixes

    private enum FixKind {
        case review([PullRequestText.Feedback])
        case checks([String])

        /// What the agent's turn is for, which names its log.
        var turn: AgentTurn {
            switch self {
            case .review: .review
            case .checks: .ci
            }
        }
    }

    /// Gives review feedback or failing checks to the agent, runs the unit's checks (retrying with
    /// their output up to `max_attempts`), commits, pushes and says so on the pull request.
    private func fix(unit: String, number: Int, worktree: String, github: GitHubMode, kind: FixKind) async throws {
        let git = Git(repository: worktree, runner: context.runner)
        let limit = max(1, context.config.maxAttempts)
        var problem: String?
        // A reviewer may have pushed to the pull request: the agent works on top of that.
        try await takeInRemoteCommits(unit: unit, git: git, github: github)
        for attempt in 1 ... limit {
            let current = try reload(unit: unit, worktree: worktree)
            let prompt: String
            switch kind {
            case .review(let items):
                prompt = PullRequestText.feedbackPrompt(
                    unit: current,
                    pullRequest: number,
                    feedback: items,
                    checks: checkList(of: current),
                    problem: problem
                )
            case .checks(let failures):
                prompt = PullRequestText.checksPrompt(
                    unit: current,
                    pullRequest: number,
                    failures: failures,
                    checks: checkList(of: current),
                    problem: problem
                )
            }
            let outcome = try await invokeAgent(
                unit: unit,
                task: nil,
                attempt: attempt,
                turn: kind.turn,
                prompt: prompt,
                worktree: worktree
            )
            if outcome.stoppedBecause == .cancelled { throw Stop.interrupted }
            let review = try await reviewFixTurn(unit: unit, worktree: worktree)
            if !outcome.succeeded {
                problem = "the agent \(describeAgent(outcome))"
                continue
            }
            if let failure = review.failure {
                problem = failure
                continue
            }
            // The checks see exactly what will be committed: everything is staged first.
            try await git.run(["add", "-A"])
            if let failure = try await failingCheck(unit: unit, worktree: worktree, stage: .pullRequest) {
                problem = failure
                continue
            }
            let summary: String
            let answered: [String]
            switch kind {
            case .review(let items):
                summary = "Addressed the review feedback (\(items.count) comment\(items.count == 1 ? "" : "s"))."
                answered = items.map(\.id)
            case .checks(let failures):
                summary = "Fixed the failing CI check\(failures.count == 1 ? "" : "s")."
                answered = []
            }
            var commit = try await git.commitStaged(message: "fix(\(unit)): \(summary.dropLast()) on #\(number)")
            if commit == nil { commit = try await git.resolve("HEAD") }
            try await push(unit: unit, git: git, github: github)
            let comment = PullRequestText.fixComment(commit: commit ?? "", summary: summary, answered: answered)
            _ = try await gitHub("commenting on #\(number)") {
                try await github.client.addComment(number, body: comment)
            }
            if case .review = kind {
                context.bus.publish(
                    Event(
                        .prFeedbackAddressed(.init(number: number, commit: commit ?? "", answered: answered.count)),
                        unit: unit
                    )
                )
            }
            return
        }
        throw Stop.failed(
            "the agent could not address \(kindName(kind)) on pull request #\(number) in \(limit) attempts "
                + "(max_attempts): \(problem ?? "no reason given"); the pull request stays open"
        )
    }

    private func kindName(_ kind: FixKind) -> String {
        switch kind {
        case .review: "the review feedback"
        case .checks: "the failing CI checks"
        }
    }

    // MARK: Landing

    /// Lands the unit's pull request: brings its branch up to date with the base if needed (checks
    /// again, pushes, waits for CI), merges through the API with `merge.method`, fast-forwards the
    /// local target to the result and deletes the remote branch (unless `github.delete_branch: false`).
    func landOnGitHub(unit: String, github: GitHubMode, shutdown: ShutdownFlag) async throws {
        let worktree = context.worktreeBase + "/" + unit
        let branch = Self.branch(for: unit)
        let git = Git(repository: worktree, runner: context.runner, environment: ["GIT_EDITOR": "true"])
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        guard let number = github.pullRequests.number(of: unit) else {
            throw Stop.failed("no pull request is known for \(branch); run again to open one")
        }
        try await rollBackUnfinishedMerge(unit: unit, git: git)
        for _ in 1 ... Self.landingRounds {
            if Task.isCancelled { throw Stop.interrupted }
            let pullRequest = try await gitHub("reading pull request #\(number)") {
                try await github.client.pullRequest(number)
            }
            if pullRequest.merged {
                try await finishLanding(unit: unit, number: number, head: pullRequest.head.sha, github: github)
                return
            }
            if !pullRequest.isOpen { throw closedByPerson(unit: unit, number: number) }
            let base = try await fetchTarget(github: github, repository: repository)
            if try await !git.isAncestor(base, of: "HEAD") {
                context.bus.publish(
                    Event(.prConflict(.init(number: number, base: base)), unit: unit)
                )
                try await bringUpToDate(unit: unit, git: git, onto: base, worktree: worktree)
                try await revalidate(unit: unit, worktree: worktree)
                try await push(unit: unit, git: git, github: github)
            }
            // Green already costs one conditional request; after a new push this waits for its CI.
            try await awaitChecks(unit: unit, number: number, worktree: worktree, github: github, shutdown: shutdown)
            guard let head = try await git.resolve("HEAD") else { throw Stop.failed("the worktree has no HEAD") }
            if let retry = try await merge(number, head: head, github: github) {
                // The base moved under the merge, required checks have not reported yet, or GitHub
                // has not caught up with the push: look again after a poll interval.
                context.bus.publish(
                    Event(.unitMergeUpdated(.init(retry: true, reason: retry)), unit: unit)
                )
                try await wait(github: github)
                continue
            }
            try await finishLanding(unit: unit, number: number, head: head, github: github)
            return
        }
        throw Stop.failed(
            "pull request #\(number) could not be merged after \(Self.landingRounds) tries (its base kept moving or "
                + "GitHub refused); it stays open with the unit's work. Run again to land it."
        )
    }

    /// Merges pull request `number` at `head`; `nil` when merged, or why it is worth trying again.
    private func merge(_ number: Int, head: String, github: GitHubMode) async throws -> String? {
        let outcome: MergeOutcome
        do {
            outcome = try await github.client.merge(number, sha: head, method: context.config.merge.method.rawValue)
        } catch {
            if let status = error.status, status == 405 || status == 409 { return "\(error)" }
            if case .cancelled = error { throw Stop.interrupted }
            throw Stop.failed("merging pull request #\(number) failed: \(error)")
        }
        guard outcome.merged else { throw Stop.failed("GitHub did not merge #\(number): \(outcome.message)") }
        return nil
    }

    /// After GitHub merged the pull request: fast-forwards the local target (and its checkout) to
    /// the remote's, deletes the remote branch, and reports the landing.
    private func finishLanding(unit: String, number: Int, head: String, github: GitHubMode) async throws {
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        let target = context.targetBranch
        github.pullRequests.recordMerged(unit: unit, head: head)
        let merged = try await fetchTarget(github: github, repository: repository)
        context.bus.publish(
            Event(.prMerged(.init(number: number, commit: merged)), unit: unit)
        )
        try await syncTarget(to: merged, repository: repository)
        if context.config.github.deleteBranch {
            do {
                try await github.client.deleteBranch(Self.branch(for: unit))
                _ = try? await repository.run([
                    "update-ref", "-d", "refs/remotes/\(github.remote)/\(Self.branch(for: unit))",
                ])
            } catch {
                context.bus.publish(
                    Event(.unitCleanupFailed, unit: unit, error: "deleting the branch on GitHub: \(error)")
                )
            }
        }
        _ = try? await repository.run(["update-ref", "-d", Self.pushedRef(Self.branch(for: unit))])
        context.bus.publish(
            Event(
                .unitMerged(.init(commit: merged, target: target, branch: Self.branch(for: unit), pullRequest: number)),
                unit: unit
            )
        )
    }

    /// Fetches the target branch from the remote; its tip there.
    private func fetchTarget(github: GitHubMode, repository: Git) async throws -> String {
        let target = context.targetBranch
        let tracking = "refs/remotes/\(github.remote)/\(target)"
        do {
            try await repository.run(["fetch", "--quiet", github.remote, "+refs/heads/\(target):\(tracking)"])
        } catch {
            throw Stop.failed("fetching `\(target)` from \(github.remote) failed: \(error)")
        }
        guard let tip = try await repository.resolve(tracking) else {
            throw Stop.failed("\(github.remote) has no branch `\(target)`")
        }
        return tip
    }

    /// Moves the local target forward to `tip` (only by fast-forward), with its checkout if any.
    private func syncTarget(to tip: String, repository: Git) async throws {
        let target = context.targetBranch
        for _ in 1 ... Self.landingRounds {
            guard let local = try await repository.resolve("refs/heads/" + target) else {
                throw Stop.failed("the target branch `\(target)` no longer exists")
            }
            if local == tip { return }
            guard try await repository.isAncestor(local, of: tip) else {
                throw Stop.failed(
                    "the pull request was merged on GitHub, but the local `\(target)` has commits the remote does not, "
                        + "so it was not fast-forwarded; pull or rebase `\(target)` yourself"
                )
            }
            if try await moveTarget(from: local, to: tip, repository: repository) { return }
        }
    }

    // MARK: Helpers

    private func closedByPerson(unit: String, number: Int) -> Stop {
        context.bus.publish(
            Event(.prFailed(.init(number: number)), unit: unit, error: "closed without merging")
        )
        return Stop.failed(
            "pull request #\(number) was closed on GitHub without merging; the unit's work is kept on "
                + "\(Self.branch(for: unit)). Reopen it and run again to carry on, or leave the unit failed."
        )
    }

    /// Runs a call to GitHub, turning its error into the unit's failure with `what` it was doing.
    private func gitHub<T: Sendable>(_ what: String, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch GitHubError.cancelled {
            throw Stop.interrupted
        } catch let error as GitHubError {
            throw Stop.failed("\(what) on GitHub failed: \(error)")
        }
    }

    private func wait(github: GitHubMode) async throws {
        do {
            try await github.clock.sleep(for: context.config.review.pollInterval)
        } catch {
            throw Stop.interrupted
        }
    }

    /// `duration` the way a person writes it: `2 h`, `1 h 30 min`, `5 min`, `0.3 s`.
    static func readable(_ duration: Duration) -> String {
        let seconds = interval(duration)
        guard seconds >= 60 else { return Self.seconds(duration) }
        let minutes = Int(seconds / 60)
        let (hours, rest) = (minutes / 60, minutes % 60)
        if hours == 0 { return "\(minutes) min" }
        return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
    }

    static func interval(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
