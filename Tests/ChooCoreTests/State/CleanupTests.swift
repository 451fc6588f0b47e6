import ChooCore
import ChooTesting
import Foundation
import Testing

/// `Cleanup` against real repositories: what is removed, what is kept and why, and that a dry run
/// changes nothing.
@Suite(.temporaryDirectory)
struct CleanupTests {
    let folder = TemporaryDirectory.current
    let repository: GitRepository

    init() async throws {
        repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        try await repository.commit("Ignore build output", files: [".gitignore": "build/\n"])
    }

    /// A cleanup of the fixture repository with the default worktree base.
    func cleanup(
        target: String? = nil,
        teardown: [ChooConfig.ConditionalCommand] = []
    ) -> Cleanup {
        Cleanup(
            repositoryRoot: repository.path,
            worktreeBase: repository(".ralph/worktrees"),
            targetBranch: target,
            teardown: teardown,
            effects: .local(),
            environment: GitRepository.environment
        )
    }

    /// Adds the worktree `.ralph/worktrees/<unit>` on a new branch `ralph/<unit>` from main.
    func addUnit(_ unit: String) async throws -> String {
        let path = repository(".ralph/worktrees/" + unit)
        try await repository.git("worktree", "add", "--quiet", "-b", "ralph/" + unit, path, "main")
        return path
    }

    /// Commits `file` in the worktree at `path`; the new commit.
    @discardableResult
    func commit(in path: String, _ file: String) async throws -> String {
        try "work\n".write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
        try await repository.git(arguments: ["add", "-A"], in: path)
        try await repository.git(arguments: ["commit", "--quiet", "-m", "work on " + file], in: path)
        return try await repository.git(arguments: ["rev-parse", "HEAD"], in: path)
    }

    /// Local branch names.
    func branches() async throws -> [String] {
        try await repository.git("branch", "--format=%(refname:short)").split(separator: "\n").map(String.init)
    }

