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

    @Test("HEAD read from git's files is what rev-parse says; a packed or missing ref is git's to answer")
    func headFromFiles() async throws {
        let repository = try await GitRepository(at: folder("repo"))
        try await git(repository.path).addWorktree(path: folder("wt/one"), branch: "one", startPoint: "main")
        let worktree = git(folder("wt/one"))
        let folders = try await worktree.gitDirectories()
        try "x\n".write(toFile: folder("wt/one/x.txt"), atomically: true, encoding: .utf8)
        try await worktree.stageAll()
        let made = try await worktree.commitStaged(message: "x", folders: folders)
        let head = try await worktree.run(["rev-parse", "HEAD"])
        #expect(made == head)
        #expect(Git.headFromFiles(folders: folders) == head)
        // Packed: no loose file for the branch, so the files cannot say.
        try await worktree.run(["pack-refs", "--all"])
        #expect(Git.headFromFiles(folders: folders) == nil)
        #expect(try await worktree.commitStaged(message: "empty", folders: folders) == nil)
        // Detached: HEAD holds the commit itself.
        try await worktree.run(["checkout", "--quiet", "--detach"])
        #expect(Git.headFromFiles(folders: folders) == head)
        #expect(Git.headFromFiles(folders: (git: folder("nowhere"), common: folders.common)) == nil)
    }
}
