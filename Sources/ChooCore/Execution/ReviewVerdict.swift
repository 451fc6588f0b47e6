import Foundation

/// What a pull request's reviews, reactions and comments say, decided without I/O.
///
/// An approving review or a +1 reaction approves, but only once no reviewer's latest review
/// requests changes and every piece of feedback is answered; an eyes reaction means a review is
/// under way, so feedback waits until it is gone (the Go tool's protocol); then unanswered feedback
/// goes to the agent; else the review is pending. choo's own comments are never feedback, and the
/// feedback they name as answered is not asked again.
enum ReviewVerdict: Sendable, Hashable {
    case approved(by: String)
    case inProgress
    case feedback([PullRequestText.Feedback])
    case pending

    init(reviews: [Review], reactions: [Reaction], comments: [IssueComment], lineComments: [ReviewComment]) {
        let reviews = reviews.sorted { $0.id < $1.id }
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
        let answered = Set(
            comments.filter { PullRequestText.isChoo($0.body) }.flatMap { PullRequestText.answered(in: $0.body) }
        )
        var feedback: [PullRequestText.Feedback] = []
        for review in reviews where !answered.contains("review:\(review.id)") {
            let body = review.body?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let asks = review.state == "CHANGES_REQUESTED" || (review.state == "COMMENTED" && !body.isEmpty)
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
        where !answered.contains("line:\(comment.id)") && !PullRequestText.isChoo(comment.body) {
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
        where !answered.contains("comment:\(comment.id)") && !PullRequestText.isChoo(comment.body) {
            feedback.append(
                .init(id: "comment:\(comment.id)", author: comment.user?.login ?? "a reviewer", body: comment.body)
            )
        }
        let blocked = standing.values.contains("CHANGES_REQUESTED")
        // The approver named is the one who approved first, among those whose approval stands.
        let approver = standing.filter { $0.value == "APPROVED" }.keys.min {
            (firstApproval[$0] ?? .max) < (firstApproval[$1] ?? .max)
        }
        if let approver, !blocked, feedback.isEmpty {
            self = .approved(by: approver)
        } else if let thumbs = reactions.sorted(by: { $0.id < $1.id }).first(where: { $0.content == "+1" }), !blocked,
            feedback.isEmpty
        {
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
