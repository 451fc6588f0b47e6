import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo cleanup` through the built binary, on repositories `choo run` really worked in.
@Suite(.temporaryDirectory)
struct CleanupCommandTests {
    /// Local branch names of `repository`.
    func branches(_ repository: GitRepository) async throws -> [String] {
        try await repository.git("branch", "--format=%(refname:short)").split(separator: "\n").map(String.init)
    }

    @Test("after a run that kept its worktrees: landed units go, unlanded and dirty work stays; a dry run first")
    func afterRun() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "worktree:\n  keep: true\n") { specs in
            for unit in ["a", "b", "c"] {
                try specs.unit(unit, tasks: [.init(1, backpressure: workCheck(unit, 1))])
            }
        }
        let run = try await fixture.choo("run", "-p", "1")
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        let repository = fixture.repository
        // Work that has not landed: a branch with a commit main does not have.
        let tree = try await repository.git("rev-parse", "main^{tree}")
        let unlanded = try await repository.git("commit-tree", tree, "-p", "main", "-m", "not landed")
        try await repository.git("branch", "ralph/wip", unlanded)
        // Uncommitted work in a landed unit's worktree.
        try "scratch\n".write(
            toFile: repository(".ralph/worktrees/c/notes.txt"),
            atomically: true,
            encoding: .utf8
        )

        let before = FileTreeSnapshot.take(fixture.directory.path)
        let branchesBefore = try await branches(repository)
        #expect(branchesBefore == ["main", "ralph/a", "ralph/b", "ralph/c", "ralph/wip"])
        let dry = try await fixture.choo("cleanup", "--dry-run")
        #expect(dry.exitCode == 0, "\(dry.stderr)")
        #expect(FileTreeSnapshot.take(fixture.directory.path) == before)
        #expect(try await branches(repository) == branchesBefore)
        let wipReason = "1 commit not on main (its work has not landed); choo run lands it, or merge it by hand"
        let dirtyReason =
            "uncommitted changes in 1 file (notes.txt); commit or discard them, then run choo cleanup again"
        #expect(
            dry.stdout == """
                would remove .ralph/worktrees/a and its branch ralph/a (landed on main)
                would remove .ralph/worktrees/b and its branch ralph/b (landed on main)
                would keep .ralph/worktrees/c (ralph/c): \(dirtyReason)
                would keep ralph/wip: \(wipReason)
                dry run, nothing was changed: would remove 2 worktrees and 2 branches; would keep 2

                """
        )

        let result = try await fixture.choo("cleanup")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                removed .ralph/worktrees/a and its branch ralph/a (landed on main)
                removed .ralph/worktrees/b and its branch ralph/b (landed on main)
                kept .ralph/worktrees/c (ralph/c): \(dirtyReason)
                kept ralph/wip: \(wipReason)
                removed 2 worktrees and 2 branches; kept 2

                """
        )
        #expect(try await branches(repository) == ["main", "ralph/c", "ralph/wip"])
        #expect(!FileSystem.exists(repository(".ralph/worktrees/a")))
        #expect(!FileSystem.exists(repository(".ralph/worktrees/b")))
        #expect(try repository.read(".ralph/worktrees/c/notes.txt") == "scratch\n")
        #expect(try await repository.git("cat-file", "-t", unlanded) == "commit")
        #expect(FileSystem.exists(repository(".ralph/worktrees/logs")))
        #expect(try await fixture.landed().count == 3)
        #expect(try await repository.git("status", "--porcelain").isEmpty)
    }

    @Test("a worktree folder deleted by hand is pruned, and its landed branch deleted")
    func deletedFolder() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "worktree:\n  keep: true\n") { specs in
            try specs.unit("y", tasks: [.init(1, backpressure: workCheck("y", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        try FileManager.default.removeItem(atPath: fixture.repository(".ralph/worktrees/y"))

        let result = try await fixture.choo("cleanup")

        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pruned the record of .ralph/worktrees/y, whose folder was deleted\n"))
        #expect(result.stdout.contains("deleted branch ralph/y (landed on main)\n"))
        #expect(!(try await fixture.repository.git("worktree", "list")).contains(".ralph/worktrees/y"))
        #expect(try await branches(fixture.repository) == ["main"])
    }

    @Test("--reset-state sets statuses to pending and removes orch_* keys, every other byte kept, uncommitted")
    func resetState() async throws {
        let directory = TemporaryDirectory.current
        let repository = try await GitRepository(at: directory("repo"))
        let specs = SpecFixture(root: repository.path)
        try specs.unit(
            "a",
            extra: [
                "# choo's state:", "orch_status: complete  # by choo", "orch_branch: ralph/a",
                "orch_started_at: 2025-01-31T09:30:00Z", "orch_completed_at: \"2025-01-31T10:00:00Z\"",
            ],
            tasks: [.init(1, status: "complete"), .init(3, status: "pending")]
        )
        try specs.write(
            "specs/tasks/a/02-task-2.md",
            "---\ntask: 2\nstatus: in_progress   # the agent is on it\r\nbackpressure: 'true'\ndepends_on: [1]\n---\n# Two\n"
        )
        try specs.unit("b", tasks: [.init(1)])
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "spec tree")
        let head = try await repository.git("rev-parse", "HEAD")
        let untouched = [
            "specs/tasks/a/03-task-3.md", "specs/tasks/b/IMPLEMENTATION_PLAN.md", "specs/tasks/b/01-task-1.md",
        ]
        let untouchedBefore = try untouched.map { try repository.read($0) }

        let before = FileTreeSnapshot.take(directory.path)
        let dry = try await ChooBinary.run(["cleanup", "--dry-run", "--reset-state"], in: repository.path)
        #expect(dry.exitCode == 0, "\(dry.stderr)")
        #expect(FileTreeSnapshot.take(directory.path) == before)
        #expect(
            dry.stdout == """
                would reset specs/tasks/a/IMPLEMENTATION_PLAN.md: removed orch_status, orch_branch, orch_started_at, \
                orch_completed_at
                would reset specs/tasks/a/01-task-1.md: status complete -> pending
                would reset specs/tasks/a/02-task-2.md: status in_progress -> pending
                nothing to clean up: no unit worktrees under .ralph/worktrees and no ralph/* branches
                dry run, nothing was changed: would remove 0 worktrees and 0 branches; would keep 0; would reset 3 \
                spec files

                """
        )

        let result = try await ChooBinary.run(["cleanup", "--reset-state"], in: repository.path)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("reset specs/tasks/a/01-task-1.md: status complete -> pending\n"))
        #expect(result.stdout.contains("; reset 3 spec files\n"))
        #expect(result.stdout.contains("not committed"))
        #expect(
            try repository.read("specs/tasks/a/IMPLEMENTATION_PLAN.md")
                == "---\nunit: a\ndepends_on: []\n# choo's state:\n---\n\n# a plan\n\nHow a is built.\n"
        )
        #expect(
            try repository.read("specs/tasks/a/01-task-1.md")
                == "---\ntask: 1\nstatus: pending\nbackpressure: \"true\"\ndepends_on: []\n---\n\n# Task 1\n\n"
                + "Do the work of task 1.\n"
        )
        #expect(
            try repository.read("specs/tasks/a/02-task-2.md")
                == "---\ntask: 2\nstatus: pending   # the agent is on it\r\nbackpressure: 'true'\ndepends_on: [1]\n"
                + "---\n# Two\n"
        )
        #expect(try untouched.map { try repository.read($0) } == untouchedBefore)
        // Changed in the checkout, not committed.
        #expect(try await repository.git("rev-parse", "HEAD") == head)
        #expect(
            try await repository.git("diff", "--name-only").split(separator: "\n").sorted() == [
                "specs/tasks/a/01-task-1.md", "specs/tasks/a/02-task-2.md", "specs/tasks/a/IMPLEMENTATION_PLAN.md",
            ]
        )
        #expect(try await repository.git("diff", "--cached", "--name-only").isEmpty)
        let status = try await ChooBinary.run(["status", "--json"], in: repository.path)
        #expect(status.stdout.contains("\"status\" : \"pending\""))
        #expect(!status.stdout.contains("\"status\" : \"complete\""))
    }

    @Test("--reset-state with a spec tree that does not validate exits 2 and changes nothing")
    func resetStateNeedsValidTree() async throws {
        let directory = TemporaryDirectory.current
        let repository = try await GitRepository(at: directory("repo"))
        let specs = SpecFixture(root: repository.path)
        try specs.unit(
            "a",
            dependsOn: ["ghost"],
            extra: ["orch_status: in_progress"],
            tasks: [.init(1, status: "complete"), .init(2)]
        )
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "spec tree")
        try await repository.git("branch", "ralph/a")
        let before = FileTreeSnapshot.take(directory.path)

        let result = try await ChooBinary.run(["cleanup", "--reset-state"], in: repository.path)

        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("ghost"), "\(result.stderr)")
        #expect(result.stderr.contains("--reset-state needs a spec tree that validates; nothing was changed"))
        #expect(FileTreeSnapshot.take(directory.path) == before)
        // Without --reset-state the tree does not matter.
        let plain = try await ChooBinary.run(["cleanup"], in: repository.path)
        #expect(plain.exitCode == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("deleted branch ralph/a (landed on main)"))
    }

    @Test("outside a git repository: exit 2 saying so, and nothing changes")
    func needsGit() async throws {
        let directory = TemporaryDirectory.current
        try SpecFixture(root: directory.path).unit("a")
        let before = FileTreeSnapshot.take(directory.path)

        for arguments in [["cleanup"], ["cleanup", "--dry-run"], ["cleanup", "--reset-state"]] {
            let result = try await ChooBinary.run(arguments, in: directory.path)
            #expect(result.exitCode == 2, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("is not inside a git repository"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(FileTreeSnapshot.take(directory.path) == before)
    }

    @Test("a target branch that does not exist exits 2")
    func unknownTarget() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        let result = try await ChooBinary.run(["cleanup", "--target", "trunk"], in: repository.path)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("the target branch `trunk` does not exist"))
    }
}
