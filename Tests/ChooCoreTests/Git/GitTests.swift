import ChooCore
import ChooTesting
import Foundation
import Testing

@Suite(.temporaryDirectory)
struct GitTests {
    let folder = TemporaryDirectory.current
    let repository: GitRepository

    init() async throws {
        repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
    }

    /// A client for `path` (default: the repository), isolated from the machine's git config.
    func git(_ path: String? = nil, timeout: Duration = .seconds(60)) -> Git {
        Git(repository: path ?? repository.path, timeout: timeout, environment: GitRepository.environment)
    }

    @Test("top level and common directory are absolute, also from a subfolder and a worktree")
    func locations() async throws {
        try FileManager.default.createDirectory(atPath: repository("sub/deeper"), withIntermediateDirectories: true)
        #expect(try await git(repository("sub/deeper")).topLevel() == repository.path)
        #expect(try await git().commonDirectory() == repository(".git"))
        #expect(try await git(repository("sub")).commonDirectory() == repository(".git"))
        try await git().addWorktree(path: folder("wt/one"), branch: "one", startPoint: "main")
        #expect(try await git(folder("wt/one")).topLevel() == folder("wt/one"))
        #expect(try await git(folder("wt/one")).commonDirectory() == repository(".git"))
    }

    @Test("the current branch, or nil when HEAD is detached")
    func currentBranch() async throws {
        #expect(try await git().currentBranch() == "main")
        try await repository.git("checkout", "--quiet", "--detach")
        #expect(try await git().currentBranch() == nil)
    }

    @Test("resolve gives the commit hash, or nil for a revision that does not exist")
    func resolve() async throws {
        let head = try await repository.git("rev-parse", "HEAD")
        #expect(try await git().resolve("HEAD") == head)
        #expect(try await git().resolve("main") == head)
        #expect(try await git().resolve("no-such-branch") == nil)
        #expect(try await git().resolve("main~5") == nil)
        #expect(try await git().resolve("--output=x") == nil)
    }

    @Test("branchExists tells local branches apart from other names")
    func branchExists() async throws {
        try await repository.git("branch", "feature")
        try await repository.git("tag", "v1")
        #expect(try await git().branchExists("main"))
        #expect(try await git().branchExists("feature"))
        #expect(try await !git().branchExists("v1"))
        #expect(try await !git().branchExists("missing"))
    }

    @Test("isAncestor follows history in one direction only; bad revisions throw")
    func isAncestor() async throws {
        let first = try await repository.git("rev-parse", "HEAD")
        let second = try await repository.commit("Second", files: ["a.txt": "a\n"])
        #expect(try await git().isAncestor(first, of: second))
        #expect(try await git().isAncestor(second, of: second))
        #expect(try await !git().isAncestor(second, of: first))
        await #expect(throws: GitError.self) { try await git().isAncestor("no-such-ref", of: second) }
    }

    @Test("dirtyTrackedFiles lists modified and staged tracked files, not untracked ones")
    func dirtyTrackedFiles() async throws {
        try await repository.commit(
            "Add files",
            files: ["with space.txt": "1\n", "staged.txt": "1\n", "old.txt": "1\n"]
        )
        #expect(try await git().dirtyTrackedFiles() == [])
        try repository.write("README.md", "changed\n")
        try repository.write("with space.txt", "2\n")
        try repository.write("staged.txt", "2\n")
        try await repository.git("add", "staged.txt")
        try await repository.git("mv", "old.txt", "new.txt")
        try repository.write("untracked.txt", "new\n")
        let dirty = try await git().dirtyTrackedFiles()
        #expect(Set(dirty) == ["README.md", "with space.txt", "staged.txt", "new.txt"])
        #expect(!dirty.contains("untracked.txt"))
    }

    @Test("hasUncommittedChanges sees untracked files but not ignored ones")
    func hasUncommittedChanges() async throws {
        try await repository.commit("Ignore logs", files: [".gitignore": "*.log\n"])
        #expect(try await !git().hasUncommittedChanges())
        try repository.write("debug.log", "ignored\n")
        #expect(try await !git().hasUncommittedChanges())
        try repository.write("notes.txt", "untracked\n")
        #expect(try await git().hasUncommittedChanges())
    }

