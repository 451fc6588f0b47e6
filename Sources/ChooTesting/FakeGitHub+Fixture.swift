import ChooCore
import Foundation

extension FakeGitHub {
    /// Creates a bare repository at `bare` (default branch `main`), adds it to `repository` as
    /// `origin` and pushes `main` there: the `bareRepository` to give ``withServer(owner:repo:bareRepository:token:_:)``.
    package static func makeOrigin(for repository: GitRepository, at bare: String) async throws {
        try await repository.git(arguments: ["init", "--quiet", "--bare", "-b", "main", bare])
        try await repository.git("remote", "add", "origin", bare)
        try await repository.git("push", "--quiet", "origin", "main")
    }
}
