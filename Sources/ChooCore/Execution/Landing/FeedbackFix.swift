import Foundation

/// One round of fixing what a pull request asks for (review feedback or failing CI checks): the
/// agent's turn on top of anything a reviewer pushed, the guards, the unit's checks (retrying with
/// their output up to `max_attempts`), then commit, push and a comment saying what was done.
struct FeedbackFix: GitHubPart {
    let work: UnitWork
    let github: GitHubMode

    /// What is to be fixed.
    enum Kind {
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
    func fix(number: Int, kind: Kind) async throws {
        let git = work.git()
        let limit = max(1, context.config.maxAttempts)
        var problem: String?
        // A reviewer may have pushed to the pull request: the agent works on top of that.
        try await branchPush.takeInRemoteCommits()
        for attempt in 1 ... limit {
            let current = try work.reload()
            let checks = baseline.checkList(of: current)
            let prompt =
                switch kind {
                case .review(let items):
                    PullRequestText.feedbackPrompt(
                        unit: current,
                        pullRequest: number,
                        feedback: items,
                        checks: checks,
                        problem: problem
                    )
                case .checks(let failures):
                    PullRequestText.checksPrompt(
                        unit: current,
                        pullRequest: number,
                        failures: failures,
                        checks: checks,
                        problem: problem
                    )
                }
            let outcome = try await agent.invoke(
                task: nil,
                attempt: attempt,
                turn: kind.turn,
                prompt: prompt
            )
            if outcome.stoppedBecause == .cancelled { throw UnitStop.interrupted }
            let review = try await guards.reviewFixTurn()
            if !outcome.succeeded {
                problem = "the agent \(OutcomeText.describeAgent(outcome, config: context.config))"
                continue
            }
            if let failure = review.failure {
                problem = failure
                continue
            }
            // The checks see exactly what will be committed: everything is staged first.
            try await git.stageAll()
            if let failure = try await baseline.failingCheck(stage: .pullRequest) {
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
            try await branchPush.push()
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
        throw UnitStop.failed(
            "the agent could not address \(kindName(kind)) on pull request #\(number) in \(limit) attempts "
                + "(max_attempts): \(problem ?? "no reason given"); the pull request stays open"
        )
    }

    private func kindName(_ kind: Kind) -> String {
        switch kind {
        case .review: "the review feedback"
        case .checks: "the failing CI checks"
        }
    }
}
