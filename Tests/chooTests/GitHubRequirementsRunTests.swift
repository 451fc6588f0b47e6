import ChooCore
import ChooTesting
import Foundation
import Synchronization
import Testing

/// GitHub mode against a GitHub that behaves as GitHub does (issue #13), in process on a clock the
/// test drives: CI that registers its checks a while after a push, required checks and reviews,
/// bots, GitHub's refusals. Every wait is the test moving the clock; nothing sleeps.
@Suite(.temporaryDirectory)
struct GitHubRequirementsRunTests {
    let bare = TemporaryDirectory.current("origin.git")

    static let pullRequestWorkflow = [".github/workflows/ci.yml": "name: CI\non: pull_request\njobs: {}\n"]

    func withGitHub<T>(_ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await GitHubFixture.withFake(bare: bare, body)
    }

    /// One unit `a` whose check needs the agent's work, in a repository holding `files`.
    func oneUnit(
        _ fake: FakeGitHub,
        files: [String: String] = [:],
        gitHubSettings: [String] = []
    ) async throws -> GitHubFixture {
        try await GitHubFixture(fake: fake, bare: bare, gitHubSettings: gitHubSettings, files: files) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
    }

    /// Whether choo asked GitHub to merge (any `PUT .../merge`).
    static func mergeRequests(_ fake: FakeGitHub) -> [FakeGitHub.LoggedRequest] {
        fake.requests.filter { $0.method == "PUT" && $0.pathWithoutQuery.hasSuffix("/merge") }
    }

