import ChooCore
import ChooTesting
import Foundation
import Synchronization
import Testing

/// GitHub mode end to end in process: the orchestrator with real git, fake agent processes, the
/// fake GitHub over real HTTP, and a clock the test drives. choo's review and CI loops poll only
/// when the test moves the clock (``InProcessRun/nextPoll()``), so each test awaits what choo says
/// (an event) or does (sleep until its next poll), acts as the reviewer or CI, then lets it look
/// again; timeouts pass by advancing the clock. Nothing waits in real time.
@Suite(.temporaryDirectory)
struct GitHubRunTests {
    let bare = TemporaryDirectory.current("origin.git")

    func withGitHub<T>(_ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await GitHubFixture.withFake(bare: bare, body)
    }

    /// Two independent units, `a` and `b`, each with one task whose check needs the agent's work.
    func twoUnits(_ fake: FakeGitHub) async throws -> GitHubFixture {
        try await GitHubFixture(fake: fake, bare: bare) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
    }

    /// Runs `body` with the fake and the usual tree: one unit `a` whose check needs the agent's work.
    func withOneUnit<T>(_ body: (FakeGitHub, GitHubFixture) async throws -> T) async throws -> T {
        try await withGitHub { fake in try await body(fake, try await GitHubFixture.oneUnit(fake, bare: bare)) }
    }

