import Foundation

/// What a pull request's reviews, reactions and comments say, decided without I/O.
///
/// Only people count: reviews, comments and reactions from bots (GitHub's `Bot` accounts, logins
/// ending in `[bot]`, and `github.bots`) are neither feedback nor approval. The pull request is
/// approved when as many people approve as GitHub requires (at least one), no person's latest
/// review requests changes, and every piece of feedback is answered. A +1 reaction approves too,
/// but only where GitHub requires no approving review (it would refuse the merge otherwise). An
/// eyes reaction means a review is under way, so feedback waits until it is gone (the Go tool's
/// protocol); then unanswered feedback goes to the agent; else the review is pending.
///
/// Feedback is a change request or a line comment from a person, always, and a review comment or a
/// conversation comment from a person whose latest review does not approve (an approver's "LGTM"
/// is not feedback). choo's own comments are never feedback, and the feedback they name as
/// answered is not asked again.
enum ReviewVerdict: Sendable, Hashable {
    case approved(by: String)
    case inProgress
    case feedback([PullRequestText.Feedback])
    case pending

    /// Decides from the pull request's activity; `requiredApprovals` is how many approving reviews
    /// GitHub requires (`nil`: not known, taken as none) and `bots` the logins of `github.bots`.
    init(
        reviews: [Review],
        reactions: [Reaction],
        comments: [IssueComment],
        lineComments: [ReviewComment],
        requiredApprovals: Int? = nil,
        bots: Set<String> = []
    ) {
        func isPerson(_ user: User?) -> Bool { !(user?.isBot(among: bots) ?? false) }
        let reviews = reviews.sorted { $0.id < $1.id }.filter { isPerson($0.user) }
        // Each reviewer's standing verdict is their latest approving or change-requesting review;
        // a dismissed review withdraws it.
        var standing: [String: String] = [:]
        var firstApproval: [String: Int] = [:]
        for review in reviews {
            let login = review.user?.login ?? "someone"
            switch review.state {
            case "APPROVED", "CHANGES_REQUESTED":
                standing[login] = review.state
                if review.state == "APPROVED", firstApproval[login] == nil { firstApproval[login] = review.id }
            case "DISMISSED":
                standing[login] = nil
            default:
                break
            }
        }
        let approvers = Set(standing.filter { $0.value == "APPROVED" }.keys)
        func approves(_ user: User?) -> Bool { user.map { approvers.contains($0.login) } ?? false }
        let answered = Set(
            comments.filter { PullRequestText.isChoo($0.body) }.flatMap { PullRequestText.answered(in: $0.body) }
        )
        var feedback: [PullRequestText.Feedback] = []
        for review in reviews where !answered.contains("review:\(review.id)") {
            let body = review.body?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let asks =
                review.state == "CHANGES_REQUESTED"
                || (review.state == "COMMENTED" && !body.isEmpty && !approves(review.user))
            guard asks, !PullRequestText.isChoo(body) else { continue }
            feedback.append(
                .init(
                    id: "review:\(review.id)",
                    author: review.user?.login ?? "a reviewer",
                    body: body.isEmpty ? "(changes requested, without a comment)" : body
                )
            )
        }
        for comment in lineComments.sorted(by: { $0.id < $1.id })
        where !answered.contains("line:\(comment.id)") && !PullRequestText.isChoo(comment.body)
            && isPerson(comment.user)
        {
            let location = comment.path.map { path in comment.line.map { "\(path):\($0)" } ?? path }
            feedback.append(
                .init(
                    id: "line:\(comment.id)",
                    author: comment.user?.login ?? "a reviewer",
                    body: comment.body,
                    location: location
                )
            )
        }
        for comment in comments.sorted(by: { $0.id < $1.id })
        where !answered.contains("comment:\(comment.id)") && !PullRequestText.isChoo(comment.body)
            && isPerson(comment.user) && !approves(comment.user)
        {
            feedback.append(
                .init(id: "comment:\(comment.id)", author: comment.user?.login ?? "a reviewer", body: comment.body)
            )
        }
        let reactions = reactions.sorted { $0.id < $1.id }.filter { isPerson($0.user) }
        let blocked = standing.values.contains("CHANGES_REQUESTED")
        let required = max(1, requiredApprovals ?? 0)
        // The approver named is the one who approved first, among those whose approval stands.
        let approver = approvers.min { (firstApproval[$0] ?? .max) < (firstApproval[$1] ?? .max) }
        let thumbs = (requiredApprovals ?? 0) == 0 ? reactions.first { $0.content == "+1" } : nil
        if let approver, approvers.count >= required, !blocked, feedback.isEmpty {
            self = .approved(by: approver)
        } else if let thumbs, !blocked, feedback.isEmpty {
            self = .approved(by: thumbs.user?.login ?? "a +1 reaction")
        } else if reactions.contains(where: { $0.content == "eyes" }) {
            self = .inProgress
        } else if !feedback.isEmpty {
            self = .feedback(feedback)
        } else {
            self = .pending
        }
    }
}