    @Test("addWorktree creates the branch at the start point and the worktree sees its files")
    func addWorktree() async throws {
        let start = try await repository.commit("Base", files: ["src/app.txt": "app\n"])
        try await repository.commit("Later on main", files: ["later.txt": "later\n"])
        let path = folder("worktrees/unit-a")
        try await git().addWorktree(path: path, branch: "choo/unit-a", startPoint: start)
        #expect(try await git().resolve("choo/unit-a") == start)
        #expect(try String(contentsOfFile: path + "/src/app.txt", encoding: .utf8) == "app\n")
        #expect(!FileManager.default.fileExists(atPath: path + "/later.txt"))
        #expect(try await git(path).currentBranch() == "choo/unit-a")
        let listed = try await git().worktrees()
        #expect(listed.count == 2)
        #expect(listed.first?.path == repository.path)
        #expect(listed.first?.branch == "main")
        let entry = try #require(listed.first { $0.path == path })
        #expect(entry.branch == "choo/unit-a")
        #expect(entry.head == start)
        #expect(!entry.isPrunable)
    }

    @Test("adding the worktree again reuses it, and a removed worktree's branch is resumed as it was")
    func resumeWorktree() async throws {
        let path = folder("worktrees/unit-b")
        try await git().addWorktree(path: path, branch: "choo/unit-b", startPoint: "main")
        let unitGit = git(path)
        try "work\n".write(toFile: path + "/work.txt", atomically: true, encoding: .utf8)
        let work = try #require(try await unitGit.commitAll(message: "Work in progress"))
        try "uncommitted\n".write(toFile: path + "/scratch.txt", atomically: true, encoding: .utf8)

        // Same branch, same path: nothing happens, the uncommitted file survives.
        try await git().addWorktree(path: path, branch: "choo/unit-b", startPoint: "main")
        #expect(FileManager.default.fileExists(atPath: path + "/scratch.txt"))
        #expect(try await git().worktrees().count == 2)

        // The worktree goes away (cleanup, or its folder was deleted); the branch keeps the work.
        try await git().removeWorktree(path: path, force: true)
        try await repository.commit("Main moves on")
        try await git().addWorktree(path: path, branch: "choo/unit-b", startPoint: "main")
        #expect(try await git(path).resolve("HEAD") == work)
        #expect(FileManager.default.fileExists(atPath: path + "/work.txt"))

        try FileManager.default.removeItem(atPath: path)
        try await git().addWorktree(path: path, branch: "choo/unit-b", startPoint: "main")
        #expect(try await git(path).resolve("HEAD") == work)
    }

    @Test("removeWorktree removes the folder; prune forgets worktrees whose folder is gone")
    func removeAndPrune() async throws {
        let kept = folder("worktrees/kept")
        let removed = folder("worktrees/removed")
        let deleted = folder("worktrees/deleted")
        for (path, branch) in [(kept, "kept"), (removed, "removed"), (deleted, "deleted")] {
            try await git().addWorktree(path: path, branch: branch, startPoint: "main")
        }
        try "dirty\n".write(toFile: removed + "/untracked.txt", atomically: true, encoding: .utf8)
        await #expect(throws: GitError.self) { try await git().removeWorktree(path: removed, force: false) }
        try await git().removeWorktree(path: removed, force: true)
        #expect(!FileManager.default.fileExists(atPath: removed))

        try FileManager.default.removeItem(atPath: deleted)
        #expect(try await git().worktrees().first { $0.path == deleted }?.isPrunable == true)
        try await git().pruneWorktrees()
        let paths = try await git().worktrees().map(\.path)
        #expect(paths == [repository.path, kept])
        #expect(try await git().branchExists("removed"))
    }

    @Test("commitAll returns nil when there is nothing to commit, else the new commit")
    func commitAll() async throws {
        #expect(try await git().commitAll(message: "Nothing") == nil)
        try repository.write("feature.txt", "new\n")
        try repository.write("README.md", "changed\n")
        let sha = try #require(try await git().commitAll(message: "Add the feature\n\nWith a body."))
        #expect(try await repository.git("rev-parse", "HEAD") == sha)
        #expect(try await repository.git("log", "-1", "--format=%s") == "Add the feature")
        #expect(try await repository.git("log", "-1", "--format=%an") == "Test Author")
        #expect(try await !git().hasUncommittedChanges())
        #expect(try await git().commitAll(message: "Again nothing") == nil)
    }

