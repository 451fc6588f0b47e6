import ChooCore
import ChooTesting
import Foundation
import Testing

/// GitHub mode through the built `choo`, where the point is the command line: exit codes, what it
/// prints, the token appearing nowhere, refusals before anything starts. None of these waits for a
/// reviewer or CI (`--skip-review` with no CI, or nothing to wait for), and their poll interval is an
/// hour, so one that polled would hang instead of passing slowly. Runs that wait for reviews, CI or a
/// timeout are in `GitHubRunTests`, in process on a clock the test drives.
@Suite(.temporaryDirectory, .serialized)
struct GitHubModeTests {
    let bare = TemporaryDirectory.current("origin.git")

    func withGitHub<T>(_ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await GitHubFixture.withFake(bare: bare, body)
    }

    /// One unit `a` with one task whose check needs the agent's work, polling never.
    func oneUnit(_ fake: FakeGitHub) async throws -> GitHubFixture {
        try await GitHubFixture.oneUnit(fake, bare: bare, pollInterval: "1h")
    }

    @Test(
        "with --skip-review and no CI a unit lands; the token is in no output, log or journal, and every request has it"
    )
    func tokenAppearsNowhere() async throws {
        try await withGitHub { fake in
            let fixture = try await oneUnit(fake)
            let result = try await ChooBinary.run(
                ["run", "--json", "--skip-review"],
                in: fixture.run.repository.path,
                environment: GitHubFixture.environment.merging(["FAKE_AGENT_PRINTS_ENVIRONMENT": "1"]) { $1 }
            )
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(fake.pullRequests.count == 1 && fake.pullRequests.allSatisfy { $0.merged })
            #expect(result.stdout.contains("\"type\":\"pr.merged\""))
            let written = try fixture.written()
            #expect(written.contains("GITHUB_TOKEN=***"), "the agent printed the token, and its log has it redacted")
            for text in [result.stdout, result.stderr, written] {
                #expect(!text.contains(GitHubFixture.token))
            }
            #expect(fake.requests.allSatisfy { $0.header("Authorization") == "Bearer \(GitHubFixture.token)" })
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
                pollInterval: "1h",
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