    @Test("a chain A -> B lands as two approved, squash-merged pull requests, polled conditionally")
    func happyPath() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: "test -f work/a-01-task-1.done")])
            }
            let (outcome, events) = try await fixture.inProcess { run in
                let first = try await run.events.pullRequestAwaitingReview("a")
                // One look with nothing new: the unchanged pull request answers 304.
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                #expect(!run.events.all.contains { $0.type == .prReviewApproved })
                try await fake.addReview(pr: first, state: "APPROVED", body: "Looks good")
                try await run.nextPoll()
                // The Go tool's protocol: a +1 reaction approves too.
                let second = try await run.events.pullRequestAwaitingReview("b")
                try fake.addReaction(pr: second, content: "+1")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)

            let pulls = fake.pullRequests
            #expect(pulls.map(\.head) == ["ralph/a", "ralph/b"])
            #expect(pulls.allSatisfy { $0.merged && $0.mergeMethod == "squash" && $0.base == "main" })
            #expect(pulls[0].body?.contains("| 1 | Task 1 | `test -f work/a-01-task-1.done") == true)
            #expect(pulls.map(\.title) == ["a plan", "b plan"], "the title is the plan's first heading")
            // origin's main has both units, the local main (and its checkout) is the same commit.
            let remoteMain = try await fixture.origin("rev-parse", "main")
            #expect(try await fixture.run.repository.git("rev-parse", "main") == remoteMain)
            #expect(FileSystem.exists(fixture.run.repository("work/b-01-task-1.done")))
            #expect(try await fixture.run.repository.git("status", "--porcelain").isEmpty)
            // Remote and local unit branches are gone; each plan records its pull request.
            #expect(try await fixture.origin("branch", "--list", "ralph/*").isEmpty)
            #expect(try await fixture.run.repository.git("branch", "--list", "ralph/*").isEmpty)
            let plan = try fixture.run.repository.read("specs/tasks/b/IMPLEMENTATION_PLAN.md")
            #expect(plan.contains("orch_pr_number: \(pulls[1].number)"))
            // Polling asks conditionally, so an unchanged pull request costs no rate limit.
            #expect(
                fake.requests.contains { $0.method == "GET" && $0.header("If-None-Match") != nil && $0.status == 304 }
            )
            #expect(fake.requests.allSatisfy { $0.header("Authorization") == "Bearer \(GitHubFixture.token)" })

            let names = events.map { "\($0.typeName) \($0.unit ?? "")" }
            #expect(
                try #require(names.firstIndex(of: "pr.merged a"))
                    < (try #require(names.firstIndex(of: "unit.started b")))
            )
            #expect(
                try #require(names.firstIndex(of: "pr.review.approved a"))
                    < (try #require(names.firstIndex(of: "pr.merged a")))
            )
            #expect(!(try fixture.written()).contains(GitHubFixture.token))
            // Each worktree held nothing beyond its squash merge (the same tree as main's tip then): both
            // went to the pool for reuse rather than being removed.
            let pooled = events.compactMap { event -> String? in
                guard case .unitWorktreeDisk(let disk) = event.payload, disk.pooled == true else { return nil }
                return event.unit
            }
            #expect(pooled.sorted() == ["a", "b"], "\(names)")
        }
    }

    @Test("stopped while waiting for review, then run again: the same pull request is adopted and lands")
    func interruptedDuringReviewResumes() async throws {
        try await withOneUnit { fake, fixture in
            let (number, outcome) = try await fixture.inProcess { run in
                let number = try await run.events.pullRequestAwaitingReview("a")
                run.requestShutdown()
                await run.events.first(.orchInterrupted)
                // The review's wait ends at the stop: the clock never moves.
                return (number, try await run.outcome())
            }
            #expect(outcome.exitCode == 130)
            #expect(fake.pullRequests.first?.isOpen == true)
            try await fake.addReview(pr: number, state: "APPROVED")
            // The second run is the built choo: approved already, it never polls.
            let second = fixture.start("run", "--json")
            #expect(try await GitHubFixture.exitCode(second) == 0)
            let adopted = try #require(second.events.all.first { $0.type == .prCreated })
            #expect(adopted.number == number && adopted.details(Event.PullRequestCreated.self)?.adopted == true)
            #expect(fake.pullRequests.count == 1 && fake.pullRequests.first?.merged == true)
            #expect(!second.events.all.contains { $0.type == .taskStarted }, "no task runs again")
        }
    }

    @Test("a unit waiting for review holds no slot: with -p 1 the next unit runs meanwhile")
    func reviewHoldsNoSlot() async throws {
        try await withGitHub { fake in
            let fixture = try await twoUnits(fake)
            let outcome = try await fixture.inProcess(parallelism: 1) { run in
                let a = try await run.events.pullRequestAwaitingReview("a")
                // a is not approved (its clock has not moved), and b, which needs the only slot, opens its own.
                let b = try await run.events.pullRequestAwaitingReview("b")
                #expect(!run.events.all.contains { $0.type == .prReviewApproved })
                try await fake.addReview(pr: b, state: "APPROVED")
                try await fake.addReview(pr: a, state: "APPROVED")
                try await run.advance(by: run.pollInterval, sleepers: 2)
                return try await run.outcome()
            }
            #expect(outcome.exitCode == 0)
            #expect(fake.pullRequests.count == 2 && fake.pullRequests.allSatisfy { $0.merged })
        }
    }

    @Test("changes requested: the comments go to the agent, the fix is pushed and answered, then approval merges")
    func changesRequestedThenApproved() async throws {
        try await withOneUnit { fake, fixture in
            let (outcome, events) = try await fixture.inProcess { run in
                let number = try await run.events.pullRequestAwaitingReview("a")
                // Eyes on it: a review is under way, choo waits; then the review arrives whole and the eyes go.
                let eyes = try fake.addReaction(pr: number, content: "eyes")
                try await run.nextPoll()
                await run.events.first(.prReviewInProgress, unit: "a")
                try await fake.addReviewComment(
                    pr: number,
                    body: "Name this file better.",
                    path: "work/a-01-task-1.done",
                    line: 1
                )
                try fake.addIssueComment(pr: number, body: "Also mention it in the notes.")
                try await fake.addReview(pr: number, state: "CHANGES_REQUESTED", body: "Please log what was done.")
                fake.removeReaction(pr: number, id: eyes)
                try await run.nextPoll()
                let addressed = await run.events.first(.prFeedbackAddressed, unit: "a")
                #expect(addressed.details(Event.FeedbackAddressed.self)?.answered == 3)
                let prompt = try #require(fixture.run.agent.prompts.last)
                #expect(prompt.contains("Please log what was done."))
                #expect(prompt.contains("Name this file better."))
                #expect(prompt.contains("on `work/a-01-task-1.done:1`"))
                #expect(prompt.contains("Also mention it in the notes."), "a plain comment counts as feedback too")
                let replies = try await fixture.client.issueComments(number).filter { $0.user?.login == fake.viewer }
                #expect(replies.count == 1)
                #expect(replies.first?.body.contains("Addressed the review feedback (3 comments).") == true)
                // The fix is on origin's branch, and choo said so on the pull request.
                #expect(try await fixture.origin("show", "ralph/a:work/feedback.log") == "addressed")
                // One more look with the feedback already answered, then the approval.
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                try await fake.addReview(pr: number, state: "APPROVED")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)
            let received = events.filter { $0.type == .prFeedbackReceived }
            #expect(received.count == 1, "feedback already answered is not answered again")
            #expect(try fixture.run.repository.read("work/feedback.log") == "addressed\n")
            #expect(!(try fixture.written()).contains(GitHubFixture.token))
            // The fix turn's log is named for review, and the run's state says so too.
            let logs = events.compactMap { $0.details(Event.AgentInvoked.self)?.logFile }
            #expect(
                logs.map { ($0 as NSString).lastPathComponent } == [
                    "001-task1-attempt1.log", "002-review-attempt1.log",
                ]
            )
            #expect(outcome.state.units.first?.turns.map(\.kind) == [.task, .review])
        }
    }

    @Test("a reviewer's commit pushed to the pull request is taken in, never overwritten")
    func reviewerCommitTakenIn() async throws {
        try await withOneUnit { fake, fixture in
            let outcome = try await fixture.inProcess { run in
                let number = try await run.events.pullRequestAwaitingReview("a")
                // The reviewer pushes a fix of their own to the branch, then asks for more.
                try await fixture.pushAsSomeoneElse(to: "ralph/a", file: "review.txt", contents: "from the reviewer\n")
                try await fake.addReview(pr: number, state: "CHANGES_REQUESTED", body: "And log it, please.")
                try await run.nextPoll()
                await run.events.first(.prFeedbackAddressed, unit: "a")
                // It looks again at once, finds the feedback answered, and waits for its next poll.
                try await run.clock.sleepers(atLeast: 1)
                #expect(try await fixture.origin("show", "ralph/a:review.txt") == "from the reviewer")
                #expect(try await fixture.origin("show", "ralph/a:work/feedback.log") == "addressed")
                try await fake.addReview(pr: number, state: "APPROVED")
                try await run.nextPoll()
                return try await run.outcome()
            }
            #expect(outcome.exitCode == 0)
            #expect(try fixture.run.repository.read("review.txt") == "from the reviewer\n")
        }
    }

    @Test("a failing CI check goes to the agent with its summary; the fix turns it green and the unit lands")
    func failingCheckFixed() async throws {
        try await withOneUnit { fake, fixture in
            let seen = Mutex<[String]>([])
            // choo looks at main's tip at the start (CI there means the repository has CI): no checks there.
            let base = try await fixture.origin("rev-parse", "main")
            fake.checks = { sha in
                guard sha != base else { return [] }
                let first = seen.withLock { shas in
                    shas.append(sha)
                    return shas.count == 1
                }
                return first
                    ? [.failing("build", summary: "error: expected ';' in Sources/main.swift")] : [.passing("build")]
            }
            // A failure is answered at once, and the fix's checks have reported: no poll is needed.
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0)
            let checks = events.compactMap { $0.details(Event.PullRequestChecks.self)?.result }
            #expect(checks.first == .failed)
            #expect(checks.last == .passed)
            #expect(fixture.run.agent.prompts.last?.contains("error: expected ';' in Sources/main.swift") == true)
            // The fix turn's log is named for CI, not as a baseline turn.
            let logs = events.compactMap { $0.details(Event.AgentInvoked.self)?.logFile }
            #expect(
                logs.map { ($0 as NSString).lastPathComponent } == ["001-task1-attempt1.log", "002-ci-attempt1.log"]
            )
            #expect(outcome.state.units.first?.turns.map(\.kind) == [.task, .ci])
            #expect(try fixture.run.repository.read("work/feedback.log") == "addressed\n")
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("in a repository with CI, a head whose checks have not started yet is not merged until they pass")
    func waitsForCIToStart() async throws {
        try await withOneUnit { fake, fixture in
            // main's tip has a check run, so the repository has CI; new heads report nothing at first.
            let base = try await fixture.origin("rev-parse", "main")
            fake.checks = { sha in sha == base ? [.passing("ci")] : [] }
            let outcome = try await fixture.inProcess(skipReview: true) { run in
                let waiting = await run.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
                let details = try #require(waiting.details(Event.PullRequestChecks.self))
                #expect(
                    details.pending == ["CI (checks were reported on other commits in this run), not reported yet"]
                )
                // However long CI takes to start, choo keeps waiting and does not merge.
                try await run.nextPoll()
                try await run.nextPoll()
                try await run.clock.sleepers(atLeast: 1)
                #expect(fake.pullRequests.first?.merged == false)
                fake.setCheckRun(
                    sha: details.head,
                    name: "ci",
                    status: "completed",
                    conclusion: "success",
                    summary: nil
                )
                try await run.nextPoll()
                return try await run.outcome()
            }
            #expect(outcome.exitCode == 0)
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("behind its base at merge time: brought up to date, checked, pushed with a lease, then merged")
    func behindBaseAtMerge() async throws {
        try await withOneUnit { fake, fixture in
            // CI holds the first head until the test has moved main on origin.
            let hold = Mutex(true)
            fake.checks = { _ in hold.withLock { $0 } ? [.running("ci")] : [.passing("ci")] }
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                let pending = await run.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
                let head = try #require(pending.details(Event.PullRequestChecks.self)?.head)
                // Someone else lands a commit on main meanwhile.
                try await fixture.pushAsSomeoneElse(to: "main", file: "other.txt", contents: "theirs\n")
                hold.withLock { $0 = false }
                fake.setCheckRun(sha: head, name: "ci", status: "completed", conclusion: "success", summary: nil)
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 0, "\(events.compactMap(\.error))")
            #expect(events.contains { $0.type == .prConflict && $0.unit == "a" })
            #expect(FileSystem.exists(fixture.run.repository("other.txt")))
            #expect(FileSystem.exists(fixture.run.repository("work/a-01-task-1.done")))
            #expect(
                try await fixture.run.repository.git("rev-parse", "main")
                    == (try await fixture.origin("rev-parse", "main"))
            )
        }
    }

    @Test("GitHub answering 500 is retried after the backoff on the clock, and the run goes on")
    func serverErrorsRetried() async throws {
        try await withOneUnit { fake, fixture in
            fake.failNext(1, status: 500, pathContaining: "/pulls")
            let outcome = try await fixture.inProcess(skipReview: true) { run in
                await run.events.first(.githubWaiting)
                try await run.clock.sleepers(atLeast: 1)
                #expect(run.clock.sleeping.map(\.duration) == [.seconds(1)], "the first backoff")
                #expect(fake.pullRequests.isEmpty)
                run.clock.advance(by: .seconds(1))
                return try await run.outcome()
            }
            #expect(outcome.exitCode == 0)
            let pulls = fake.requests.filter { $0.pathWithoutQuery.hasSuffix("/pulls") }
            #expect(pulls.first?.status == 500)
            #expect(pulls.dropFirst().first?.status == 200)
            #expect(fake.pullRequests.count == 1 && fake.pullRequests.first?.merged == true)
        }
    }

    @Test("a pull request closed by a person fails the unit and keeps its work; one merged by a person lands")
    func closedOrMergedByPerson() async throws {
        try await withGitHub { fake in
            let fixture = try await twoUnits(fake)
            let (outcome, events) = try await fixture.inProcess(parallelism: 2) { run in
                let a = try await run.events.pullRequestAwaitingReview("a")
                let b = try await run.events.pullRequestAwaitingReview("b")
                try await fake.closePullRequest(a)
                _ = try await fake.mergePullRequestByPerson(b)
                try await run.advance(by: run.pollInterval, sleepers: 2)
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 1)
            let failed = try #require(events.first { $0.type == .unitFailed && $0.unit == "a" })
            #expect(failed.error?.contains("closed on GitHub without merging") == true)
            #expect(try await fixture.run.repository.git("branch", "--list", "ralph/a").contains("ralph/a"))
            #expect(events.contains { $0.type == .unitMerged && $0.unit == "b" })
            #expect(FileSystem.exists(fixture.run.repository("work/b-01-task-1.done")))
        }
    }

    @Test("no approval within review.timeout fails the unit when the clock reaches it; the pull request stays open")
    func reviewTimeout() async throws {
        try await withOneUnit { fake, fixture in
            let (outcome, events) = try await fixture.inProcess { run in
                await run.events.first(.prReviewPending, unit: "a")
                // Three polls of 30 s: 90 s of the 2 min, still waiting.
                for _ in 1 ... 3 { try await run.nextPoll() }
                try await run.clock.sleepers(atLeast: 1)
                #expect(!run.events.all.contains { $0.type == .unitFailed })
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 1)
            let failed = try #require(events.first { $0.type == .unitFailed })
            #expect(failed.error?.contains("was not approved within 2 min (review.timeout)") == true)
            #expect(fake.pullRequests.first?.isOpen == true)
            #expect(try await fixture.origin("branch", "--list", "ralph/a").contains("ralph/a"))
        }
    }

    @Test("CI still running at the first poll after review.timeout (300 ms) fails the unit, naming the check")
    func checksTimeout() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare, reviewTimeout: "300ms") { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            }
            fake.checks = { _ in [.running("ci")] }
            let (outcome, events) = try await fixture.inProcess(skipReview: true) { run in
                await run.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
                #expect(!run.events.all.contains { $0.type == .unitFailed }, "not before the clock moves")
                try await run.nextPoll()
                return (try await run.outcome(), run.events.all)
            }
            #expect(outcome.exitCode == 1)
            let failed = try #require(events.first { $0.type == .unitFailed })
            #expect(failed.error?.contains("were still running after 0.3 s (review.timeout): ci") == true)
            #expect(fake.pullRequests.first?.isOpen == true)
        }
    }
}
