import ChooCore
import ChooTesting
import Foundation

/// A working repository whose `origin` is a bare repository served by a ``FakeGitHub``, and a
/// client talking to it over real HTTP with a manual clock.
struct GitHubTestbed {
    static let token = "ghp_T0pSecretTestToken42"
    static let owner = "octo"
    static let name = "widgets"

    let folder: TemporaryDirectory
    let repository: GitRepository
    let clock = ManualWaitClock()

    init(folder: TemporaryDirectory = .current) async throws {
        self.folder = folder
        repository = try await GitRepository(at: folder("work"))
        try await FakeGitHub.makeOrigin(for: repository, at: folder("origin.git"))
    }

    /// Runs `body` with the fake serving the bare repository and a client for it.
    func run<T>(
        policy: GitHubClient.Policy = .init(),
        token: String = GitHubTestbed.token,
        _ body: (FakeGitHub, GitHubClient) async throws -> T
    ) async throws -> T {
        try await FakeGitHub.withServer(
            owner: Self.owner,
            repo: Self.name,
            bareRepository: folder("origin.git"),
            token: Self.token
        ) { fake in
            try await body(fake, client(apiURL: fake.apiURL, policy: policy, token: token))
        }
    }

    /// A client for the test repository at `apiURL`.
    func client(apiURL: String, policy: GitHubClient.Policy = .init(), token: String = GitHubTestbed.token)
        -> GitHubClient
    {
        GitHubClient(
            apiURL: apiURL,
            repository: GitHubRepository(owner: Self.owner, name: Self.name),
            token: GitHubToken(value: token, source: "GITHUB_TOKEN"),
            transport: AsyncHTTPClientTransport(),
            clock: clock,
            policy: policy
        )
    }

    /// Commits `files` on `branch` (made from `from`), pushes it, and returns to `main`; the new tip.
    @discardableResult
    func push(_ branch: String, from: String = "main", files: [String: String], message: String? = nil)
        async throws -> String
    {
        let exists = (try? await repository.git("rev-parse", "--verify", "--quiet", "refs/heads/" + branch)) != nil
        try await repository.git(
            arguments: exists ? ["checkout", "--quiet", branch] : ["checkout", "--quiet", "-b", branch, from]
        )
        let sha = try await repository.commit(
            message ?? "Change \(files.keys.sorted().joined(separator: ", "))",
            files: files
        )
        try await repository.git("push", "--quiet", "origin", branch)
        try await repository.git("checkout", "--quiet", "main")
        return sha
    }

    /// The tip of `branch` in the bare repository, or `nil` when it has no such branch.
    func originTip(_ branch: String) async throws -> String? {
        try await Git(
            repository: folder("origin.git"),
            runner: SystemProcessRunner(),
            environment: GitRepository.environment
        )
        .resolve("refs/heads/" + branch)
    }

    /// Runs git in the bare repository.
    @discardableResult
    func originGit(_ arguments: String...) async throws -> String {
        try await repository.git(arguments: arguments, in: folder("origin.git"))
    }
}
