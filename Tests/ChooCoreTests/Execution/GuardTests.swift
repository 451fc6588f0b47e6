import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite("Conflict markers", .temporaryDirectory)
struct ConflictMarkerTests {
    @Test(
        "marker lines are found with their line numbers; a lone ======= underline is not a marker",
        arguments: [
            ("a\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n", [2, 4, 6]),
            ("Title\n=======\n\ntext\n", []),
            ("<<<<<<<\nx\n|||||||\nbase\n=======\ny\n>>>>>>>\n", [1, 3, 5, 7]),
            ("<<<<<<<<< not a marker\n>>>>>>>> nor this\n", []),
            ("crlf\r\n<<<<<<< HEAD\r\n=======\r\n>>>>>>> x\r\n", [2, 3, 4]),
            ("a <<<<<<< inside a line\n", []),
        ]
    )
    func markers(text: String, lines: [Int]) {
        #expect(ConflictMarkers.markers(in: text).map(\.line) == lines)
    }

    @Test("only regular text files the setting covers are searched")
    func find() throws {
        let folder = TemporaryDirectory.current
        try FileManager.default.createDirectory(atPath: folder("src"), withIntermediateDirectories: true)
        try "<<<<<<< HEAD\n".write(toFile: folder("src/a.swift"), atomically: true, encoding: .utf8)
        try "<<<<<<< HEAD\n".write(toFile: folder("notes.md"), atomically: true, encoding: .utf8)
        try Data([0x3C, 0, 0x0A]).write(to: URL(fileURLWithPath: folder("blob.bin")))
        let paths = ["src/a.swift", "notes.md", "blob.bin", "missing.txt"]
        #expect(
            ConflictMarkers.find(in: paths, worktree: folder.path, check: .everywhere).map(\.description) == [
                "notes.md:1: <<<<<<< HEAD", "src/a.swift:1: <<<<<<< HEAD",
            ]
        )
        #expect(
            ConflictMarkers.find(in: paths, worktree: folder.path, check: .paths(["src/*"])).map(\.path) == [
                "src/a.swift"
            ]
        )
        #expect(ConflictMarkers.find(in: paths, worktree: folder.path, check: .off).isEmpty)
    }
}

/// A repository with a committed spec tree, for the guards.
private struct GuardFixture {
    let repository: GitRepository
    let git: Git
    let base: String

    init() async throws {
        let folder = TemporaryDirectory.current
        repository = try await GitRepository(at: folder("repo"))
        let specs = SpecFixture(root: repository.path)
        try specs.unit("a", tasks: [.init(1, status: nil, backpressure: "test -f a1"), .init(2)])
        try specs.unit("b")
        try specs.write(".choo.yaml", "parallelism: 2\n")
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "specs")
        git = Git(repository: repository.path, runner: SystemProcessRunner(), environment: GitRepository.environment)
        base = folder("base")
    }

    var specGuard: SpecGuard {
        SpecGuard(git: git, tasksDirectory: "specs/tasks", setAsideFolder: base + "/aside", files: SystemFileAccess())
    }

    func edit(_ path: String, _ change: (String) -> String) throws {
        try change(try repository.read(path)).write(toFile: repository(path), atomically: true, encoding: .utf8)
    }
}

@Suite("The spec guard", .temporaryDirectory)
struct SpecGuardTests {
    @Test(
        "spec paths are plans, task-like files in unit folders, and .choo.yaml",
        arguments: [
            ("specs/tasks/a/IMPLEMENTATION_PLAN.md", true), ("specs/tasks/a/01-x.md", true),
            ("specs/tasks/a/1-x.md", true), ("specs/tasks/a/notes.md", false), (".choo.yaml", true),
            ("specs/tasks/README.md", false), ("specs/tasks/a/sub/01-x.md", false), ("Sources/01-x.md", false),
        ]
    )
    func specPaths(path: String, expected: Bool) {
        #expect(SpecGuard.isSpecPath(path, tasksDirectory: "specs/tasks") == expected)
    }

