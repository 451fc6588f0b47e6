import ChooCore
import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local HTTP server that answers like GitHub's REST API for one repository, for tests.
///
/// It serves the endpoints choo's `GitHubClient` uses (pull requests, reviews, comments,
/// reactions, check runs, statuses, merges, branch deletion) with GitHub's JSON shapes, status
/// codes, `ETag`s and `Link` pagination, over a real bare git repository that plays `origin`:
/// tests and choo push to it with plain git, pull requests read their heads from it, and merges
/// really happen in it. Tests add reviews, comments, reactions and CI results, inject failures,
/// and read back every request received. Start it with ``withServer(owner:repo:bareRepository:token:_:)``.
package final class FakeGitHub: Sendable {
    /// The repository's owner, as the API paths name it.
    package let owner: String
    /// The repository's name.
    package let repo: String
    /// The bare repository playing `origin`.
    package let bareRepository: String
    /// The only token the fake accepts (as `Authorization: Bearer` or `token`).
    let token: String
    /// Git on the bare repository.
    let git: Git
    /// Serialises everything that changes the bare repository.
    let repositoryLock = AsyncLock()
    let state: Mutex<State>

    /// Everything the fake remembers.
    struct State {
        var port = 0
        var pullRequests: [PullRequestRecord] = []
        var reviews: [Int: [Review]] = [:]
        var reviewComments: [Int: [ReviewCommentRecord]] = [:]
        var issueComments: [Int: [IssueComment]] = [:]
        var reactions: [Int: [Reaction]] = [:]
        var checkRuns: [String: [CheckRunRecord]] = [:]
        var statuses: [String: [StatusRecord]] = [:]
        var requests: [LoggedRequest] = []
        var injections: [Injection] = []
        var delays: [Duration] = []
        var nextID = 1000
        var checks: @Sendable (String) -> [CheckRunSpec] = { _ in [] }
        var viewer = "choo-bot"
        var requiresUpToDateBranches = false
        var protection: Protection?
        var protectionReadable = true
        var rules: [Rule] = []
        var allowedMergeMethods: Set<String> = ["merge", "squash", "rebase"]
        var lateChecks: LateChecks?
        var firstSeen: [String: Date] = [:]

        /// A new ID for a review, comment, reaction, check run or status.
        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }
    }

    init(owner: String, repo: String, bareRepository: String, token: String) {
        self.owner = owner
        self.repo = repo
        self.bareRepository = bareRepository
        self.token = token
        var environment = GitRepository.environment
        for role in ["AUTHOR", "COMMITTER"] {
            environment["GIT_\(role)_NAME"] = "GitHub"
            environment["GIT_\(role)_EMAIL"] = "noreply@github.com"
        }
        self.git = Git(
            repository: bareRepository,
            runner: SystemProcessRunner(),
            timeout: .seconds(60),
            environment: environment
        )
        self.state = Mutex(State())
    }

    /// Runs the fake on 127.0.0.1 (a free port) for the duration of `body`, over the bare repository
    /// at `bareRepository`, accepting only `token`. The server stops when `body` returns or throws.
    package static func withServer<T>(
        owner: String,
        repo: String,
        bareRepository: String,
        token: String,
        _ body: (FakeGitHub) async throws -> T
    ) async throws -> T {
        let fake = FakeGitHub(owner: owner, repo: repo, bareRepository: bareRepository, token: token)
        let respond: @Sendable (Request) async throws -> Response = { try await fake.respond(to: $0) }
        return try await LocalHTTPServer.run(label: "FakeGitHub", respond: respond) { port in
            fake.state.withLock { $0.port = port }
            return try await body(fake)
        }
    }

    /// The API root to give the client, e.g. `http://127.0.0.1:51234`.
    package var apiURL: String { "http://127.0.0.1:\(state.withLock { $0.port })" }

    /// Every request received so far, in the order they arrived.
    package var requests: [LoggedRequest] { state.withLock { $0.requests } }

    /// Every pull request, by number.
    package var pullRequests: [PullRequestRecord] { state.withLock { $0.pullRequests } }

    /// The check runs reported for a commit whose check runs are requested and none were set with
    /// ``setCheckRun(sha:name:status:conclusion:summary:)``; asked once per commit. By default
    /// none: a repository without CI.
    package var checks: @Sendable (_ sha: String) -> [CheckRunSpec] {
        get { state.withLock { $0.checks } }
        set { state.withLock { $0.checks = newValue } }
    }

    /// The login the token belongs to: the author of pull requests and comments made through the API.
    package var viewer: String {
        get { state.withLock { $0.viewer } }
        set { state.withLock { $0.viewer = newValue } }
    }

    /// Whether merging needs the head to contain the base's tip (branch protection's "require
    /// branches to be up to date"); off by default, as on GitHub.
    package var requiresUpToDateBranches: Bool {
        get { state.withLock { $0.requiresUpToDateBranches } }
        set { state.withLock { $0.requiresUpToDateBranches = newValue } }
    }
}
