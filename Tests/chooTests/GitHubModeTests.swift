import ChooCore
import ChooTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A run in GitHub mode against the fake GitHub: a real bare repository as `origin` (reached
/// through the address `https://github.com/acme/widgets.git`, which git rewrites to it), the fake
/// answering the REST API, and the built `choo` in the background so a test can act as a reviewer
/// when choo says what it is doing.
struct GitHubFixture {
    static let token = "ghp_fixtureSecretToken0123456789abcdef"
    let run: RunFixture
    let bare: String
    let fake: FakeGitHub

    init(
        fake: FakeGitHub,
        bare: String,
        _ behaviour: FakeAgent.Behaviour = .completeNextTask,
        reviewTimeout: String = "2m",
        mergeMethod: String = "squash",
        deleteBranch: Bool = true,
        ownerInSettings: Bool = false,
        settings: String = "",
        units: (SpecFixture) throws -> Void
    ) async throws {
        self.fake = fake
        self.bare = bare
        let yaml = """
            merge:
              mode: github
              method: \(mergeMethod)
            github:
              api_url: \(fake.apiURL)
              delete_branch: \(deleteBranch)
            \(ownerInSettings ? "  owner: acme\n  repo: widgets" : "")
            review:
              poll_interval: 20ms
              timeout: \(reviewTimeout)

            """
        run = try await RunFixture(behaviour, settings: yaml + settings, units: units)
        try await FakeGitHub.makeOrigin(for: run.repository, at: bare)
        // choo reads the owner and name from this address; git sends pushes and fetches to the bare
        // repository. With `ownerInSettings`, origin stays a plain path and .choo.yaml names them.
        if !ownerInSettings {
            try await run.repository.git("remote", "set-url", "origin", "https://github.com/acme/widgets.git")
            try await run.repository.git("config", "url.\(bare).insteadOf", "https://github.com/acme/widgets.git")
        }
    }

    /// The environment choo runs with: the token, and no other source of one.
    static var environment: [String: String] { ["GITHUB_TOKEN": token, "GH_TOKEN": ""] }

    /// Starts `choo arguments` in the repository.
    func start(_ arguments: String...) -> RunningChoo {
        RunningChoo(arguments, in: run.repository.path, environment: Self.environment)
    }

    /// `git` in the bare repository.
    func origin(_ arguments: String...) async throws -> String {
        try await run.repository.git(arguments: ["--git-dir", bare] + arguments)
    }

    /// Waits for `choo` to end and returns its exit code.
    static func exitCode(_ choo: RunningChoo) async throws -> Int32 {
        switch try await choo.wait().termination {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// Someone else commits `file` on `branch` of origin (in a clone of their own) and pushes it.
    func pushAsSomeoneElse(to branch: String, file: String, contents: String) async throws {
        let clone = TemporaryDirectory.current("someone-\(UUID().uuidString)")
        let git = run.repository
        try await git.git(arguments: ["clone", "--quiet", "--branch", branch, bare, clone])
        try contents.write(toFile: clone + "/" + file, atomically: true, encoding: .utf8)
        let someone = ["-c", "user.name=Someone", "-c", "user.email=someone@example.com"]
        try await git.git(arguments: ["add", file], in: clone)
        try await git.git(arguments: someone + ["commit", "--quiet", "-m", "Someone else's change"], in: clone)
        try await git.git(arguments: ["push", "--quiet", "origin", branch], in: clone)
    }

    /// A client of the fake, to look at the pull requests as a person would.
    var client: GitHubClient {
        GitHubClient(
            apiURL: fake.apiURL,
            repository: GitHubRepository(host: "github.com", owner: "acme", name: "widgets"),
            token: GitHubToken(value: Self.token, source: "test"),
            transport: AsyncHTTPClientTransport(),
            clock: ManualWaitClock()
        )
    }

    /// Every file choo wrote under the worktree base (agent logs, the journal), as text.
    func written() throws -> String {
        let base = run.repository(".ralph/worktrees")
        var text = ""
        let files = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
        for file in files {
            guard let data = FileManager.default.contents(atPath: base + "/" + file) else { continue }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }
}

extension Event {
    /// The pull request number of a `pr.created` event.
    var number: Int? { details(Event.PullRequestCreated.self)?.number }
}

@Suite(.temporaryDirectory, .serialized)
struct GitHubModeTests {
    let bare = TemporaryDirectory.current("origin.git")

    func withGitHub<T>(_ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await FakeGitHub.withServer(
            owner: "acme",
            repo: "widgets",
            bareRepository: bare,
            token: GitHubFixture.token,
            body
        )
    }

    /// The usual tree: one unit `a` with one task whose check needs the agent's work.
    func oneUnit(_ fake: FakeGitHub) async throws -> GitHubFixture {
        try await GitHubFixture(fake: fake, bare: bare) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
    }

    @Test("a chain A -> B lands as two approved, squash-merged pull requests; the token appears nowhere")
    func happyPath() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: "test -f work/a-01-task-1.done")])
            }
            let choo = RunningChoo(
                ["run", "--json"],
                in: fixture.run.repository.path,
                environment: GitHubFixture.environment.merging(["FAKE_AGENT_PRINTS_ENVIRONMENT": "1"]) { $1 }
            )
            let first = try #require(await choo.events.first(.prCreated, unit: "a").number)
            await choo.events.first(.prReviewPending, unit: "a")
            try await fake.addReview(pr: first, state: "APPROVED", body: "Looks good")
            // The Go tool's protocol: a +1 reaction approves too.
            let second = try #require(await choo.events.first(.prCreated, unit: "b").number)
            try fake.addReaction(pr: second, content: "+1")
            let code = try await GitHubFixture.exitCode(choo)
            #expect(code == 0)

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
            #expect(plan.contains("orch_pr_number: \(second)"))
            // Polling asks conditionally, so an unchanged pull request costs no rate limit.
            #expect(
                fake.requests.contains { $0.method == "GET" && $0.header("If-None-Match") != nil && $0.status == 304 }
            )
            #expect(fake.requests.allSatisfy { $0.header("Authorization") == "Bearer \(GitHubFixture.token)" })

            let events = choo.events.all.map { "\($0.typeName) \($0.unit ?? "")" }
            #expect(events.firstIndex(of: "pr.merged a")! < events.firstIndex(of: "unit.started b")!)
            #expect(events.firstIndex(of: "pr.review.approved a")! < events.firstIndex(of: "pr.merged a")!)
            let outcome = try await choo.wait()
            let written = try fixture.written()
            #expect(written.contains("GITHUB_TOKEN=***"), "the agent printed the token, and its log has it redacted")
            for text in [outcome.output, outcome.errorOutput, written] {
                #expect(!text.contains(GitHubFixture.token))
            }
        }
    }

    @Test(
        "merge.method merge and rebase land; delete_branch: false keeps the remote branch; github.owner/repo name it",
        arguments: [
            ("merge", false), ("rebase", true),
        ]
    )
    func mergeMethods(method: String, deleteBranch: Bool) async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(
                fake: fake,
                bare: bare,
                mergeMethod: method,
                deleteBranch: deleteBranch,
                ownerInSettings: true
            ) {
                specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            }
            let choo = fixture.start("run", "--json", "--skip-review")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            #expect(fake.pullRequests.first?.mergeMethod == method)
            #expect(FileSystem.exists(fixture.run.repository("work/a-01-task-1.done")))
            #expect(
                try await fixture.run.repository.git("rev-parse", "main")
                    == (try await fixture.origin("rev-parse", "main"))
            )
            let remote = try await fixture.origin("branch", "--list", "ralph/a")
            #expect(remote.isEmpty == deleteBranch)
            // The local branch goes either way: its work is on main (a rebase copies its commits).
            #expect(try await fixture.run.repository.git("branch", "--list", "ralph/a").isEmpty)
        }
    }

    @Test("Ctrl-C while waiting for review, then run again: the same pull request is adopted and lands")
    func interruptedDuringReviewResumes() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let first = fixture.start("run", "--json")
            let number = try #require(await first.events.first(.prCreated, unit: "a").number)
            await first.events.first(.prReviewPending, unit: "a")
            await first.send(SIGINT)
            #expect(try await GitHubFixture.exitCode(first) == 130)
            #expect(fake.pullRequests.first?.isOpen == true)
            try await fake.addReview(pr: number, state: "APPROVED")
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
            let fixture = try await GitHubFixture(fake: fake, bare: bare) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
            }
            let choo = fixture.start("run", "--json", "-p", "1")
            let a = try #require(await choo.events.first(.prCreated, unit: "a").number)
            // a is not approved yet, and b (which needs the only slot) opens its pull request.
            let b = try #require(await choo.events.first(.prCreated, unit: "b").number)
            #expect(!choo.events.all.contains { $0.type == .prReviewApproved })
            try await fake.addReview(pr: b, state: "APPROVED")
            try await fake.addReview(pr: a, state: "APPROVED")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            #expect(fake.pullRequests.allSatisfy { $0.merged })
        }
    }

    @Test("changes requested: the comments go to the agent, the fix is pushed and answered, then approval merges")
    func changesRequestedThenApproved() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let choo = fixture.start("run", "--json")
            let number = try #require(await choo.events.first(.prCreated, unit: "a").number)
            // Eyes on it: a review is under way, choo waits; then the review arrives whole and the eyes go.
            let eyes = try fake.addReaction(pr: number, content: "eyes")
            await choo.events.first(.prReviewInProgress, unit: "a")
            try await fake.addReviewComment(
                pr: number,
                body: "Name this file better.",
                path: "work/a-01-task-1.done",
                line: 1
            )
            try fake.addIssueComment(pr: number, body: "Also mention it in the notes.")
            try await fake.addReview(pr: number, state: "CHANGES_REQUESTED", body: "Please log what was done.")
            fake.removeReaction(pr: number, id: eyes)
            let addressed = await choo.events.first(.prFeedbackAddressed, unit: "a")
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
            try await fake.addReview(pr: number, state: "APPROVED")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            let answered = choo.events.all.filter { $0.type == .prFeedbackReceived }
            #expect(answered.count == 1, "feedback already answered is not answered again")
            #expect(try fixture.run.repository.read("work/feedback.log") == "addressed\n")
            #expect(!(try fixture.written()).contains(GitHubFixture.token))
        }
    }

    @Test("a reviewer's commit pushed to the pull request is taken in, never overwritten")
    func reviewerCommitTakenIn() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let choo = fixture.start("run", "--json")
            let number = try #require(await choo.events.first(.prCreated, unit: "a").number)
            await choo.events.first(.prReviewPending, unit: "a")
            // The reviewer pushes a fix of their own to the branch, then asks for more.
            try await fixture.pushAsSomeoneElse(to: "ralph/a", file: "review.txt", contents: "from the reviewer\n")
            try await fake.addReview(pr: number, state: "CHANGES_REQUESTED", body: "And log it, please.")
            await choo.events.first(.prFeedbackAddressed, unit: "a")
            #expect(try await fixture.origin("show", "ralph/a:review.txt") == "from the reviewer")
            #expect(try await fixture.origin("show", "ralph/a:work/feedback.log") == "addressed")
            try await fake.addReview(pr: number, state: "APPROVED")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            #expect(try fixture.run.repository.read("review.txt") == "from the reviewer\n")
        }
    }

    @Test("a failing CI check goes to the agent with its summary; the fix turns it green and the unit lands")
    func failingCheckFixed() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let seen = Mutex<[String]>([])
            fake.checks = { sha in
                let first = seen.withLock { shas in
                    shas.append(sha)
                    return shas.count == 1
                }
                return first
                    ? [.failing("build", summary: "error: expected ';' in Sources/main.swift")] : [.passing("build")]
            }
            let choo = fixture.start("run", "--json", "--skip-review")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            let checks = choo.events.all.compactMap { $0.details(Event.PullRequestChecks.self)?.result }
            #expect(checks.first == .failed)
            #expect(checks.last == .passed)
            #expect(fixture.run.agent.prompts.last?.contains("error: expected ';' in Sources/main.swift") == true)
            #expect(try fixture.run.repository.read("work/feedback.log") == "addressed\n")
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("in a repository with CI, a head whose checks have not started yet is not merged until they pass")
    func waitsForCIToStart() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            // main's tip has a check run, so the repository has CI; new heads report nothing at first.
            let base = try await fixture.origin("rev-parse", "main")
            fake.checks = { sha in sha == base ? [.passing("ci")] : [] }
            let choo = fixture.start("run", "--json", "--skip-review")
            let waiting = await choo.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
            guard let head = waiting.details(Event.PullRequestChecks.self)?.head else {
                Issue.record("no head in \(waiting)")
                return
            }
            #expect(fake.pullRequests.first?.merged == false)
            fake.setCheckRun(sha: head, name: "ci", status: "completed", conclusion: "success", summary: nil)
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("behind its base at merge time: brought up to date, checked, pushed with a lease, then merged")
    func behindBaseAtMerge() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            // CI holds the first head until the test has moved main on origin.
            let hold = Mutex(true)
            fake.checks = { _ in hold.withLock { $0 } ? [.running("ci")] : [.passing("ci")] }
            let choo = fixture.start("run", "--json", "--skip-review")
            let pending = await choo.events.first { $0.details(Event.PullRequestChecks.self)?.result == .pending }
            guard let head = pending.details(Event.PullRequestChecks.self)?.head else {
                Issue.record("no head")
                return
            }
            // Someone else lands a commit on main meanwhile.
            try await fixture.pushAsSomeoneElse(to: "main", file: "other.txt", contents: "theirs\n")
            hold.withLock { $0 = false }
            fake.setCheckRun(sha: head, name: "ci", status: "completed", conclusion: "success", summary: nil)
            let code = try await GitHubFixture.exitCode(choo)
            #expect(code == 0, "\(choo.events.all.compactMap(\.error))")
            #expect(choo.events.all.contains { $0.type == .prConflict && $0.unit == "a" })
            #expect(FileSystem.exists(fixture.run.repository("other.txt")))
            #expect(FileSystem.exists(fixture.run.repository("work/a-01-task-1.done")))
            #expect(
                try await fixture.run.repository.git("rev-parse", "main")
                    == (try await fixture.origin("rev-parse", "main"))
            )
        }
    }

    @Test("GitHub answering 500 is retried, and the run goes on")
    func serverErrorsRetried() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            fake.failNext(1, status: 500, pathContaining: "/pulls")
            let choo = fixture.start("run", "--json", "--skip-review")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            let pulls = fake.requests.filter { $0.pathWithoutQuery.hasSuffix("/pulls") }
            #expect(pulls.first?.status == 500)
            #expect(pulls.dropFirst().first?.status == 200)
            #expect(fake.pullRequests.count == 1)
            #expect(choo.events.all.contains { $0.type == .githubWaiting }, "the wait before the retry is reported")
        }
    }

    @Test("an open pull request for the unit's branch is adopted; a second one is never opened")
    func existingPullRequestAdopted() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            // A run killed after opening the pull request: the unit's branch, with a commit, is on origin.
            let repository = fixture.run.repository
            try await repository.git("branch", "ralph/a", "main")
            try await repository.git("checkout", "--quiet", "ralph/a")
            try await repository.commit("Notes for a", files: ["notes.txt": "started\n"])
            try await repository.git("checkout", "--quiet", "main")
            try await repository.git("push", "--quiet", "origin", "ralph/a")
            let existing = try await fixture.client.createPullRequest(
                title: "a",
                body: "opened earlier",
                head: "ralph/a",
                base: "main"
            )
            let choo = fixture.start("run", "--json", "--skip-review")
            #expect(try await GitHubFixture.exitCode(choo) == 0)
            let created = try #require(choo.events.all.first { $0.type == .prCreated })
            #expect(created.number == existing.number)
            #expect(created.details(Event.PullRequestCreated.self)?.adopted == true)
            #expect(fake.pullRequests.count == 1)
            #expect(fake.pullRequests.first?.merged == true)
        }
    }

    @Test("a pull request closed by a person fails the unit and keeps its work; one merged by a person lands")
    func closedOrMergedByPerson() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("b", tasks: [.init(1, backpressure: workCheck("b", 1))])
            }
            let choo = fixture.start("run", "--json", "-p", "2")
            let a = try #require(await choo.events.first(.prCreated, unit: "a").number)
            let b = try #require(await choo.events.first(.prCreated, unit: "b").number)
            try await fake.closePullRequest(a)
            _ = try await fake.mergePullRequestByPerson(b)
            #expect(try await GitHubFixture.exitCode(choo) == 1)
            let failed = try #require(choo.events.all.first { $0.type == .unitFailed && $0.unit == "a" })
            #expect(failed.error?.contains("closed on GitHub without merging") == true)
            #expect(try await fixture.run.repository.git("branch", "--list", "ralph/a").contains("ralph/a"))
            #expect(choo.events.all.contains { $0.type == .unitMerged && $0.unit == "b" })
            #expect(FileSystem.exists(fixture.run.repository("work/b-01-task-1.done")))
        }
    }

    @Test("no approval within review.timeout fails the unit; the pull request stays open with the work")
    func reviewTimeout() async throws {
        try await withGitHub { fake in
            let fixture = try await GitHubFixture(fake: fake, bare: bare, reviewTimeout: "300ms") { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            }
            let choo = fixture.start("run", "--json")
            #expect(try await GitHubFixture.exitCode(choo) == 1)
            let failed = try #require(choo.events.all.first { $0.type == .unitFailed })
            #expect(failed.error?.contains("was not approved within 0.3 s (review.timeout)") == true)
            #expect(fake.pullRequests.first?.isOpen == true)
            #expect(try await fixture.origin("branch", "--list", "ralph/a").contains("ralph/a"))
        }
    }

    @Test("a local target with commits origin lacks exits 2 naming them; every ref and file stays as it was")
    func localTargetAhead() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let repository = fixture.run.repository
            try await repository.commit("Not pushed yet", files: ["local.txt": "mine\n"])
            let refs = try await repository.git("for-each-ref")
            let before = FileTreeSnapshot.take(repository.path)
            let result = try await ChooBinary.run(["run"], in: repository.path, environment: GitHubFixture.environment)
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("the local `main` has 1 commit(s) that origin does not"))
            #expect(try await repository.git("for-each-ref") == refs)
            #expect(FileTreeSnapshot.take(repository.path) == before)
            #expect(fake.pullRequests.isEmpty)
        }
    }

    @Test("a run refused after reading origin (a missing agent) leaves a local target that is behind where it was")
    func refusedRunLeavesTargetBehind() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            try await fixture.pushAsSomeoneElse(to: "main", file: "other.txt", contents: "theirs\n")
            let repository = fixture.run.repository
            try FileManager.default.removeItem(atPath: fixture.run.agent.path)
            let refs = try await repository.git("for-each-ref")
            let result = try await ChooBinary.run(["run"], in: repository.path, environment: GitHubFixture.environment)
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains(fixture.run.agent.path))
            #expect(try await repository.git("for-each-ref") == refs, "neither main nor origin/main moved")
            #expect(!FileSystem.exists(repository("other.txt")))
        }
    }

    @Test("without a token the run exits 2 naming where a token comes from, and changes nothing")
    func noToken() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        try await FakeGitHub.makeOrigin(for: fixture.repository, at: bare)
        try await fixture.repository.git("remote", "set-url", "origin", "git@github.com:acme/widgets.git")
        // A `gh` that is not logged in.
        let bin = TemporaryDirectory.current("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho 'not logged in' >&2\nexit 1\n".write(
            toFile: bin + "/gh",
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/gh")
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let result = try await ChooBinary.run(
            ["run", "--pr"],
            in: fixture.repository.path,
            environment: ["GITHUB_TOKEN": "", "GH_TOKEN": "", "PATH": path]
        )
        #expect(result.exitCode == 2)
        for name in ["GITHUB_TOKEN", "GH_TOKEN", "gh auth token"] { #expect(result.stderr.contains(name)) }
        // Said the way pull requests were asked for: by the flag, not a setting the user never wrote.
        #expect(
            result.stderr.contains("--pr asks for pull requests, but no GitHub token was found"),
            "\(result.stderr)"
        )
        #expect(!result.stderr.contains("merge.mode is github"))
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)
    }

    @Test("--pr and --no-pr together are refused")
    func contradictoryFlags() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: [.init(1)])
        }
        let result = try await fixture.choo("run", "--pr", "--no-pr")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--pr and --no-pr"))
    }
}