    @Test("a status change in the unit's own task file is allowed, wherever the key is written")
    func statusOnly() async throws {
        let fixture = try await GuardFixture()
        let reference = try await fixture.specGuard.reference(at: "HEAD")
        #expect(reference.count == 6)
        // Task 1 has no status key: the agent adds one at the end of the frontmatter.
        try fixture.edit("specs/tasks/a/01-task-1.md") {
            $0.replacingOccurrences(of: "depends_on: []\n", with: "depends_on: []\nstatus: complete\n")
        }
        try fixture.edit("specs/tasks/a/02-task-2.md") {
            $0.replacingOccurrences(of: "status: pending", with: "status: in_progress")
        }
        #expect(try await fixture.specGuard.changes(from: reference, allowingStatusOf: "a").isEmpty)
        // The same edits are forbidden when no status may change, or for another unit.
        #expect(try await fixture.specGuard.changes(from: reference, allowingStatusOf: nil).count == 2)
        #expect(try await fixture.specGuard.changes(from: reference, allowingStatusOf: "b").count == 2)
    }

    @Test(
        "any other change is found and undone: a check, a body, an invalid status, another unit, the config",
        arguments: [
            ("specs/tasks/a/01-task-1.md", "backpressure: \"test -f a1\"", "backpressure: \"true\""),
            ("specs/tasks/a/02-task-2.md", "Do the work", "Skip the work"),
            ("specs/tasks/a/02-task-2.md", "status: pending", "status: done"),
            ("specs/tasks/b/01-task-1.md", "status: pending", "status: complete"),
            ("specs/tasks/a/IMPLEMENTATION_PLAN.md", "depends_on: []", "depends_on: [b]"),
            (".choo.yaml", "parallelism: 2", "parallelism: 9"),
        ]
    )
    func forbidden(path: String, original: String, replacement: String) async throws {
        let fixture = try await GuardFixture()
        let before = try fixture.repository.read(path)
        let reference = try await fixture.specGuard.reference(at: "HEAD")
        try fixture.edit(path) { $0.replacingOccurrences(of: original, with: replacement) }
        let changes = try await fixture.specGuard.changes(from: reference, allowingStatusOf: "a")
        #expect(changes == [SpecGuard.Change(path: path, kind: .modified)])
        try await fixture.specGuard.undo(changes, reference: reference)
        #expect(try fixture.repository.read(path) == before)
        #expect(try await fixture.repository.git("status", "--porcelain").isEmpty)
    }

    @Test("deleted files come back, added ones are moved aside, odd files are replaced")
    func addedDeletedAndOdd() async throws {
        let fixture = try await GuardFixture()
        let reference = try await fixture.specGuard.reference(at: "HEAD")
        try FileManager.default.removeItem(atPath: fixture.repository("specs/tasks/a/02-task-2.md"))
        try fixture.repository.write("specs/tasks/a/03-extra.md", "---\ntask: 3\n---\n")
        try fixture.repository.write("specs/tasks/c/IMPLEMENTATION_PLAN.md", "---\nunit: c\n---\n")
        try FileManager.default.removeItem(atPath: fixture.repository("specs/tasks/b/01-task-1.md"))
        #expect(mkfifo(fixture.repository("specs/tasks/b/01-task-1.md"), 0o600) == 0)
        let changes = try await fixture.specGuard.changes(from: reference, allowingStatusOf: "a")
        #expect(
            changes == [
                .init(path: "specs/tasks/a/02-task-2.md", kind: .removed),
                .init(path: "specs/tasks/a/03-extra.md", kind: .added),
                .init(path: "specs/tasks/b/01-task-1.md", kind: .modified),
                .init(path: "specs/tasks/c/IMPLEMENTATION_PLAN.md", kind: .added),
            ]
        )
        let aside = try await fixture.specGuard.undo(changes, reference: reference)
        #expect(
            aside.map { FileSystem.relative($0, to: fixture.base + "/aside") }.sorted() == [
                "specs/tasks/a/03-extra.md", "specs/tasks/c/IMPLEMENTATION_PLAN.md",
            ]
        )
        #expect(aside.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(try await fixture.repository.git("status", "--porcelain", "--untracked-files=all").isEmpty)
    }
}

