import ChooCore
import ChooTesting
import Foundation
import Testing

/// A run in GitHub mode against the fake GitHub: a real bare repository as `origin` (reached
/// through the address `https://github.com/acme/widgets.git`, which git rewrites to it) and the fake
/// answering the REST API. A test that acts as a reviewer or CI runs choo in process
/// (``inProcess(skipReview:parallelism:_:)``) on a clock it drives; one about the command line runs
/// the built `choo` (``start(_:)``, ``ChooBinary``), where it must never wait for a poll (those
/// tests set an hour's poll interval, so one that polled would hang). In process, `review.poll_interval`
/// and `review.timeout` are times on the test's clock: 30 s and 2 min unless a test says otherwise.
struct GitHubFixture {
    static let token = "ghp_fixtureSecretToken0123456789abcdef"
    let run: RunFixture
    let bare: String
    let fake: FakeGitHub

    init(
        fake: FakeGitHub,
        bare: String,
        _ behaviour: FakeAgent.Behaviour = .completeNextTask,
        pollInterval: String = "30s",
        reviewTimeout: String = "2m",
        mergeMethod: String = "squash",
        deleteBranch: Bool = true,
        ownerInSettings: Bool = false,
        gitHubSettings: [String] = [],
        settings: String = "",
        files: [String: String] = [:],
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
            \(gitHubSettings.map { "  " + $0 }.joined(separator: "\n"))
            review:
              poll_interval: \(pollInterval)
              timeout: \(reviewTimeout)

            """
        run = try await RunFixture(behaviour, settings: yaml + settings, units: units)
        // Files the repository holds besides the spec tree (workflows, say), on main before origin has it.
        if !files.isEmpty { try await run.repository.commit("Add repository files", files: files) }
        try await FakeGitHub.makeOrigin(for: run.repository, at: bare)
        // choo reads the owner and name from this address; git sends pushes and fetches to the bare
        // repository. With `ownerInSettings`, origin stays a plain path and .choo.yaml names them.
        if !ownerInSettings {
            try await run.repository.git("remote", "set-url", "origin", "https://github.com/acme/widgets.git")
            try await run.repository.git("config", "url.\(bare).insteadOf", "https://github.com/acme/widgets.git")
        }
    }

    /// Runs `body` with the fake GitHub serving the bare repository at `bare` as `acme/widgets`.
    static func withFake<T>(bare: String, _ body: (FakeGitHub) async throws -> T) async throws -> T {
        try await FakeGitHub.withServer(owner: "acme", repo: "widgets", bareRepository: bare, token: token, body)
    }

    /// The usual tree: one unit `a` with one task whose check needs the agent's work.
    static func oneUnit(_ fake: FakeGitHub, bare: String, pollInterval: String = "30s") async throws -> GitHubFixture {
        try await GitHubFixture(fake: fake, bare: bare, pollInterval: pollInterval) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
    }

    /// The environment choo runs with: the token, and no other source of one.
    static var environment: [String: String] { ["GITHUB_TOKEN": token, "GH_TOKEN": ""] }

    /// The environment of a run in process: this process's without `RALPH_*`, with the token, as the
    /// built choo gets it.
    static var processEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") }.merging(environment) { $1 }
    }

    /// Runs `choo run` in this process (with `--skip-review`, `-p parallelism` when given) while
    /// `body` acts as reviewer and CI through the fake and drives the run's clock.
    func inProcess<T>(
        skipReview: Bool = false,
        parallelism: Int? = nil,
        clock: DrivenWaitClock = DrivenWaitClock(),
        _ body: (InProcessRun) async throws -> T
    ) async throws -> T {
        try await InProcessRun.withRun(
            in: run.repository.path,
            environment: Self.processEnvironment,
            overrides: ConfigOverrides(parallelism: parallelism),
            skipReview: skipReview,
            clock: clock,
            body
        )
    }

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

extension EventStream {
    /// The number of the first `pr.created` event for `unit`, awaiting it.
    func pullRequest(of unit: String) async throws -> Int {
        try #require(await first(.prCreated, unit: unit).number)
    }

    /// The number of `unit`'s pull request once choo waits for its review (`pr.review.pending`).
    func pullRequestAwaitingReview(_ unit: String) async throws -> Int {
        let number = try await pullRequest(of: unit)
        await first(.prReviewPending, unit: unit)
        return number
    }
}
