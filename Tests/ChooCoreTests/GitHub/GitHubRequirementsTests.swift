import ChooCore
import ChooTesting
import Foundation
import Testing

/// Reading what GitHub requires of pull requests into a branch, through real HTTP against the fake.
@Suite(.temporaryDirectory)
struct GitHubRequirementsTests {
    @Test("an unprotected branch without rulesets requires nothing; the repository's merge methods are read")
    func unprotected() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, client in
            fake.allowedMergeMethods = ["squash", "rebase"]
            let requirements = try await client.requirements(of: "main")
            #expect(
                requirements
                    == TargetRequirements(branch: "main", protected: false, allowedMethods: ["squash", "rebase"])
            )
            #expect(!requirements.approvalNeedsReview)
            #expect(!requirements.allows(method: "merge"))
        }
    }

    @Test("classic protection, read with admin access: required checks, reviews, signatures, linear history")
    func classicProtection() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, client in
            fake.protect(
                .init(
                    requiredChecks: ["build"],
                    strict: true,
                    requiredApprovals: 2,
                    signatures: true,
                    linearHistory: true
                )
            )
            let requirements = try await client.requirements(of: "main")
            #expect(requirements.protected == true)
            #expect(requirements.requiredChecks == ["build"])
            #expect(requirements.upToDate && requirements.signatures && requirements.linearHistory)
            #expect(requirements.requiredApprovals == 2 && requirements.approvalNeedsReview)
            #expect(requirements.allowedMethods == ["squash", "rebase"], "linear history allows no merge commits")
            #expect(requirements.unreadable.isEmpty)
        }
    }

    @Test("protection a read token cannot see is unknown, not an error; the branch's checks and rulesets still count")
    func unreadableProtectionAndRulesets() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, client in
            fake.protect(.init(requiredChecks: ["build"], requiredApprovals: 1), readable: false)
            fake.addRule(.requiredChecks(["lint", "build"]))
            fake.addRule(.mergeQueue)
            let requirements = try await client.requirements(of: "main")
            #expect(requirements.requiredChecks == ["build", "lint"])
            #expect(requirements.requiredApprovals == nil, "reviews are in the protection it cannot read")
            #expect(requirements.mergeQueue)
            #expect(requirements.unreadable == ["branch protection (403: Resource not accessible by integration)"])
            #expect(requirements.summary().contains { $0.hasPrefix("a merge queue is required") })
            #expect(requirements.summary().contains { $0.hasPrefix("required reviews unknown") })
        }
    }

    @Test("a ruleset's pull request rule gives the approvals and narrows the merge methods")
    func pullRequestRule() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, client in
            fake.addRule(.pullRequest(approvals: 1, methods: ["squash", "merge"]))
            fake.allowedMergeMethods = ["squash", "rebase"]
            let requirements = try await client.requirements(of: "main")
            #expect(requirements.requiredApprovals == 1)
            #expect(requirements.allowedMethods == ["squash"])
            #expect(requirements.summary(method: "merge").last?.contains("set merge.method to one of squash") == true)
        }
    }
}