@Suite("The branch guard", .temporaryDirectory)
struct BranchGuardTests {
    private func fixture() async throws -> (GitRepository, BranchGuard) {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        try await repository.git("checkout", "--quiet", "-b", "ralph/u")
        _ = try await repository.commit("one", files: ["one.txt": "1\n"])
        _ = try await repository.commit("two", files: ["two.txt": "2\n"])
        let guardian = BranchGuard(
            git: Git(
                repository: repository.path,
                runner: SystemProcessRunner(),
                environment: GitRepository.environment.merging(["GIT_EDITOR": "true"]) { $1 }
            ),
            unit: "u",
            records: nil,
            clock: ManualWaitClock()
        )
        try await guardian.record()
        return (repository, guardian)
    }

    @Test("nothing to do while the branch contains choo's commit; the agent's commits on top stay")
    func untouched() async throws {
        let (repository, guardian) = try await fixture()
        #expect(try await guardian.restore() == nil)
        let agent = try await repository.commit("agent", files: ["three.txt": "3\n"])
        #expect(try await guardian.restore() == nil)
        #expect(try await repository.git("rev-parse", "HEAD").hasPrefix(agent))
    }

    @Test("choo's record moved by the agent is put back from the run's memory")
    func recordMoved() async throws {
        var (repository, guardian) = try await fixture()
        guardian.records = ChooRecords()
        try await guardian.record()
        let kept = try await repository.git("rev-parse", "HEAD")
        try await repository.git("update-ref", BranchGuard.reference(for: "u"), "HEAD~1")
        try await repository.git("reset", "--quiet", "--hard", "HEAD~1")
        let restoration = try #require(try await guardian.restore())
        #expect(restoration.to == kept, "the memory wins over the moved ref")
        #expect(try await repository.git("rev-parse", BranchGuard.reference(for: "u")) == kept)
        #expect(try await repository.git("rev-parse", "HEAD") == kept)
    }

    @Test("a reset is undone and uncommitted changes are carried over")
    func reset() async throws {
        let (repository, guardian) = try await fixture()
        let kept = try await repository.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        try await repository.git("reset", "--quiet", "--hard", "HEAD~1")
        try repository.write("one.txt", "1 changed\n")
        try repository.write("new.txt", "new\n")
        let restoration = try #require(try await guardian.restore())
        #expect(restoration.to == kept)
        #expect(restoration.saved == nil)
        #expect(try await repository.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines) == kept)
        #expect(try await repository.git("symbolic-ref", "HEAD").hasPrefix("refs/heads/ralph/u"))
        #expect(try repository.read("one.txt") == "1 changed\n")
        #expect(try repository.read("new.txt") == "new\n")
        #expect(try repository.read("two.txt") == "2\n")
    }

    @Test("a detached HEAD with commits on top is put back on the branch with them")
    func detached() async throws {
        let (repository, guardian) = try await fixture()
        try await repository.git("checkout", "--quiet", "--detach")
        let agent = try await repository.commit("agent", files: ["three.txt": "3\n"])
        let restoration = try #require(try await guardian.restore())
        #expect(restoration.to.hasPrefix(agent))
        #expect(try await repository.git("rev-parse", "ralph/u").hasPrefix(agent))
        #expect(try await repository.git("symbolic-ref", "HEAD").hasPrefix("refs/heads/ralph/u"))
    }

    @Test("rewritten history is saved under a ref before the branch is put back; a rebase in progress is aborted")
    func rewritten() async throws {
        let (repository, guardian) = try await fixture()
        try await repository.git("reset", "--quiet", "--hard", "HEAD~1")
        let rewrite = try await repository.commit("rewrite", files: ["two.txt": "other\n"])
        let restoration = try #require(try await guardian.restore())
        let saved = try #require(restoration.saved)
        // Named by the guard's clock (the fixture's manual one reads 1_700_000_000).
        #expect(saved.hasPrefix("refs/choo/saved/u/1700000000-"))
        #expect(try await repository.git("log", "--format=%H", saved).contains(rewrite))
        #expect(try repository.read("two.txt") == "2\n")
        // A rebase left half-way.
        try await repository.git("checkout", "--quiet", "-b", "side", "HEAD~1")
        _ = try await repository.commit("side", files: ["two.txt": "side\n"])
        try await repository.git("checkout", "--quiet", "ralph/u")
        _ = try? await repository.git("rebase", "side")
        let again = try #require(try await guardian.restore())
        #expect(again.aborted == ["rebase"])
        #expect(try repository.read("two.txt") == "2\n")
    }
}

