import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct GitTests {
    let folder = TemporaryDirectory.current
    let repository: GitRepository

    init() async throws {
        repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
    }

    /// A client for `path` (default: the repository), isolated from the machine's git config.
    func git(_ path: String? = nil, timeout: Duration = .seconds(60)) -> Git {
        Git(
            repository: path ?? repository.path,
            runner: SystemProcessRunner(),
            timeout: timeout,
            environment: GitRepository.environment
        )
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
        let anonymous = Git(repository: bare.path, runner: SystemProcessRunner(), environment: environment)
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
        let missing = Git(
            repository: repository.path,
            runner: SystemProcessRunner(),
            environment: ["PATH": "/nonexistent"]
        )
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

    // MARK: Settings and new repositories

    @Test("config reads a setting or nil, setConfig writes one, remoteURL reads a remote's address")
    func settings() async throws {
        #expect(try await git().config("choo.missing") == nil)
        try await git().setConfig("choo.answer", to: "42")
        #expect(try await git().config("choo.answer") == "42")
        #expect(try await git().remoteURL("origin") == nil)
        try await repository.git("remote", "add", "origin", "https://github.com/acme/widgets.git")
        #expect(try await git().remoteURL("origin") == "https://github.com/acme/widgets.git")
        try await git().setConfig("choo.home", to: "~/x")
        #expect(try await git().config("choo.home", path: true)?.hasSuffix("/x") == true)
        #expect(try await git().config("choo.home", path: true) != "~/x")
    }

    @Test("initializeRepository makes a folder a repository on the named branch, without a commit")
    func initialize() async throws {
        let fresh = folder("fresh")
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        try await git(fresh).initializeRepository(initialBranch: "trunk")
        #expect(try await git(fresh).currentBranch() == "trunk")
        #expect(try await git(fresh).resolve("HEAD") == nil)
        #expect(try await git(fresh).topLevel() == fresh)
    }

    // MARK: Status

    @Test("statusEntries lists changed and untracked files with their letters; a rename names its origin")
    func statusEntries() async throws {
        try await repository.commit("files", files: ["old.txt": "old\n", "specs/a.md": "a\n", "keep.txt": "k\n"])
        try await repository.commit("ignore", files: [".gitignore": "*.log\n"])
        try repository.write("specs/a.md", "changed\n")
        try repository.write("specs/new.md", "new\n")
        try repository.write("debug.log", "ignored\n")
        try await repository.git("mv", "old.txt", "renamed.txt")
        let entries = try await git().statusEntries()
        #expect(
            Set(entries) == [
                StatusEntry(code: " M", path: "specs/a.md"),
                StatusEntry(code: "??", path: "specs/new.md"),
                StatusEntry(code: "R ", path: "renamed.txt", origin: "old.txt"),
            ]
        )
        #expect(Set(try await git().statusEntries(under: ["specs"]).map(\.path)) == ["specs/a.md", "specs/new.md"])
        #expect(try await git().statusEntries(under: ["keep.txt"]).isEmpty)
    }

    @Test("porcelain -z records: renames and copies name where they came from, odd names survive")
    func parseStatusEntries() {
        let output = "?? with space.txt\0 M README.md\0R  new.txt\0old.txt\0C  copy.txt\0source.txt\0?? ünï.txt\0"
        #expect(
            Git.parseStatusEntries(output) == [
                StatusEntry(code: "??", path: "with space.txt"),
                StatusEntry(code: " M", path: "README.md"),
                StatusEntry(code: "R ", path: "new.txt", origin: "old.txt"),
                StatusEntry(code: "C ", path: "copy.txt", origin: "source.txt"),
                StatusEntry(code: "??", path: "ünï.txt"),
            ]
        )
    }

    // MARK: Refs

    @Test("updateReference with expecting is a compare-and-swap: it moves only a ref still where expected")
    func compareAndSwap() async throws {
        let first = try await repository.git("rev-parse", "HEAD")
        let second = try await repository.commit("Second")
        try await git().updateReference("refs/choo/test", to: first)
        try await git().updateReference("refs/choo/test", to: second, expecting: first)
        #expect(try await git().resolve("refs/choo/test") == second)

        // Someone moved it meanwhile: nothing changes, and the error says where it is now.
        let error = await #expect(throws: GitError.self) {
            try await git().updateReference("refs/choo/test", to: first, expecting: first)
        }
        #expect(error == .referenceMoved(reference: "refs/choo/test", expected: first, actual: second))
        #expect(error?.description.contains("moved meanwhile") == true)
        #expect(try await git().resolve("refs/choo/test") == second)

        // A ref that is gone is no match either.
        await #expect(throws: GitError.referenceMoved(reference: "refs/choo/gone", expected: first, actual: nil)) {
            try await git().updateReference("refs/choo/gone", to: second, expecting: first)
        }
        #expect(try await git().resolve("refs/choo/gone") == nil)

        // Deleting by compare-and-swap, too.
        await #expect(throws: GitError.referenceMoved(reference: "refs/choo/test", expected: first, actual: second)) {
            try await git().deleteReference("refs/choo/test", expecting: first)
        }
        try await git().deleteReference("refs/choo/test", expecting: second)
        #expect(try await git().resolve("refs/choo/test") == nil)
        try await git().deleteReference("refs/choo/test")  // already gone: fine
    }

    @Test("advanceBranch fast-forwards a checked-out branch with its files, else swaps the ref; a moved branch stays")
    func advanceBranch() async throws {
        let start = try await repository.git("rev-parse", "HEAD")
        try await repository.git("branch", "elsewhere")
        try await repository.git("checkout", "--quiet", "-b", "feature")
        let landed = try await repository.commit("Feature", files: ["feature.txt": "f\n"])
        try await repository.git("checkout", "--quiet", "main")

        // main is checked out here: the checkout follows.
        try await git().advanceBranch("main", from: start, to: landed)
        #expect(try await git().resolve("refs/heads/main") == landed)
        #expect(try repository.read("feature.txt") == "f\n")
        #expect(try await !git().hasUncommittedChanges())

        // elsewhere is checked out nowhere: its ref is swapped.
        try await git().advanceBranch("elsewhere", from: start, to: landed)
        #expect(try await git().resolve("refs/heads/elsewhere") == landed)

        // Not where the caller last saw it: refused, nothing moves.
        let later = try await repository.commit("Later on main")
        await #expect(throws: GitError.referenceMoved(reference: "refs/heads/main", expected: start, actual: later)) {
            try await git().advanceBranch("main", from: start, to: landed)
        }
        await #expect(
            throws: GitError.referenceMoved(reference: "refs/heads/elsewhere", expected: start, actual: landed)
        ) {
            try await git().advanceBranch("elsewhere", from: start, to: later)
        }
        #expect(try await git().resolve("refs/heads/main") == later)
    }

    @Test("a checked-out branch is not advanced over local changes in the way; git's refusal is the error")
    func advanceBranchRefusedByCheckout() async throws {
        let start = try await repository.git("rev-parse", "HEAD")
        try await repository.git("checkout", "--quiet", "-b", "feature")
        let landed = try await repository.commit("Touch the README", files: ["README.md": "theirs\n"])
        try await repository.git("checkout", "--quiet", "main")
        try repository.write("README.md", "mine, uncommitted\n")
        let error = await #expect(throws: GitError.self) {
            try await git().advanceBranch("main", from: start, to: landed)
        }
        guard case .failed = error else {
            Issue.record("expected git's own failure, got \(String(describing: error))")
            return
        }
        #expect(try await git().resolve("refs/heads/main") == start)
        #expect(try repository.read("README.md") == "mine, uncommitted\n")
    }

    @Test("resolveReference reads a loose ref's file and asks git for a packed one")
    func resolveReference() async throws {
        let head = try await repository.git("rev-parse", "HEAD")
        try await repository.git("update-ref", "refs/choo/units/u", head)
        let common = try await git().gitDirectories().common
        #expect(try await git().resolveReference("refs/choo/units/u", commonDirectory: common) == head)
        try await repository.git("pack-refs", "--all")
        #expect(!FileManager.default.fileExists(atPath: common + "/refs/choo/units/u"))
        #expect(try await git().resolveReference("refs/choo/units/u", commonDirectory: common) == head)
        #expect(try await git().resolveReference("refs/choo/units/none", commonDirectory: common) == nil)
    }

    @Test("commitCount counts the commits of tips that the excluded ref lacks")
    func commitCount() async throws {
        try await repository.git("checkout", "--quiet", "-b", "feature")
        let one = try await repository.commit("One")
        let two = try await repository.commit("Two")
        #expect(try await git().commitCount(from: [two], excluding: "refs/heads/main") == 2)
        #expect(try await git().commitCount(from: [one, two], excluding: "refs/heads/main") == 2)
        #expect(try await git().commitCount(from: [two], excluding: "refs/heads/feature") == 0)
        #expect(try await git().commitCount(from: [], excluding: "refs/heads/main") == 0)
    }

    // MARK: Worktree changes

    @Test("forceCheckout puts a branch at a commit and throws away changes to tracked files")
    func forceCheckout() async throws {
        let first = try await repository.git("rev-parse", "HEAD")
        try await repository.commit("Second", files: ["second.txt": "2\n"])
        try repository.write("README.md", "scribbled\n")
        try repository.write("untracked.txt", "kept\n")
        try await git().forceCheckout(branch: "ralph/u", at: first)
        #expect(try await git().currentBranch() == "ralph/u")
        #expect(try await git().resolve("HEAD") == first)
        #expect(try repository.read("README.md") == "# fixture\n")
        #expect(!FileManager.default.fileExists(atPath: repository("second.txt")))
        #expect(try repository.read("untracked.txt") == "kept\n")
    }

    @Test("applyPatch applies a patch that fits and refuses, changing nothing, one that does not")
    func applyPatch() async throws {
        try await repository.commit("Files", files: ["a.txt": "one\ntwo\n", "b.bin": "\u{0}\u{1}\n"])
        try repository.write("a.txt", "one\ntwo\nthree\n")
        let patch = try await git().patch()
        try await repository.git("checkout", "--quiet", "--", "a.txt")
        #expect(try await git().applyPatch(patch))
        #expect(try repository.read("a.txt") == "one\ntwo\nthree\n")

        try await repository.git("checkout", "--quiet", "--", "a.txt")
        try repository.write("a.txt", "something else entirely\n")
        #expect(try await !git().applyPatch(patch))
        #expect(try repository.read("a.txt") == "something else entirely\n")
    }

    @Test("hashObjects hashes on disk bytes without filters, in order, also for a name holding a newline")
    func hashObjects() async throws {
        try await repository.commit("Line endings", files: [".gitattributes": "*.txt text eol=lf\n"])
        try repository.write("crlf.txt", "a\r\nb\r\n")
        try repository.write("odd\nname.dat", "odd\n")
        let filtered = try await git().hashObjects(["crlf.txt"])
        let raw = try await git().hashObjects(["crlf.txt"], applyingFilters: false)
        #expect(filtered == [try await repository.git("hash-object", "crlf.txt")])
        #expect(raw == [try await repository.git("hash-object", "--no-filters", "crlf.txt")])
        #expect(filtered != raw)
        let mixed = try await git().hashObjects(["README.md", "odd\nname.dat", "crlf.txt"], applyingFilters: false)
        #expect(
            mixed == [
                try await repository.git("hash-object", "README.md"),
                try await repository.git("hash-object", "odd\nname.dat"),
                raw[0],
            ]
        )
    }

    @Test("ignoreRules names the file, line and pattern that ignore each path, and leaves out the rest")
    func ignoreRules() async throws {
        try await repository.commit("Ignore", files: [".gitignore": "# build output\nbuild/\n*.log\n"])
        try repository.write("build/out.o", "o\n")
        try repository.write("debug.log", "l\n")
        let rules = try await git().ignoreRules(for: ["build/out.o", "debug.log", "README.md", "notes.txt"])
        #expect(
            rules == [
                IgnoreRule(source: ".gitignore", line: 2, pattern: "build/", path: "build/out.o"),
                IgnoreRule(source: ".gitignore", line: 3, pattern: "*.log", path: "debug.log"),
            ]
        )
        #expect(try await git().ignoreRules(for: ["README.md"]).isEmpty)
    }

    // MARK: Remotes

    /// A bare repository holding main, added to the fixture as `origin`.
    func origin() async throws -> String {
        let bare = folder("origin.git")
        try await repository.git(arguments: ["init", "--quiet", "--bare", "-b", "main", bare])
        try await repository.git("remote", "add", "origin", bare)
        try await repository.git("push", "--quiet", "origin", "main")
        return bare
    }

    @Test("remoteReference reads a ref of the remote without fetching; nil for one it does not have")
    func remoteReference() async throws {
        _ = try await origin()
        let head = try await repository.git("rev-parse", "HEAD")
        // A ref that merely ends the same way is not the one asked about.
        try await repository.commit("Elsewhere")
        try await repository.git("push", "--quiet", "origin", "HEAD:refs/heads/x/refs/heads/main")
        try await repository.git("update-ref", "-d", "refs/remotes/origin/main")
        #expect(try await git().remoteReference("refs/heads/main", at: "origin") == head)
        #expect(try await git().remoteReference("refs/heads/missing", at: "origin") == nil)
        #expect(try await git().resolve("refs/remotes/origin/main") == nil)
    }

    @Test("fetchObjects brings the commits in and moves no ref; fetch with a refspec moves its destination")
    func fetching() async throws {
        let bare = try await origin()
        let clone = folder("clone")
        try await repository.git(arguments: ["clone", "--quiet", bare, clone])
        try await repository.git(arguments: ["checkout", "--quiet", "-b", "theirs"], in: clone)
        try await repository.git(
            arguments: ["-c", "user.name=Someone", "-c", "user.email=someone@example.com", "commit", "--quiet"]
                + ["--allow-empty", "-m", "Theirs"],
            in: clone
        )
        try await repository.git(arguments: ["push", "--quiet", "origin", "theirs"], in: clone)
        let tip = try await repository.git(arguments: ["rev-parse", "HEAD"], in: clone)

        #expect(try await git().resolve(tip) == nil)
        try await git().fetchObjects(of: "refs/heads/theirs", from: "origin")
        #expect(try await git().resolve(tip) == tip)
        #expect(try await git().resolve("refs/remotes/origin/theirs") == nil)
        #expect(!FileManager.default.fileExists(atPath: repository(".git/FETCH_HEAD")))

        try await git().fetch("+refs/heads/theirs:refs/remotes/origin/theirs", from: "origin")
        #expect(try await git().resolve("refs/remotes/origin/theirs") == tip)
    }

    @Test("push with a lease overwrites the remote branch only while it is where choo last saw it")
    func pushWithLease() async throws {
        let bare = try await origin()
        let first = try await repository.commit("First on the unit")
        // A new branch: the lease is that it does not exist yet.
        try await git().push(remote: "origin", refspec: "HEAD:refs/heads/ralph/u", forceWithLease: nil)
        #expect(try await git(bare).resolve("refs/heads/ralph/u") == first)

        // It exists now, so a lease on "not there" is refused.
        let second = try await repository.commit("Second on the unit")
        let refused = await #expect(throws: GitError.self) {
            try await git().push(remote: "origin", refspec: "HEAD:refs/heads/ralph/u", forceWithLease: nil)
        }
        #expect(refused == .pushRejected(remote: "origin", reference: "refs/heads/ralph/u", reason: "stale info"))
        #expect(refused?.description.contains("the lease did not hold") == true)
        #expect(try await git(bare).resolve("refs/heads/ralph/u") == first)

        // Leased on what is there, it goes, even rewriting history (a rebase).
        try await git().push(remote: "origin", refspec: "HEAD:refs/heads/ralph/u", forceWithLease: first)
        #expect(try await git(bare).resolve("refs/heads/ralph/u") == second)
        try await repository.git("reset", "--quiet", "--hard", "HEAD~1")
        let rewritten = try await repository.commit("Second, rewritten")
        try await git().push(remote: "origin", refspec: "HEAD:refs/heads/ralph/u", forceWithLease: second)
        #expect(try await git(bare).resolve("refs/heads/ralph/u") == rewritten)

        // Someone pushed meanwhile: a lease on the old tip is refused and their commit stays.
        await #expect(
            throws: GitError.pushRejected(remote: "origin", reference: "refs/heads/ralph/u", reason: "stale info")
        ) {
            try await git().push(remote: "origin", refspec: "HEAD~1:refs/heads/ralph/u", forceWithLease: second)
        }
        #expect(try await git(bare).resolve("refs/heads/ralph/u") == rewritten)
    }

    // MARK: Operations in progress

    /// Makes `main` and `other` change `conflict.txt` differently; `other` is left checked out.
    func conflictingBranches() async throws {
        try await repository.commit("Base", files: ["conflict.txt": "base\n"])
        try await repository.git("checkout", "--quiet", "-b", "other")
        try await repository.commit("Other", files: ["conflict.txt": "other\n"])
        try await repository.git("checkout", "--quiet", "main")
        try await repository.commit("Main", files: ["conflict.txt": "main\n"])
        try await repository.git("checkout", "--quiet", "other")
    }

    @Test("nothing in progress: no operation, and aborting aborts nothing")
    func nothingInProgress() async throws {
        #expect(try await git().operationInProgress() == nil)
        #expect(try await git().abortOperation() == [])
        #expect(try await git().resolve("HEAD") == (try await repository.git("rev-parse", "HEAD")))
    }

    @Test("a stopped merge is in progress until aborted, and aborting puts HEAD and the files back")
    func mergeInProgress() async throws {
        try await conflictingBranches()
        let before = try await repository.git("rev-parse", "HEAD")
        await #expect(throws: (any Error).self) { try await repository.git("merge", "--quiet", "main") }
        let merge = try #require(try await git().operationInProgress())
        #expect(merge.kind == .merge)
        #expect(merge.description == "a merge" && merge.abortCommand == "merge --abort")
        #expect(try await git().abortOperation() == [.merge])
        #expect(try await git().operationInProgress() == nil)
        #expect(try await git().resolve("HEAD") == before)
        #expect(try repository.read("conflict.txt") == "other\n")
    }

    @Test("a stopped rebase names the branch it started on; abort ends it on that branch")
    func rebaseInProgress() async throws {
        try await conflictingBranches()
        let before = try await repository.git("rev-parse", "HEAD")
        await #expect(throws: (any Error).self) { try await repository.git("rebase", "--quiet", "main") }
        #expect(try await git().operationInProgress() == GitOperation(kind: .rebase, branch: "other"))
        #expect(try await git().headState(reading: "refs/heads/main")?.operations.map(\.kind) == [.rebase])
        #expect(try await git().abortOperation() == [.rebase])
        #expect(try await git().operationInProgress() == nil)
        #expect(try await git().currentBranch() == "other")
        #expect(try await git().resolve("HEAD") == before)
    }

    @Test("a stopped cherry-pick, in a worktree, is found in that worktree's own git folder")
    func cherryPickInWorktree() async throws {
        try await conflictingBranches()
        try await repository.git("checkout", "--quiet", "main")
        let path = folder("wt")
        try await git().addWorktree(path: path, branch: "other", startPoint: "other")
        let pick = try await repository.git("rev-parse", "main")
        await #expect(throws: (any Error).self) {
            try await repository.git(arguments: ["cherry-pick", pick], in: path)
        }
        #expect(try await git().operationInProgress() == nil)
        #expect(try await git(path).operationInProgress()?.kind == .cherryPick)
        #expect(try await git(path).abortOperation() == [.cherryPick])
        #expect(try await git(path).operationInProgress() == nil)
    }

    @Test("a bisect is reported with its starting branch but not aborted")
    func bisectIsLeftAlone() async throws {
        let good = try await repository.git("rev-parse", "HEAD")
        try await repository.commit("Bad")
        try await repository.git("bisect", "start", "HEAD", good)
        #expect(try await git().operationInProgress() == GitOperation(kind: .bisect, branch: "main"))
        #expect(try await git().operationInProgress()?.abortCommand == "bisect reset")
        #expect(try await git().abortOperation() == [])
        #expect(try await git().operationInProgress()?.kind == .bisect)
    }

    @Test("headState reads HEAD, a ref and where HEAD is attached in one go; nil for a missing ref")
    func headState() async throws {
        let head = try await repository.git("rev-parse", "HEAD")
        try await repository.git("update-ref", "refs/choo/units/u", head)
        #expect(
            try await git().headState(reading: "refs/choo/units/u")
                == HeadState(head: head, reference: head, attachedTo: "refs/heads/main", operations: [])
        )
        try await repository.git("checkout", "--quiet", "--detach")
        #expect(try await git().headState(reading: "refs/choo/units/u")?.attachedTo == nil)
        #expect(try await git().headState(reading: "refs/choo/units/none") == nil)
    }

    @Test("gitDirectories and gitPaths are absolute, and a worktree's own folder differs from the common one")
    func gitDirectories() async throws {
        let path = folder("wt")
        try await git().addWorktree(path: path, branch: "wt", startPoint: "main")
        let main = try await git().gitDirectories()
        #expect(main.git == repository(".git") && main.common == repository(".git"))
        let worktree = try await git(path).gitDirectories()
        #expect(worktree.common == repository(".git"))
        #expect(worktree.git == repository(".git/worktrees/wt"))
        #expect(
            try await git(path).gitPaths(["info/exclude", "MERGE_HEAD"])
                == [repository(".git/info/exclude"), repository(".git/worktrees/wt/MERGE_HEAD")]
        )
    }

    // MARK: Bringing a branch up to date

    @Test("rebase and merge finish, or stop at the conflicted files with the operation in progress")
    func integrate() async throws {
        try await conflictingBranches()
        // Conflicts are a result, not an error.
        #expect(try await git().rebase(onto: "main") == .conflicted(["conflict.txt"]))
        #expect(try await git().unmergedFiles() == ["conflict.txt"])
        #expect(try await git().abortOperation() == [.rebase])
        #expect(try await git().merge("main") == .conflicted(["conflict.txt"]))
        #expect(try await git().operationInProgress()?.kind == .merge)
        #expect(try await git().abortOperation() == [.merge])

        // Without a conflict they just finish.
        try await repository.git("checkout", "--quiet", "-b", "clean", "main~1")
        try await repository.commit("Clean change", files: ["clean.txt": "c\n"])
        #expect(try await git().rebase(onto: "main") == .done)
        #expect(try await git().isAncestor("main", of: "HEAD"))
        try await repository.git("checkout", "--quiet", "-b", "merged", "main~1")
        try await repository.commit("Another", files: ["another.txt": "a\n"])
        #expect(try await git().merge("main") == .done)
        #expect(try await git().log("HEAD~1..HEAD").count == 2)  // the merge commit and main's
    }

    @Test("a resolved conflict is staged and continued; the merge is committed with git's message")
    func continueAfterResolving() async throws {
        try await conflictingBranches()
        let editor = Git(
            repository: repository.path,
            runner: SystemProcessRunner(),
            environment: GitRepository.environment.merging(["GIT_EDITOR": "true"]) { $1 }
        )
        #expect(try await editor.rebase(onto: "main") == .conflicted(["conflict.txt"]))
        try repository.write("conflict.txt", "both\n")
        try await editor.stageAll()
        #expect(try await editor.continueOperation() == .done)
        #expect(try await editor.operationInProgress() == nil)
        #expect(try await editor.currentBranch() == "other")
        #expect(try await editor.log("main..HEAD").map(\.subject) == ["Other"])

        try await repository.git("checkout", "--quiet", "-b", "merging", "other~1")
        try await repository.commit("Third side", files: ["conflict.txt": "third\n"])
        #expect(try await editor.merge("other") == .conflicted(["conflict.txt"]))
        try repository.write("conflict.txt", "all three\n")
        try await editor.stageAll()
        #expect(try await editor.continueOperation() == .done)
        #expect(try await repository.git("log", "-1", "--format=%s").hasPrefix("Merge branch 'other'"))

        await #expect(throws: GitError.nothingToContinue(repository: repository.path)) {
            try await editor.continueOperation()
        }
    }

    @Test("indexEntries lists each stage of a conflicted path and stage 0 for the rest")
    func indexEntries() async throws {
        try await conflictingBranches()
        _ = try await git().merge("main")
        let entries = try await git().indexEntries()
        #expect(entries.filter { $0.path == "conflict.txt" }.map(\.stage) == [1, 2, 3])
        let readme = try #require(entries.first { $0.path == "README.md" })
        #expect(readme.stage == 0 && readme.mode == "100644")
        #expect(readme.object == (try await repository.git("rev-parse", "HEAD:README.md")))
    }

    @Test("mergeBase finds the common ancestor, nil for unrelated histories; changedFiles(on:since:) counts one side")
    func mergeBaseAndBranchChanges() async throws {
        let base = try await repository.git("rev-parse", "HEAD")
        try await repository.git("checkout", "--quiet", "-b", "feature")
        try await repository.commit("Feature", files: ["feature.txt": "f\n"])
        try await repository.git("checkout", "--quiet", "main")
        try await repository.commit("Main", files: ["main.txt": "m\n"])
        #expect(try await git().mergeBase("main", "feature") == base)
        #expect(try await git().changedFiles(on: "feature", since: "main") == ["feature.txt"])
        #expect(try await git().changedFiles(on: "main", since: "feature") == ["main.txt"])
        try await repository.git("checkout", "--quiet", "--orphan", "unrelated")
        try await repository.commit("Unrelated")
        #expect(try await git().mergeBase("main", "unrelated") == nil)
    }

    @Test("stageAll stages new, changed and deleted files; resetHard puts the branch and tracked files back")
    func stageAndReset() async throws {
        let start = try await repository.git("rev-parse", "HEAD")
        try repository.write("new.txt", "new\n")
        try repository.write("README.md", "changed\n")
        try await git().stageAll()
        #expect(Set(try await git().statusEntries().map(\.code)) == ["A ", "M "])
        try await repository.git("commit", "--quiet", "-m", "Work")
        try repository.write("README.md", "scribbled\n")
        try repository.write("untracked.txt", "stays\n")
        try await git().resetHard(to: start)
        #expect(try await git().resolve("HEAD") == start)
        #expect(try repository.read("README.md") == "# fixture\n")
        #expect(!FileManager.default.fileExists(atPath: repository("new.txt")))
        #expect(try repository.read("untracked.txt") == "stays\n")
    }
}
