import ChooCore
import ChooTesting
import Foundation
import Testing

/// What GitHub requires, through the built `choo`: shown at the start (and by `run --dry-run --pr`),
/// recorded in the journal, and GitHub's own reason when it refuses a merge for good. None of these
/// waits for a reviewer or CI (`--skip-review`, no CI), and the poll interval is an hour.
@Suite(.temporaryDirectory, .serialized)
struct GitHubRequirementsModeTests {
    let bare = TemporaryDirectory.current("origin.git")

    func withGitHub<T>(_ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await GitHubFixture.withFake(bare: bare, body)
    }

    @Test("a permanent 405 (merge commits not allowed) fails the unit at once with GitHub's message and what to do")
    func permanentRefusalFailsAtOnce() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare, pollInterval: "1h", mergeMethod: "merge") {
                specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            }
            fake.allowedMergeMethods = ["squash", "rebase"]
            let result = try await ChooBinary.run(
                ["run", "--skip-review"],
                in: fixture.run.repository.path,
                environment: GitHubFixture.environment
            )
            #expect(result.exitCode == 1, "\(result.stdout)\n\(result.stderr)")
            let output = result.stdout + result.stderr
            // Said at the start, before any work: the method GitHub will refuse.
            #expect(
                output.contains("merge.method is merge, which the repository does not allow (allowed: squash, rebase)")
            )
            #expect(
                output.contains("GitHub refused the merge (405: Merge commits are not allowed on this repository.)")
            )
            #expect(
                output.contains(
                    "GitHub refused to merge pull request #1 (405: Merge commits are not allowed on this repository.); "
                        + "merge.method is merge, which this repository does not allow: set merge.method"
                ),
                "\(output)"
            )
            let merges = fake.requests.filter { $0.method == "PUT" && $0.pathWithoutQuery.hasSuffix("/merge") }
            #expect(merges.count == 1, "never tried again")
            #expect(fake.pullRequests.first?.isOpen == true)
            #expect(try await fixture.origin("branch", "--list", "ralph/a").contains("ralph/a"))
            #expect(try await fixture.run.repository.git("branch", "--list", "ralph/a").contains("ralph/a"))
        }
    }

    @Test("what the target requires is recorded in the journal and printed at the start of the run")
    func requirementsRecorded() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture.oneUnit(fake, bare: bare, pollInterval: "1h")
            fake.addRule(.pullRequest(approvals: 0, methods: ["squash"]))
            let result = try await ChooBinary.run(
                ["run", "--skip-review"],
                in: fixture.run.repository.path,
                environment: GitHubFixture.environment
            )
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(
                result.stdout.contains(
                    "GitHub: pull requests into main: no approving review required (an approving review or a +1 "
                        + "reaction approves); no required status checks; merge methods allowed: squash"
                ),
                "\(result.stdout)"
            )
            let journal = try RunJournal(in: fixture.run.repository(".ralph/worktrees"))
            let run = try #require(try journal.runs(limit: 1).first)
            let recorded = try journal.events(run: run.id).first { $0.type == .githubRequirements }
            let requirements = try #require(recorded?.details(TargetRequirements.self))
            #expect(requirements.allowedMethods == ["squash"] && requirements.requiredApprovals == 0)
            #expect(requirements.protected == false)
        }
    }

    @Test("run --dry-run --pr shows what GitHub requires and whether CI is expected, and changes nothing")
    func dryRunShowsRequirements() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(
                fake: fake,
                bare: bare,
                pollInterval: "1h",
                files: [".github/workflows/ci.yml": "on:\n  pull_request:\n    branches: [main]\n"]
            ) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            }
            fake.protect(.init(requiredChecks: ["build", "lint"], strict: true, requiredApprovals: 2))
            let before = FileTreeSnapshot.take(fixture.run.repository.path)
            let refs = try await fixture.run.repository.git("for-each-ref")
            let result = try await ChooBinary.run(
                ["run", "--dry-run", "--pr"],
                in: fixture.run.repository.path,
                environment: GitHubFixture.environment
            )
            #expect(result.exitCode == 0, "\(result.stderr)")
            for line in [
                "GitHub: pull requests into acme/widgets `main`:",
                "  - 2 approving reviews required: approval must be a review, a +1 reaction does not count for merging",
                "  - required checks: build, lint",
                "  - the head must be up to date with `main`",
                "  - CI expected on every head: .github/workflows/ci.yml; waited for up to 10 min (github.ci_grace)",
            ] {
                #expect(result.stdout.contains(line), "\(line)\n\(result.stdout)")
            }
            #expect(FileTreeSnapshot.take(fixture.run.repository.path) == before)
            #expect(try await fixture.run.repository.git("for-each-ref") == refs)
            #expect(fake.requests.allSatisfy { $0.method == "GET" })
        }
    }
}
