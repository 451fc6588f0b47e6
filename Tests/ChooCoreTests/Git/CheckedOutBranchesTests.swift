import ChooTesting
import Foundation
import Testing

@testable import ChooCore

/// Which checkout has which branch, read from git's files (what a landing needs to move the
/// target without the repository lock): the same answer as `git worktree list`.
@Suite(.temporaryDirectory)
struct CheckedOutBranchesTests {
    let folder = TemporaryDirectory.current

    private func git(_ path: String) -> Git {
        Git(repository: path, runner: SystemProcessRunner(), environment: GitRepository.environment)
    }

    @Test("the main checkout and linked worktrees by branch; detached and half-made ones have none")
    func matchesGit() async throws {
        let repository = try await GitRepository(at: folder("repo"))
        let main = git(repository.path)
        try await main.addWorktree(path: folder("wt/one"), branch: "one", startPoint: "main")
        try await main.addWorktree(path: folder("wt/two"), branch: "two", startPoint: "main")
        try await git(folder("wt/two")).run(["checkout", "--quiet", "--detach"])
        // A worktree git is still making: its folder in .git/worktrees without HEAD or gitdir yet.
        try FileManager.default.createDirectory(
            atPath: repository(".git/worktrees/half"),
            withIntermediateDirectories: true
        )

        let read = try #require(Git.checkedOutBranches(commonDirectory: repository(".git")))
        #expect(read == ["main": repository.path, "one": folder("wt/one")])
        var listed: [String: String] = [:]
        for worktree in try await main.worktrees() where !worktree.isPrunable {
            if let branch = worktree.branch { listed[branch] = worktree.path }
        }
        #expect(read == listed)
    }

    @Test("a git folder that is not an ordinary .git directory cannot be read: nil, so git is asked")
    func notAnOrdinaryFolder() throws {
        #expect(Git.checkedOutBranches(commonDirectory: folder("nowhere/.git")) == nil)
        #expect(Git.checkedOutBranches(commonDirectory: folder("bare.git")) == nil)
    }
}
