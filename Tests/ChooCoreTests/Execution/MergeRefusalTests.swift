import Testing

@testable import ChooCore

/// Which of GitHub's merge refusals are worth trying again, and what to do about the others.
struct MergeRefusalTests {
    static func refusal(_ status: Int, _ message: String, method: String = "squash") -> MergeRefusal? {
        MergeRefusal(
            .http(status: status, method: "PUT", path: "/repos/acme/widgets/pulls/1/merge", message: message),
            method: method,
            allowedMethods: ["merge", "rebase"]
        )
    }

    @Test(
        "refusals that may pass on a later try are transient",
        arguments: [
            (409, "Head branch was modified. Review and try the merge again."),
            (405, "Base branch was modified. Review and try the merge again."),
            (405, "Head branch is out of date. Review and try the merge again."),
            (405, "Pull Request is not mergeable"),
            (405, "Required status check \"build\" is expected."),
            (405, "Required status check \"build\" is in progress."),
        ]
    )
    func transient(status: Int, message: String) throws {
        let refusal = try #require(Self.refusal(status, message))
        #expect(!refusal.isPermanent)
        #expect(refusal.status == status && refusal.message == message)
    }

    @Test(
        "permanent refusals say what to do",
        arguments: [
            ("Merge commits are not allowed on this repository.", "set merge.method"),
            ("Squash merges are not allowed on this repository.", "a method it allows (merge, rebase)"),
            ("Repository rule violations found\n\nChanges must be made through the merge queue", "merge queue"),
            ("Commits must have verified signatures.", "signed commits"),
            ("At least 1 approving review is required by reviewers with write access.", "a +1 reaction does not count"),
            ("Waiting on code owner review from acme/core.", "approving review"),
        ]
    )
    func permanent(message: String, advice: String) throws {
        let refusal = try #require(Self.refusal(405, message))
        #expect(refusal.isPermanent)
        #expect(refusal.advice?.contains(advice) == true, "\(refusal.advice ?? "")")
    }

    @Test("a 403 or 422 is permanent; no answer at all is not a refusal")
    func otherStatuses() throws {
        #expect(try #require(Self.refusal(403, "Resource not accessible by integration")).isPermanent)
        #expect(try #require(Self.refusal(422, "Validation Failed")).isPermanent)
        #expect(
            MergeRefusal(
                .transport(method: "PUT", path: "/merge", reason: "timed out"),
                method: "squash",
                allowedMethods: nil
            ) == nil
        )
    }
}
