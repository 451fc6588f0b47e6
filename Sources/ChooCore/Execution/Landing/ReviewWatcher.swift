import Foundation

/// Watching a unit's pull request for its review: polls on the run's clock until it is approved,
/// handing feedback to the agent (``FeedbackFix``) as it comes; what the reviews, reactions and
/// comments say is decided by ``ReviewVerdict``.
struct ReviewWatcher: GitHubPart {
    let work: UnitWork
    let github: GitHubMode

    /// Polls the pull request until it is approved, answering feedback as it comes; returns true
    /// when a person merged it meanwhile. Fails when it is closed or `review.timeout` passes.
    func awaitApproval(number: Int, shutdown: ShutdownFlag) async throws -> Bool {
        let timeout = context.config.review.timeout
        let deadline = github.clock.now().addingTimeInterval(OutcomeText.interval(timeout))
        var announced: String?
        var rounds = 0
        while true {
            if shutdown.isRaised || Task.isCancelled { throw UnitStop.interrupted }
            let pullRequest = try await gitHub("reading pull request #\(number)") {
                try await github.client.pullRequest(number)
            }
            if !pullRequest.isOpen {
                if pullRequest.merged { return true }
                throw closedByPerson(number: number)
            }
            let verdict = try await verdict(number: number)
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
                try await FeedbackFix(work: work, github: github).fix(number: number, kind: .review(items))
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
                throw UnitStop.failed(
                    "pull request #\(number) was not approved within \(OutcomeText.readable(timeout)) (review.timeout); it "
                        + "stays open. Run again to keep waiting, or pass --skip-review to merge without approval."
                )
            }
            try await wait(shutdown: shutdown)
        }
    }

    /// Reads the pull request's reviews, reactions and comments and decides what they say.
    private func verdict(number: Int) async throws -> ReviewVerdict {
        let client = github.client
        let what = "reading the reviews of #\(number)"
        let reviews: [Review] = try await gitHub(what) { try await client.reviews(number) }
        let reactions: [Reaction] = try await gitHub(what) { try await client.reactions(number) }
        let comments: [IssueComment] = try await gitHub(what) { try await client.issueComments(number) }
        let lineComments: [ReviewComment] = try await gitHub(what) { try await client.reviewComments(number) }
        return ReviewVerdict(
            reviews: reviews,
            reactions: reactions,
            comments: comments,
            lineComments: lineComments,
            requiredApprovals: github.requirements?.requiredApprovals,
            bots: Set(context.config.github.bots)
        )
    }
}