    @Test("a landed unit's worktree (with ignored build output) and branch are removed")
    func landedUnitRemoved() async throws {
        let worktree = try await addUnit("app")
        try await commit(in: worktree, "app.txt")
        try await repository.git("merge", "--quiet", "--ff-only", "ralph/app")
        try FileManager.default.createDirectory(atPath: worktree + "/build", withIntermediateDirectories: true)
        try "object code".write(toFile: worktree + "/build/app.o", atomically: true, encoding: .utf8)

        let report = try await cleanup().run(dryRun: false)

        #expect(report.entries == [.removedWorktree(path: ".ralph/worktrees/app", branch: "ralph/app")])
        #expect(!FileSystem.exists(worktree))
        #expect(try await branches() == ["main"])
        #expect(
            try await repository.git("worktree", "list", "--porcelain").components(separatedBy: "worktree ").count == 2
        )
        #expect(
            report.text(style: .plain)
                == "removed .ralph/worktrees/app and its branch ralph/app (landed on main)\n"
                + "removed 1 worktree and 1 branch; kept 0\n"
        )
    }

    @Test("a branch with a commit not on the target is kept with the reason, and the commit stays")
    func unlandedBranchKept() async throws {
        let worktree = try await addUnit("app-shell")
        let first = try await commit(in: worktree, "one.txt")
        let second = try await commit(in: worktree, "two.txt")
        try await repository.git("worktree", "remove", worktree)
        #expect(first != second)

        let report = try await cleanup().run(dryRun: false)

        let reason = "2 commits not on main (its work has not landed); choo run lands it, or merge it by hand"
        #expect(report.entries == [.kept(subject: "ralph/app-shell", reasons: [reason])])
        #expect(report.text(style: .plain).contains("kept ralph/app-shell: " + reason + "\n"))
        #expect(report.text(style: .plain).hasSuffix("removed 0 worktrees and 0 branches; kept 1\n"))
        #expect(try await repository.git("rev-parse", "ralph/app-shell") == second)
        #expect(try await repository.git("cat-file", "-t", first) == "commit")
    }

    @Test("a worktree with work that has not landed is kept, with its branch")
    func unlandedWorktreeKept() async throws {
        let worktree = try await addUnit("u")
        let tip = try await commit(in: worktree, "u.txt")

        let report = try await cleanup().run(dryRun: false)

        #expect(
            report.entries == [
                .kept(
                    subject: ".ralph/worktrees/u (ralph/u)",
                    reasons: ["1 commit not on main (its work has not landed); choo run lands it, or merge it by hand"]
                )
            ]
        )
        #expect(FileSystem.exists(worktree + "/u.txt"))
        #expect(try await repository.git("rev-parse", "ralph/u") == tip)
    }

    @Test("a worktree with uncommitted changes is kept even when its branch has landed")
    func uncommittedChangesKept() async throws {
        let worktree = try await addUnit("x")
        try "changed\n".write(toFile: worktree + "/README.md", atomically: true, encoding: .utf8)
        try "new\n".write(toFile: worktree + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: worktree + "/drafts", withIntermediateDirectories: true)
        try "draft\n".write(toFile: worktree + "/drafts/a.md", atomically: true, encoding: .utf8)

        let report = try await cleanup().run(dryRun: false)

        #expect(
            report.entries == [
                .kept(
                    subject: ".ralph/worktrees/x (ralph/x)",
                    reasons: [
                        "uncommitted changes in 3 files (README.md, drafts/a.md, notes.txt); commit or discard them, "
                            + "then run choo cleanup again"
                    ]
                )
            ]
        )
        #expect(try String(contentsOfFile: worktree + "/README.md", encoding: .utf8) == "changed\n")
        #expect(FileSystem.exists(worktree + "/drafts/a.md"))
        #expect(try await branches() == ["main", "ralph/x"])
    }

    @Test("a worktree whose folder was deleted by hand is pruned, and its landed branch deleted")
    func deletedFolderPruned() async throws {
        let landed = try await addUnit("y")
        let unlanded = try await addUnit("z")
        try await commit(in: unlanded, "z.txt")
        try FileManager.default.removeItem(atPath: landed)
        try FileManager.default.removeItem(atPath: unlanded)

        let report = try await cleanup().run(dryRun: false)

        #expect(
            report.entries == [
                .prunedRecord(path: ".ralph/worktrees/y"), .prunedRecord(path: ".ralph/worktrees/z"),
                .deletedBranch("ralph/y"),
                .kept(
                    subject: "ralph/z",
                    reasons: ["1 commit not on main (its work has not landed); choo run lands it, or merge it by hand"]
                ),
            ]
        )
        #expect(
            report.text(style: .plain).contains(
                "pruned the record of .ralph/worktrees/y, whose folder was deleted\n"
            )
        )
        let listing = try await repository.git("worktree", "list", "--porcelain")
        #expect(!listing.contains(".ralph/worktrees"))
        #expect(try await branches() == ["main", "ralph/z"])
    }

    @Test("a worktree in the middle of a rebase is kept and says so")
    func rebaseInProgressKept() async throws {
        let worktree = try await addUnit("r")
        try await commit(in: worktree, "shared.txt")
        try await repository.commit("main changes it too", files: ["shared.txt": "main\n"])
        await #expect(throws: (any Error).self) {
            try await repository.git(arguments: ["rebase", "main"], in: worktree)
        }

        let report = try await cleanup().run(dryRun: false)

        guard case .kept(let subject, let reasons)? = report.entries.first, report.entries.count == 1 else {
            Issue.record("expected one kept entry, got \(report.entries)")
            return
        }
        #expect(subject == ".ralph/worktrees/r (ralph/r)")
        #expect(
            reasons.first == "a rebase is in progress; finish it, or abort it with "
                + "`git -C .ralph/worktrees/r rebase --abort`"
        )
        #expect(FileSystem.exists(worktree))
        #expect(try await branches() == ["main", "ralph/r"])
    }

    @Test("a dry run reports what it would do and changes no file, ref or worktree record")
    func dryRunChangesNothing() async throws {
        let landed = try await addUnit("a")
        try await commit(in: landed, "a.txt")
        try await repository.git("merge", "--quiet", "--ff-only", "ralph/a")
        try await repository.git("branch", "ralph/b")
        let unlanded = try await addUnit("c")
        try await commit(in: unlanded, "c.txt")
        try FileManager.default.removeItem(atPath: try await addUnit("d"))
        let before = FileTreeSnapshot.take(folder.path)
        let branchesBefore = try await branches()

        let report = try await cleanup().run(dryRun: true)

        #expect(FileTreeSnapshot.take(folder.path) == before)
        #expect(try await branches() == branchesBefore)
        #expect(
            report.text(style: .plain) == """
                would prune the record of .ralph/worktrees/d, whose folder was deleted
                would remove .ralph/worktrees/a and its branch ralph/a (landed on main)
                would delete branch ralph/b (landed on main)
                would delete branch ralph/d (landed on main)
                would keep .ralph/worktrees/c (ralph/c): 1 commit not on main (its work has not landed); choo run \
                lands it, or merge it by hand
                dry run, nothing was changed: would remove 1 worktree and 3 branches; would prune 1 stale worktree \
                record; would keep 1

                """
        )

        // The same plan, carried out.
        let done = try await cleanup().run(dryRun: false)
        #expect(
            done.text(style: .plain).hasSuffix(
                "removed 1 worktree and 3 branches; pruned 1 stale worktree record; kept 1\n"
            )
        )
        #expect(try await branches() == ["main", "ralph/c"])
    }

    @Test("teardown commands run in the worktree before it is removed; a missing `if` file skips one")
    func teardownRuns() async throws {
        let worktree = try await addUnit("t")
        try await repository.commit("add the marker", files: ["marker": "x\n"])
        try await repository.git(arguments: ["merge", "--quiet", "--ff-only", "main"], in: worktree)
        let log = folder("teardown.log")
        let teardown = [
            ChooConfig.ConditionalCommand(command: "pwd >> '\(log)'; test -e README.md && echo present >> '\(log)'"),
            ChooConfig.ConditionalCommand(command: "echo skipped >> '\(log)'", condition: "no-such-file"),
            ChooConfig.ConditionalCommand(command: "echo conditional >> '\(log)'", condition: "marker"),
            ChooConfig.ConditionalCommand(command: "exit 3"),
        ]

        let report = try await cleanup(teardown: teardown).run(dryRun: false)

        #expect(try String(contentsOfFile: log, encoding: .utf8) == "\(worktree)\npresent\nconditional\n")
        #expect(!FileSystem.exists(worktree))
        #expect(report.removedWorktrees == 1 && report.removedBranches == 1)
        #expect(report.entries.contains(.note("teardown command `exit 3` did not succeed in .ralph/worktrees/t")))
    }

    @Test("a folder that looks like a worktree but is unknown to git is kept; logs are ignored")
    func strayFolderKept() async throws {
        try FileManager.default.createDirectory(
            atPath: repository(".ralph/worktrees/ghost"),
            withIntermediateDirectories: true
        )
        try "gitdir: /nowhere\n".write(
            toFile: repository(".ralph/worktrees/ghost/.git"),
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.createDirectory(
            atPath: repository(".ralph/worktrees/logs/u"),
            withIntermediateDirectories: true
        )
        try "log\n".write(toFile: repository(".ralph/worktrees/logs/u/1.log"), atomically: true, encoding: .utf8)

        let report = try await cleanup().run(dryRun: false)

        #expect(
            report.entries == [
                .kept(
                    subject: ".ralph/worktrees/ghost",
                    reasons: [
                        "it looks like a worktree, but git has no record of it; look inside and delete it by hand if "
                            + "nothing in it is needed"
                    ]
                )
            ]
        )
        #expect(FileSystem.exists(repository(".ralph/worktrees/ghost/.git")))
        #expect(FileSystem.exists(repository(".ralph/worktrees/logs/u/1.log")))
    }

    @Test("a locked worktree, and a unit branch checked out in the user's checkout, are kept")
    func lockedAndCheckedOutKept() async throws {
        let locked = try await addUnit("l")
        try await repository.git("worktree", "lock", locked)
        try await repository.git("checkout", "--quiet", "-b", "ralph/mine")

        let report = try await cleanup(target: "main").run(dryRun: false)

        #expect(
            report.entries == [
                .kept(
                    subject: ".ralph/worktrees/l (ralph/l)",
                    reasons: ["it is locked; `git worktree unlock .ralph/worktrees/l` allows removing it"]
                ),
                .kept(
                    subject: "ralph/mine",
                    reasons: [
                        "it is checked out in your checkout at \(repository.path); switch that checkout to another "
                            + "branch first"
                    ]
                ),
            ]
        )
        #expect(FileSystem.exists(locked))
        #expect(try await branches() == ["main", "ralph/l", "ralph/mine"])
    }

    @Test("containment is judged against --target, not the current branch")
    func explicitTarget() async throws {
        let worktree = try await addUnit("v")
        try await commit(in: worktree, "v.txt")
        try await repository.git("branch", "release", "ralph/v")

        let onMain = try await cleanup().run(dryRun: true)
        let onRelease = try await cleanup(target: "release").run(dryRun: true)

        #expect(onMain.kept == 1 && onMain.removedWorktrees == 0)
        #expect(onRelease.entries == [.removedWorktree(path: ".ralph/worktrees/v", branch: "ralph/v")])
        #expect(onRelease.targetBranch == "release")
    }

    @Test("outside a git repository, or with a target that does not exist, nothing starts")
    func refusals() async throws {
        let plain = folder("plain")
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        let outside = Cleanup(
            repositoryRoot: plain,
            worktreeBase: plain + "/.ralph/worktrees",
            targetBranch: nil,
            effects: .local(),
            environment: GitRepository.environment
        )
        await #expect(throws: Cleanup.CleanupError.notAGitRepository(plain)) {
            try await outside.run(dryRun: false)
        }
        await #expect(throws: Cleanup.CleanupError.unknownTargetBranch("trunk")) {
            try await cleanup(target: "trunk").run(dryRun: false)
        }
        #expect(Cleanup.CleanupError.notAGitRepository(plain).exitCode == 2)
    }
}