    @Test("commits work when git has no identity configured")
    func commitWithoutIdentity() async throws {
        let bare = try await GitRepository(at: folder("anonymous"), identity: false)
        let home = folder("empty-home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var environment = GitRepository.environment
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home
        let anonymous = Git(repository: bare.path, environment: environment)
        try bare.write("file.txt", "content\n")
        let sha = try #require(try await anonymous.commitAll(message: "Anonymous commit"))
        #expect(
            try await bare.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", sha)
                == "choo <choo@localhost>|choo <choo@localhost>"
        )
        #expect(try await anonymous.log("HEAD~1..HEAD") == [Commit(sha: sha, subject: "Anonymous commit")])
    }

    @Test("addToInfoExclude is idempotent and makes git status ignore the folder")
    func infoExclude() async throws {
        try repository.write(".ralph/worktrees/unit/file.txt", "x\n")
        #expect(try await git().hasUncommittedChanges())
        try await git().addToInfoExclude("/.ralph/")
        try await git().addToInfoExclude("/.ralph/")
        #expect(try await !git().hasUncommittedChanges())
        let exclude = try repository.read(".git/info/exclude")
        #expect(exclude.components(separatedBy: "\n").filter { $0 == "/.ralph/" }.count == 1)
        #expect(exclude.hasSuffix("/.ralph/\n"))

        // From a worktree it edits the shared file, and a file without a final newline is respected.
        try "# no newline at end".write(toFile: repository(".git/info/exclude"), atomically: true, encoding: .utf8)
        try await git().addWorktree(path: folder("wt"), branch: "wt", startPoint: "main")
        try await git(folder("wt")).addToInfoExclude("/.ralph/")
        #expect(try repository.read(".git/info/exclude") == "# no newline at end\n/.ralph/\n")
    }

    @Test("log lists the commits of a range, oldest first, with their subjects")
    func log() async throws {
        try await repository.git("checkout", "--quiet", "-b", "feature")
        let one = try await repository.commit("First change", files: ["1.txt": "1\n"])
        let two = try await repository.commit("Second: with | odd \u{1f} characters", files: ["2.txt": "2\n"])
        let commits = try await git().log("main..feature")
        #expect(
            commits == [
                Commit(sha: one, subject: "First change"),
                Commit(sha: two, subject: "Second: with | odd \u{1f} characters"),
            ]
        )
        #expect(try await git().log("feature..main") == [])
    }

    @Test("a failing command's error names the command and carries git's message")
    func failingCommand() async throws {
        let error = await #expect(throws: GitError.self) {
            try await git().run(["checkout", "no-such-branch"])
        }
        guard case .failed(let command, let exitCode, let output) = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(command == ["git", "checkout", "no-such-branch"])
        #expect(exitCode != 0)
        #expect(output.contains("no-such-branch"))
        let description = error?.description ?? ""
        #expect(description.contains("`git checkout no-such-branch` failed with exit code \(exitCode)"))
        #expect(description.contains(output))
    }

    @Test("outside a repository, operations fail with git's explanation")
    func notARepository() async throws {
        let outside = folder("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let error = await #expect(throws: GitError.self) { try await git(outside).currentBranch() }
        #expect(error?.description.contains("not a git repository") == true)
    }

    @Test("a git command that hangs is stopped at the timeout")
    func timeout() async throws {
        // An editor that never returns: git waits for it until the timeout stops the group.
        let hanging = git(timeout: .milliseconds(300))
        let error = await #expect(throws: GitError.self) {
            try await hanging.run(["-c", "core.editor=sleep 30 #", "commit", "--allow-empty"])
        }
        #expect(
            error
                == .timedOut(
                    command: ["git", "-c", "core.editor=sleep 30 #", "commit", "--allow-empty"],
                    timeout: .milliseconds(300)
                )
        )
    }

    @Test("git that cannot be found is a launch error")
    func gitMissing() async throws {
        let missing = Git(repository: repository.path, environment: ["PATH": "/nonexistent"])
        let error = await #expect(throws: GitError.self) { try await missing.topLevel() }
        #expect(error == .launch(.executableNotFound("git", searched: ["/nonexistent"])))
    }

    @Test("with the default test double, no git process runs")
    func failingRunner() async throws {
        let unreachable = Git(repository: repository.path, runner: FailingProcessRunner())
        await withKnownIssue {
            _ = try await unreachable.topLevel()
        }
    }
}