    @Test("`on: pull_request` workflows and no protection: the unit waits for its late CI and lands once it passed")
    func lateCIFromWorkflows() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake, files: Self.pullRequestWorkflow)
            let clock = DrivenWaitClock()
            fake.checks = { _ in [.passing("build")] }
            fake.registerChecksLate(after: .seconds(90), clock: clock)
            let (outcome, events) = try await fixture.inProcess(skipReview: true, clock: clock) { run in
                let waiting = await run.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
                let pending = try #require(waiting.details(Event.PullRequestChecks.self)?.pending)
                #expect(
                    pending == [
                        "CI (the workflow .github/workflows/ci.yml runs for this pull request), not reported yet"
                    ]
                )
                // 30 s and 60 s after the push CI has not registered: choo keeps waiting, never merging.
                try await run.nextPoll()
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                #expect(Self.mergeRequests(fake).isEmpty)
                #expect(fake.pullRequests.first?.merged == false)
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0, "\(events.compactMap(\.error))")
            #expect(fake.pullRequests.first?.merged == true)
            #expect(Self.mergeRequests(fake).count == 1)
            let passed = try #require(events.last { $0.details(Event.PullRequestChecks.self)?.result == .passed })
            #expect(passed.details(Event.PullRequestChecks.self)?.checks == 1)
        }
    }

    @Test("a head rebased after another unit landed waits for its own late required check; merge is never refused")
    func rebasedHeadWaitsForItsCI() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
            }
            fake.protect(.init(requiredChecks: ["build"]))
            let clock = DrivenWaitClock()
            fake.checks = { _ in [.passing("build")] }
            fake.registerChecksLate(after: .seconds(60), clock: clock)
            let (outcome, events) = try await fixture.inProcess(skipReview: true, parallelism: 2, clock: clock) {
                run in
                for unit in ["a", "b"] {
                    await run.events.first {
                        $0.unit == unit && $0.details(Event.PullRequestChecks.self)?.result == .pending
                    }
                }
                // Both heads' CI registers; one lands, the other is behind and is rebased and pushed.
                try await run.advance(by: .seconds(60), sleepers: 2)
                let conflict = await run.events.first(.prConflict)
                let second = try #require(conflict.unit)
                // The new head has no checks yet (nor does the merge commit on main): it waits.
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                let stillOpen = fake.pullRequests.first { $0.head == "ralph/\(second)" }
                #expect(stillOpen?.merged == false)
                #expect(Self.mergeRequests(fake).count == 1, "only the first unit was merged")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0, "\(events.compactMap(\.error))")
            #expect(fake.pullRequests.allSatisfy { $0.merged })
            #expect(!events.contains { $0.type == .prMergeRefused }, "choo never called merge before CI passed")
            #expect(Self.mergeRequests(fake).allSatisfy { $0.status == 200 })
        }
    }

    @Test("expected CI that never reports fails the unit after github.ci_grace, naming what it waited for")
    func expectedCINeverReports() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake, files: Self.pullRequestWorkflow, gitHubSettings: ["ci_grace: 90s"])
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                await run.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
                try await run.nextPoll()
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                #expect(!run.events.all.contains { $0.type == .unitFailed }, "not before the grace has passed")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 1)
            let failed = try #require(events.first { $0.type == .unitFailed })
            #expect(
                failed.error?.contains(
                    "(github.ci_grace): waited for CI (the workflow .github/workflows/ci.yml runs for this pull request)"
                ) == true,
                "\(failed.error ?? "")"
            )
            #expect(Self.mergeRequests(fake).isEmpty)
            #expect(fake.pullRequests.first?.isOpen == true)
        }
    }

    @Test("with github.ci: none a head without CI lands at once, with a warning naming the workflow")
    func ciNoneGoesOnWithWarning() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake, files: Self.pullRequestWorkflow, gitHubSettings: ["ci: none"])
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)
            let warning = try #require(events.first { $0.type == .githubWarning })
            #expect(warning.details(Event.GitHubWarning.self)?.message.contains(".github/workflows/ci.yml") == true)
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test(
        "where GitHub requires an approving review, it is said at the start and a +1 reaction does not approve",
        arguments: [true, false]
    )
    func requiredReviewNeedsAReview(classicProtection: Bool) async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            if classicProtection {
                fake.protect(.init(requiredApprovals: 1))
            } else {
                // A ruleset, with classic protection unreadable to this token.
                fake.protect(.init(), readable: false)
                fake.addRule(.pullRequest(approvals: 1))
            }
            let (outcome, events) = try await fixture.inProcess { run in
                let number = try await run.events.pullRequestAwaitingReview("a")
                try fake.addReaction(pr: number, content: "+1")
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                #expect(!run.events.all.contains { $0.type == .prReviewApproved }, "a reaction does not approve here")
                try await fake.addReview(pr: number, state: "APPROVED", user: "ann")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0, "\(events.compactMap(\.error))")
            let start = try #require(events.first { $0.type == .githubRequirements })
            let requirements = try #require(start.details(TargetRequirements.self))
            #expect(requirements.requiredApprovals == 1)
            #expect(requirements.unreadable.isEmpty == classicProtection)
            let line = try #require(EventLine.text(for: start))
            #expect(line.contains("approval must be a review, a +1 reaction does not count for merging"), "\(line)")
            let approved = try #require(events.first { $0.type == .prReviewApproved })
            #expect(approved.details(Event.ReviewApproved.self)?.by == "ann")
            #expect(Self.mergeRequests(fake).map(\.status) == [200], "merged at the first try")
        }
    }

    @Test("comments from bots and the approver's LGTM are not feedback: the approval merges without a fix turn")
    func botsAndApproverAreNotFeedback() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake, gitHubSettings: ["bots: [coverage-reporter]"])
            let (outcome, events) = try await fixture.inProcess { run in
                let number = try await run.events.pullRequestAwaitingReview("a")
                try fake.addIssueComment(pr: number, body: "CI summary: all green", user: "github-actions[bot]")
                try fake.addIssueComment(pr: number, body: "Coverage 91% (+2%)", user: "coverage-reporter")
                try await fake.addReview(pr: number, state: "APPROVED", user: "ann")
                try fake.addIssueComment(pr: number, body: "LGTM, thanks!", user: "ann")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)
            #expect(!events.contains { $0.type == .prFeedbackReceived })
            #expect(fixture.run.agent.prompts.count == 1, "only the task's turn")
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("a transient refusal (base modified) is shown with GitHub's status and message and retried after a backoff")
    func transientRefusalRetried() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let message = "Base branch was modified. Review and try the merge again."
            fake.failNext(1, status: 405, pathContaining: "/merge", message: message)
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                let refused = await run.events.first(.prMergeRefused, unit: "a")
                let details = try #require(refused.details(Event.MergeRefused.self))
                #expect(details.status == 405 && details.message == message && !details.permanent)
                #expect(details.retryInSeconds == 2)
                try await run.clock.sleepers(atLeast: 1)
                #expect(run.clock.sleeping.map(\.duration) == [.seconds(2)], "the first backoff, on the clock")
                run.clock.advance(by: .seconds(2))
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)
            #expect(Self.mergeRequests(fake).map(\.status) == [405, 200])
            let line = try #require(events.first { $0.type == .prMergeRefused }.flatMap { EventLine.text(for: $0) })
            #expect(line.contains("GitHub refused the merge (405: \(message)); trying again in 2 s"), "\(line)")
        }
    }

    @Test("a required merge queue is said at the start; choo never calls merge and leaves the pull request open")
    func mergeQueueRequired() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            fake.addRule(.mergeQueue)
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 1)
            let start = try #require(events.first { $0.type == .githubRequirements })
            #expect(start.details(TargetRequirements.self)?.mergeQueue == true)
            #expect(EventLine.text(for: start)?.contains("a merge queue is required") == true)
            let failed = try #require(events.first { $0.type == .unitFailed })
            #expect(failed.error?.contains("`main` requires a merge queue") == true, "\(failed.error ?? "")")
            #expect(Self.mergeRequests(fake).isEmpty)
            #expect(fake.pullRequests.first?.isOpen == true)
            #expect(try await fixture.origin("branch", "--list", "ralph/a").contains("ralph/a"))
        }
    }
}