@Suite("Untracked files aside", .temporaryDirectory)
struct UntrackedAsideTests {
    @Test("a check runs without untracked files; ignored ones stay; everything goes back, also after a crash")
    func aside() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        try repository.write(".gitignore", "cache/\n")
        _ = try await repository.commit("ignore", files: [:])
        try repository.write("stray/file.txt", "stray\n")
        try repository.write("cache/build.o", "object\n")
        let aside = UntrackedAside(
            git: Git(
                repository: repository.path,
                runner: SystemProcessRunner(),
                environment: GitRepository.environment
            ),
            folder: TemporaryDirectory.current("aside"),
            files: SystemFileAccess()
        )
        let status = try await aside.git.status(includingIgnored: true)
        #expect(status.untracked == ["stray/file.txt"])
        #expect(status.ignored == ["cache/"])
        let seen = try await aside.run(files: status.untracked) {
            (
                FileManager.default.fileExists(atPath: repository("stray/file.txt")),
                FileManager.default.fileExists(atPath: repository("cache/build.o"))
            )
        }
        #expect(seen.value.0 == false, "the untracked file is not there during the check")
        #expect(seen.value.1 == true, "the ignored file stays")
        #expect(seen.stranded.isEmpty)
        #expect(try repository.read("stray/file.txt") == "stray\n")
        // A run killed during a check leaves the files aside; the next start puts them back.
        try FileManager.default.createDirectory(atPath: aside.folder + "/stray", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: repository("stray/file.txt"), toPath: aside.folder + "/stray/file.txt")
        #expect(aside.restoreLeftovers().isEmpty)
        #expect(try repository.read("stray/file.txt") == "stray\n")
        #expect(!FileManager.default.fileExists(atPath: aside.folder))
    }
}

@Suite("Git objects for the guards", .temporaryDirectory)
struct GitObjectsTests {
    @Test("blobs come back whole and in order from one batch, multi-byte text and trailing newlines included")
    func blobs() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        _ = try await repository.commit("files", files: ["a.txt": "zwölf\n\n", "b.txt": "no newline", "c.txt": ""])
        let git = Git(
            repository: repository.path,
            runner: SystemProcessRunner(),
            environment: GitRepository.environment
        )
        let entries = try await git.treeEntries(of: "HEAD", under: ["a.txt", "b.txt", "c.txt"])
        #expect(entries.map(\.path) == ["a.txt", "b.txt", "c.txt"])
        #expect(try await git.blobs(entries.map(\.object)) == ["zwölf\n\n", "no newline", ""])
    }

    @Test("status --porcelain=v2 gives HEAD, the branch, changes with HEAD's objects, deletions and untracked files")
    func status() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        _ = try await repository.commit("files", files: ["a.txt": "a\n", "b.txt": "b\n", ".gitignore": "cache/\n"])
        try repository.write("a.txt", "changed\n")
        try FileManager.default.removeItem(atPath: repository("b.txt"))
        try repository.write("new file.txt", "new\n")
        try repository.write("cache/x", "x\n")
        let git = Git(
            repository: repository.path,
            runner: SystemProcessRunner(),
            environment: GitRepository.environment
        )
        let status = try await git.status(includingIgnored: true)
        #expect(status.head == (try await repository.git("rev-parse", "HEAD")))
        #expect(status.branch == "main")
        #expect(status.changed == ["a.txt", "b.txt"])
        #expect(status.deleted == ["b.txt"])
        #expect(status.inHead["a.txt"]?.object == (try await repository.git("rev-parse", "HEAD:a.txt")))
        #expect(status.untracked == ["new file.txt"])
        #expect(status.ignored == ["cache/"])
    }
}
