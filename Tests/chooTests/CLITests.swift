import ChooCore
import ChooTesting
import Foundation
import Testing

/// choo end to end: the built executable on fixture trees, as a user runs it.
@Suite(.temporaryDirectory)
struct CLITests {
    let directory = TemporaryDirectory.current
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    init() throws {
        try fixture.markRepositoryRoot()
    }

    func choo(_ arguments: String..., environment: [String: String] = [:]) async throws -> ChooBinary.Result {
        try await ChooBinary.run(arguments, in: directory.path, environment: environment)
    }

    func choo(_ arguments: [String]) async throws -> ChooBinary.Result {
        try await ChooBinary.run(arguments, in: directory.path)
    }

    @Test("a misspelled .choo.yaml key is shown by every command with its did-you-mean, not blamed on the spec tree")
    func misspelledSettingShown() async throws {
        try fixture.unit("solo")
        try fixture.write(".choo.yaml", "paralellism: 2\n")
        for arguments in [["run", "--dry-run"], ["status"]] {
            let result = try await ChooBinary.run(arguments, in: directory.path)
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(".choo.yaml:1: warning: unknown key `paralellism`"), "\(result.stderr)")
            #expect(result.stderr.contains("did you mean `parallelism`?"))
            #expect(!result.stderr.contains("the spec tree has"), "\(result.stderr)")
        }
    }

    @Test(
        "outside a git repository every command says so, not that the tasks folder is missing",
        arguments: [["validate"], ["run"], ["status"], ["history"], ["prompt", "u"], ["logs", "u"]]
    )
    func outsideRepository(arguments: [String]) async throws {
        // Not under this suite's folder, which is marked as a repository root.
        let elsewhere = FileManager.default.temporaryDirectory.path + "/choo-not-a-repository-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let result = try await ChooBinary.run(arguments, in: elsewhere)
        let output = result.stdout + result.stderr
        #expect(result.exitCode == 2)
        #expect(output.contains("is not inside a git repository"), "\(arguments): \(output)")
        #expect(!output.contains("the tasks folder"), "\(output)")
    }

    @Test("a repository with no commit yet: choo run says to commit the spec tree first")
    func noCommitYet() async throws {
        let repository = directory("fresh")
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try await Git(repository: repository, runner: SystemProcessRunner(), environment: GitRepository.environment)
            .run([
                "init", "--quiet", "-b", "main",
            ])
        try SpecFixture(root: repository).unit("u")
        let result = try await ChooBinary.run(["run"], in: repository)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("the repository has no commit yet"), "\(result.stderr)")
        #expect(result.stderr.contains("commit your spec tree first"))
    }

    @Test("a mistyped unit name or frontmatter key gets a did-you-mean")
    func didYouMean() async throws {
        try fixture.unit("core")
        for arguments in [["prompt", "cor"], ["run", "--dry-run", "--unit", "cor"], ["logs", "croe"]] {
            let result = try await choo(arguments)
            #expect(result.exitCode == 2)
            #expect(
                result.stderr.contains("there is no unit `\(arguments.last ?? "")`; did you mean `core`?"),
                "\(result.stderr)"
            )
        }
        try fixture.write("specs/tasks/core/01-task-1.md", "---\ntask: 1\nbackpresure: \"make test\"\n---\n# One\n")
        let validate = try await choo("validate")
        #expect(validate.exitCode == 2)
        #expect(
            validate.stdout.contains(
                "specs/tasks/core/01-task-1.md:3: error: the task has no backpressure command"
            ),
            "\(validate.stdout)"
        )
        #expect(validate.stdout.contains("hint: did you mean `backpressure`? the key is `backpresure`"))
    }

    @Test("(a) one unit with one task is discovered")
    func oneUnit() async throws {
        try fixture.unit("solo", tasks: [.init(1, backpressure: "make check")])
        // An agent that can be started, so that validate has nothing to warn about.
        let validate = try await choo("validate", environment: ["RALPH_CLAUDE_CMD": "/bin/true"])
        #expect(validate.exitCode == 0)
        #expect(validate.stdout.contains("specs/tasks: 1 unit, 1 task; 0 errors, 0 warnings: valid"))
        let plan = try await choo("run", "--dry-run", "--json")
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect(object["order"] as? [String] == ["solo"])
    }

    @Test("(b) --unit unit-b plans unit-b and unit-a, which it depends on")
    func unitWithDependency() async throws {
        try fixture.unit("unit-a")
        try fixture.unit("unit-b", dependsOn: ["unit-a"])
        try fixture.unit("unit-c")
        let result = try await choo("run", "--dry-run", "--unit", "unit-b")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Plan for unit unit-b and the units it needs: 2 units to run"))
        #expect(result.stdout.contains("Order: unit-a, unit-b"))
        #expect(!result.stdout.contains("unit-c"))
        let json = try await choo("run", "--dry-run", "--unit", "unit-b", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["units"] as? [Any])?.count == 2)
    }

    @Test("(c) --unit nonexistent fails naming it and the units that exist")
    func unknownUnit() async throws {
        try fixture.unit("unit-a")
        try fixture.unit("unit-b")
        let before = FileTreeSnapshot.take(directory.path)
        let result = try await choo("run", "--dry-run", "--unit", "nonexistent")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("there is no unit `nonexistent`. The units are: unit-a, unit-b"))
        #expect(FileTreeSnapshot.take(directory.path) == before)
    }

    @Test("a dry run changes no file")
    func dryRunTouchesNothing() async throws {
        try fixture.unit("a")
        try fixture.unit("b", dependsOn: ["a"])
        let before = FileTreeSnapshot.take(directory.path)
        #expect(try await choo("run", "--dry-run", "-p", "2").exitCode == 0)
        #expect(try await choo("status").exitCode == 0)
        #expect(try await choo("prompt", "a").exitCode == 0)
        #expect(FileTreeSnapshot.take(directory.path) == before)
    }

    @Test("run where there is no git repository exits 2 saying so, and creates nothing")
    func runNeedsGit() async throws {
        try fixture.unit("a")
        let before = FileTreeSnapshot.take(directory.path)
        let result = try await choo("run")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("is not inside a git repository"), "\(result.stderr)")
        #expect(FileTreeSnapshot.take(directory.path) == before)
    }

    @Test("the tasks root can be named, relative to the current folder")
    func namedTasksRoot() async throws {
        let other = SpecFixture(root: directory.path, tasksDirectory: "plans/work")
        try other.unit("x")
        let result = try await choo("status", "plans/work", "--json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"tasks_dir\" : \"plans/work\""))
    }

    @Test("validate --json is one parseable object with every diagnostic")
    func validateJSON() async throws {
        try fixture.unit("a", dependsOn: ["ghost"], tasks: [.init(1, backpressure: nil)])
        let result = try await choo("validate", "--json")
        #expect(result.exitCode == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect(object["errors"] as? Int == 2)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(
            Set(diagnostics.compactMap { $0["rule"] as? String }) == [
                "unknown-unit-dependency", "missing-backpressure",
            ]
        )
        #expect(diagnostics.allSatisfy { $0["file"] is String && $0["unit"] as? String == "a" })
    }

    @Test("status is plain when piped or NO_COLOR is set, coloured on a terminal")
    func statusColour() async throws {
        try fixture.unit("a", tasks: [.init(1, status: "complete"), .init(2)])
        let piped = try await choo("status")
        #expect(piped.exitCode == 0)
        #expect(piped.stdout.contains("[█████░░░░░]  1/2"))
        #expect(!piped.stdout.contains("\u{1B}["))
        // `script` gives choo a real terminal.
        let onTerminal = try await ChooBinary.runOnTerminal(["status"], in: directory.path)
        #expect(onTerminal.contains("\u{1B}[32m"), "\(onTerminal)")
        let noColor = try await ChooBinary.runOnTerminal(["status"], in: directory.path, environment: ["NO_COLOR": "1"])
        #expect(noColor.contains("1/2"))
        #expect(!noColor.contains("\u{1B}["))
    }

    @Test("prompt prints the ready tasks with repository-relative paths")
    func prompt() async throws {
        try fixture.unit(
            "a",
            tasks: [.init(1, status: "complete"), .init(2, backpressure: "make test", dependsOn: [1])]
        )
        let result = try await choo("prompt", "a")
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("- File: `specs/tasks/a/02-task-2.md`"))
        #expect(result.stdout.contains("- Check: `make test`"))
        let unknown = try await choo("prompt", "zzz")
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("there is no unit `zzz`. The units are: a"))
        let done = try await choo("prompt", "a", "--task", "1")
        #expect(done.exitCode == 2)
        #expect(done.stderr.contains("task #1 of unit `a` is not ready: it is complete"))
    }

    @Test("--version and --help")
    func versionAndHelp() async throws {
        let version = try await choo("--version")
        #expect(version.exitCode == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try await choo("run", "--help")
        #expect(help.exitCode == 0)
        for option in ["--dry-run", "--parallelism", "--unit", "--json", "--provider", "--log-level"] {
            #expect(help.stdout.contains(option), "help lacks \(option)")
        }
    }

    @Test("a bad flag value exits 2 with a message naming the flag")
    func badFlag() async throws {
        try fixture.unit("a")
        let result = try await choo("run", "--dry-run", "-p", "zero")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("-p") || result.stderr.contains("--parallelism"))
        let zero = try await choo("run", "--dry-run", "-p", "0")
        #expect(zero.exitCode == 2)
        #expect(zero.stderr.contains("--parallelism"))
    }

    @Test(
        "each shell's completion script is generated and completes every command",
        arguments: ["bash", "zsh", "fish"]
    )
    func completionScript(shell: String) async throws {
        let result = try await choo("--generate-completion-script", shell)
        #expect(result.exitCode == 0, "\(result.stderr)")
        for command in ["validate", "run", "status", "prompt", "logs", "history", "cleanup", "demo"] {
            #expect(result.stdout.contains(command), "the \(shell) script lacks \(command)")
        }
        #expect(result.stdout.contains("parallelism"), "the \(shell) script lacks run's options")
    }
}

