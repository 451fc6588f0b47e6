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
        var requiredApprovals: Int?
        var bots: Set<String> = []
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

    static func comment(_ id: Int, _ body: String, by login: String = "ann", type: String? = nil) -> IssueComment {
        IssueComment(id: id, user: User(login: login, type: type), body: body, createdAt: time)
    }

    static func lineComment(_ id: Int, _ body: String, by login: String) -> ReviewComment {
        ReviewComment(id: id, user: User(login: login), body: body, path: "a.swift", line: 1, createdAt: time)
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
            name: "an approval waits while another person's feedback is unanswered",
            reviews: [review(1, "ann", "APPROVED")],
            comments: [comment(2, "one more thing", by: "bob")],
            verdict: .feedback([.init(id: "comment:2", author: "bob", body: "one more thing")])
        ),
        Case(
            name: "the approver's own comments (LGTM) are not feedback",
            reviews: [review(1, "ann", "APPROVED"), review(3, "ann", "COMMENTED", "Nice work")],
            comments: [comment(2, "LGTM")],
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "a line comment from a person is feedback, even from the approver",
            reviews: [review(1, "ann", "APPROVED")],
            lineComments: [lineComment(4, "typo here", by: "ann")],
            verdict: .feedback([.init(id: "line:4", author: "ann", body: "typo here", location: "a.swift:1")])
        ),
        Case(
            name: "a comment by a reviewer whose latest review requests changes is feedback",
            reviews: [review(1, "ann", "APPROVED"), review(2, "ann", "CHANGES_REQUESTED")],
            comments: [comment(3, "on second thought")],
            verdict: .feedback([
                .init(id: "review:2", author: "ann", body: "(changes requested, without a comment)"),
                .init(id: "comment:3", author: "ann", body: "on second thought"),
            ])
        ),
        Case(
            name: "bots' comments are not feedback: GitHub's Bot accounts, [bot] logins and github.bots",
            reactions: [reaction(1, "+1")],
            comments: [
                comment(2, "Coverage: 81%", by: "codecov", type: "Bot"),
                comment(3, "CI summary", by: "github-actions[bot]"),
                comment(4, "Deployed a preview", by: "preview-deployer"),
            ],
            lineComments: [lineComment(5, "lint: unused variable", by: "linter[bot]")],
            bots: ["preview-deployer"],
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "a bot's approval or +1 does not approve",
            reviews: [Review(id: 1, user: User(login: "helper", type: "Bot"), state: "APPROVED")],
            reactions: [reaction(2, "+1", by: "renovate[bot]")],
            verdict: .pending
        ),
        Case(
            name: "where GitHub requires an approving review, a +1 reaction does not approve",
            reactions: [reaction(1, "+1")],
            requiredApprovals: 1,
            verdict: .pending
        ),
        Case(
            name: "where GitHub requires an approving review, a review approves",
            reviews: [review(1, "ann", "APPROVED")],
            reactions: [reaction(2, "+1", by: "bob")],
            requiredApprovals: 1,
            verdict: .approved(by: "ann")
        ),
        Case(
            name: "two required approvals need two people",
            reviews: [review(1, "ann", "APPROVED")],
            requiredApprovals: 2,
            verdict: .pending
        ),
        Case(
            name: "two required approvals given by two people approve",
            reviews: [review(1, "ann", "APPROVED"), review(2, "bob", "APPROVED")],
            requiredApprovals: 2,
            verdict: .approved(by: "ann")
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
            lineComments: example.lineComments,
            requiredApprovals: example.requiredApprovals,
            bots: example.bots
        )
        #expect(verdict == example.verdict)
    }
}
