import Foundation
import Testing

@testable import ChooCore

/// The review verdict from reviews, reactions and comments, without GitHub.
struct ReviewVerdictTests {
    /// One case: what the pull request holds, and the verdict it must give.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reviews: [Review] = []
        var reactions: [Reaction] = []
        var comments: [IssueComment] = []
        var lineComments: [ReviewComment] = []
        var verdict: ReviewVerdict

        var testDescription: String { name }
    }

    static let time = Date(timeIntervalSince1970: 0)

    static func review(_ id: Int, _ login: String, _ state: String, _ body: String? = nil) -> Review {
        Review(id: id, user: User(login: login), state: state, body: body)
    }

    static func reaction(_ id: Int, _ content: String, by login: String = "ann") -> Reaction {
        Reaction(id: id, content: content, user: User(login: login), createdAt: time)
    }

    static func comment(_ id: Int, _ body: String, by login: String = "ann") -> IssueComment {
        IssueComment(id: id, user: User(login: login), body: body, createdAt: time)
    }

    static let cases: [Case] = [
        Case(name: "nothing yet is pending", verdict: .pending),
        Case(
            name: "an approving review approves",
            reviews: [review(1, "ann", "APPROVED")],
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "the first standing approver is named",
            reviews: [review(1, "zed", "APPROVED"), review(2, "ann", "APPROVED")],
            verdict: .approved(by: "zed")
        ),
        Case(name: "a +1 reaction approves", reactions: [reaction(1, "+1", by: "bob")], verdict: .approved(by: "bob")),
        Case(
            name: "a change request is feedback, and blocks another reviewer's approval",
            reviews: [review(1, "ann", "APPROVED"), review(2, "bob", "CHANGES_REQUESTED", "rename it")],
            verdict: .feedback([.init(id: "review:2", author: "bob", body: "rename it")])
        ),
        Case(
            name: "a reviewer's later approval stands over their earlier change request once it is answered",
            reviews: [review(1, "ann", "CHANGES_REQUESTED", "fix"), review(2, "ann", "APPROVED")],
            comments: [
                comment(9, PullRequestText.fixComment(commit: "abc", summary: "Fixed.", answered: ["review:1"]))
            ],
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "a dismissed change request no longer blocks",
            reviews: [review(1, "bob", "CHANGES_REQUESTED"), review(2, "bob", "DISMISSED")],
            reactions: [reaction(3, "+1")],
            comments: [
                comment(9, PullRequestText.fixComment(commit: "abc", summary: "Fixed.", answered: ["review:1"]))
            ],
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "an eyes reaction holds feedback back while a review is under way",
            reactions: [reaction(1, "eyes")],
            comments: [comment(2, "please add tests")],
            verdict: .inProgress
        ),
        Case(
            name: "unanswered comments, line comments and commented reviews are feedback, in order",
            reviews: [review(5, "bob", "COMMENTED", "  looks odd  "), review(6, "bob", "COMMENTED", "")],
            comments: [comment(2, "please add tests")],
            lineComments: [
                ReviewComment(id: 4, user: User(login: "cy"), body: "typo", path: "a.swift", line: 3, createdAt: time)
            ],
            verdict: .feedback([
                .init(id: "review:5", author: "bob", body: "looks odd"),
                .init(id: "line:4", author: "cy", body: "typo", location: "a.swift:3"),
                .init(id: "comment:2", author: "ann", body: "please add tests"),
            ])
        ),
        Case(
            name: "an approval waits while feedback is unanswered",
            reviews: [review(1, "ann", "APPROVED")],
            comments: [comment(2, "one more thing")],
            verdict: .feedback([.init(id: "comment:2", author: "ann", body: "one more thing")])
        ),
        Case(
            name: "choo's own comments are not feedback, and what they answered is not asked again",
            reviews: [review(1, "ann", "CHANGES_REQUESTED", "fix")],
            comments: [
                comment(9, PullRequestText.fixComment(commit: "abc", summary: "Fixed.", answered: ["review:1"]))
            ],
            verdict: .pending
        ),
    ]

    @Test("the verdict", arguments: cases)
    func verdict(_ example: Case) {
        let verdict = ReviewVerdict(
            reviews: example.reviews,
            reactions: example.reactions,
            comments: example.comments,
            lineComments: example.lineComments
        )
        #expect(verdict == example.verdict)
    }
}