/// Each kind of bad input: exit 2, a message naming where and what, and no file changed.
@Suite(.temporaryDirectory)
struct BadInputTests {
    let directory = TemporaryDirectory.current
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var setUp: @Sendable (SpecFixture) throws -> Void
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing tasks folder", setUp: { _ in }, expected: ["specs/tasks", "does not exist"]),
        Case(
            name: "a file where the folder should be",
            setUp: { try $0.write("specs/tasks", "x") },
            expected: ["`specs/tasks` is a file"]
        ),
        Case(
            name: "unreadable file",
            setUp: {
                try $0.unit("u")
                try FileManager.default.createSymbolicLink(
                    atPath: $0.tasksPath + "/u/02-link.md",
                    withDestinationPath: $0.root + "/missing.md"
                )
            },
            expected: ["specs/tasks/u/02-link.md", "cannot read the file"]
        ),
        Case(
            name: "unclosed frontmatter",
            setUp: {
                try $0.unit("u")
                try $0.write("specs/tasks/u/02-x.md", "---\ntask: 2\n")
            },
            expected: ["specs/tasks/u/02-x.md:1:", "never closed"]
        ),
        Case(
            name: "YAML that does not parse",
            setUp: {
                try $0.unit("u")
                try $0.write("specs/tasks/u/02-x.md", "---\ntask: 2\nbackpressure: 'a\n---\n")
            },
            expected: ["specs/tasks/u/02-x.md:", "not valid YAML"]
        ),
        Case(
            name: "wrong type",
            setUp: {
                try $0.unit("u")
                try $0.write("specs/tasks/u/02-x.md", "---\ntask: [2]\n---\n")
            },
            expected: ["specs/tasks/u/02-x.md:2:", "`task` must be a whole number"]
        ),
        Case(
            name: "duplicate task numbers",
            setUp: { try $0.unit("u", tasks: [.init(1), .init(1, fileName: "02-b.md")]) },
            expected: ["task number 1 is used by more than one file"]
        ),
        Case(
            name: "missing task number",
            setUp: {
                try $0.unit("u")
                try $0.write("specs/tasks/u/02-x.md", "---\nbackpressure: \"true\"\n---\n")
            },
            expected: ["specs/tasks/u/02-x.md:1:", "no `task` number"]
        ),
        Case(
            name: "gapped task numbers",
            setUp: { try $0.unit("u", tasks: [.init(1), .init(3, fileName: "02-c.md")]) },
            expected: ["jump from #1 to #3"]
        ),
        Case(
            name: "missing backpressure",
            setUp: { try $0.unit("u", tasks: [.init(1, backpressure: nil)]) },
            expected: ["specs/tasks/u/01-task-1.md:1:", "no backpressure command"]
        ),
        Case(
            name: "unknown task dependency",
            setUp: { try $0.unit("u", tasks: [.init(1, dependsOn: [4])]) },
            expected: ["depends on task #4, which does not exist"]
        ),
        Case(
            name: "unknown unit dependency",
            setUp: { try $0.unit("u", dependsOn: ["ghost"]) },
            expected: ["specs/tasks/u/IMPLEMENTATION_PLAN.md:3:", "unit `ghost`, which does not exist"]
        ),
        Case(
            name: "unit cycle",
            setUp: {
                try $0.unit("a", dependsOn: ["b"])
                try $0.unit("b", dependsOn: ["a"])
            },
            expected: ["a -> b -> a"]
        ),
        Case(
            name: "task cycle",
            setUp: { try $0.unit("u", tasks: [.init(1, dependsOn: [2]), .init(2, dependsOn: [1])]) },
            expected: ["#1 -> #2 -> #1"]
        ),
        Case(
            name: "unknown status",
            setUp: { try $0.unit("u", tasks: [.init(1, status: "finished")]) },
            expected: ["unknown status `finished`", "pending, in_progress, complete, failed"]
        ),
        Case(
            name: "bad timestamp",
            setUp: { try $0.unit("u", extra: ["orch_completed_at: soon"]) },
            expected: ["IMPLEMENTATION_PLAN.md:4:", "orch_completed_at `soon` is not an RFC 3339 timestamp"]
        ),
        Case(
            name: "unsafe unit name",
            setUp: { try $0.unit("bad name") },
            expected: ["`bad name`", "contains spaces"]
        ),
        Case(
            name: "bad .choo.yaml",
            setUp: {
                try $0.unit("u")
                try $0.write(".choo.yaml", "parallelism: 0\n")
            },
            expected: [".choo.yaml:1:", "parallelism"]
        ),
        Case(
            name: "a task file that is a FIFO",
            setUp: {
                try $0.unit("u")
                try $0.makeFIFO("specs/tasks/u/02-x.md")
            },
            expected: ["specs/tasks/u/02-x.md", "named pipe (FIFO)", "replace it with a regular text file"]
        ),
        Case(
            name: "a task file linked to /dev/zero",
            setUp: {
                try $0.unit("u")
                try $0.makeSymbolicLink("specs/tasks/u/02-x.md", to: "/dev/zero")
            },
            expected: ["specs/tasks/u/02-x.md", "symbolic link to `/dev/zero`, a character device"]
        ),
        Case(
            name: "a plan that is a FIFO",
            setUp: {
                try $0.unit("u")
                try $0.makeFIFO("specs/tasks/u/IMPLEMENTATION_PLAN.md")
            },
            expected: ["specs/tasks/u/IMPLEMENTATION_PLAN.md", "named pipe (FIFO)"]
        ),
        Case(
            name: "a task file over 1 MiB",
            setUp: {
                try $0.unit("u")
                try $0.write("specs/tasks/u/02-x.md", String(repeating: "x", count: 2 << 20))
            },
            expected: ["specs/tasks/u/02-x.md", "2097152 bytes, over the 1 MiB limit"]
        ),
        Case(
            name: "frontmatter nested 100,000 deep",
            setUp: {
                try $0.unit("u")
                try $0.write(
                    "specs/tasks/u/02-x.md",
                    "---\ntask: 2\nx: " + String(repeating: "[", count: 100_000) + "\n---\n"
                )
            },
            expected: ["specs/tasks/u/02-x.md:3:", "nested more than 256 levels deep"]
        ),
        Case(
            name: "a .choo.yaml that is a FIFO",
            setUp: {
                try $0.unit("u")
                try $0.makeFIFO(".choo.yaml")
            },
            expected: [".choo.yaml", "named pipe (FIFO)"]
        ),
        Case(
            name: "unparseable .choo.yaml",
            setUp: {
                try $0.unit("u")
                try $0.write(".choo.yaml", "merge: [\n")
            },
            expected: [".choo.yaml:"]
        ),
    ]

    @Test("bad input exits 2, names where and what, and changes nothing", arguments: cases)
    func badInput(_ example: Case) async throws {
        try fixture.markRepositoryRoot()
        try example.setUp(fixture)
        let before = FileTreeSnapshot.take(directory.path)
        for command in [["validate"], ["run", "--dry-run"], ["status"], ["prompt", "u"]] {
            let result = try await ChooBinary.run(command, in: directory.path)
            #expect(result.exitCode == 2, "\(command) exited \(result.exitCode): \(result.stdout) \(result.stderr)")
            let output = result.stdout + result.stderr
            for fragment in example.expected {
                #expect(output.contains(fragment), "\(command): missing \(fragment) in:\n\(output)")
            }
        }
        #expect(FileTreeSnapshot.take(directory.path) == before)
    }
}
