import ChooTesting
import Testing

@testable import ChooCore

/// Loads the fixture's tree the way commands do.
func loadTree(_ fixture: SpecFixture) -> SpecTree {
    SpecLoader.load(tasksDirectory: fixture.tasksPath, repositoryRoot: fixture.root)
}

@Suite(.temporaryDirectory)
struct SpecLoaderTests {
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    @Test("discovers a unit with one task, with its typed fields")
    func oneUnitOneTask() throws {
        try fixture.unit("app-shell", title: "App shell", tasks: [.init(1, backpressure: "swift build")])
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty)
        let unit = try #require(tree.units.first)
        #expect(tree.units.count == 1)
        #expect(unit.id == "app-shell")
        #expect(unit.title == "App shell")
        #expect(unit.planFile == "specs/tasks/app-shell/IMPLEMENTATION_PLAN.md")
        let task = try #require(unit.tasks.first)
        #expect(task.number == 1)
        #expect(task.backpressure == "swift build")
        #expect(task.status == .pending)
        #expect(task.file == "specs/tasks/app-shell/01-task-1.md")
        #expect(task.title == "Task 1")
        #expect(task.keyLines["backpressure"] == 4)
    }

    @Test("units come in folder-name order and tasks in file-name order")
    func ordering() throws {
        try fixture.unit("zeta", tasks: [.init(2), .init(1)])
        try fixture.unit("alpha")
        try fixture.unit("mid")
        let tree = loadTree(fixture)
        #expect(tree.units.map(\.id) == ["alpha", "mid", "zeta"])
        #expect(tree.unit("zeta")?.tasks.map(\.number) == [1, 2])
    }

    @Test("folders that are not units are skipped; half-units get a warning")
    func skippedFolders() throws {
        try fixture.unit("real")
        try fixture.write("specs/tasks/notes/readme.md", "# Just notes\n")
        try fixture.write("specs/tasks/orphan-tasks/01-a.md", SpecFixture.Task(1).text)
        try fixture.write("specs/tasks/plan-only/IMPLEMENTATION_PLAN.md", "---\nunit: plan-only\n---\n")
        try fixture.write("specs/tasks/.hidden/IMPLEMENTATION_PLAN.md", "x")
        try fixture.write("specs/tasks/README.md", "# Tasks\n")
        let tree = loadTree(fixture)
        #expect(tree.units.map(\.id) == ["real"])
        let skipped = tree.diagnostics.filter { $0.rule == .folderSkipped }
        #expect(skipped.map(\.unit) == ["orphan-tasks", "plan-only"])
        #expect(skipped.allSatisfy { $0.severity == .warning })
    }

    @Test("a markdown file with a near-miss task name is pointed out, not read")
    func nearMissNames() throws {
        try fixture.unit("u")
        try fixture.write("specs/tasks/u/1-typo.md", SpecFixture.Task(2).text)
        try fixture.write("specs/tasks/u/002-typo.md", SpecFixture.Task(2).text)
        let tree = loadTree(fixture)
        #expect(tree.unit("u")?.tasks.count == 1)
        let ignored = tree.diagnostics.filter { $0.rule == .fileIgnored }.compactMap(\.file)
        #expect(ignored == ["specs/tasks/u/002-typo.md", "specs/tasks/u/1-typo.md"])
    }

    @Test("unknown keys are ignored and text values stay text")
    func unknownKeysAndStrings() throws {
        try fixture.write(
            "specs/tasks/u/IMPLEMENTATION_PLAN.md",
            "---\nunit: u\ndepends_on: []\nowner: no\nweird: {a: [1, 2]}\n---\n# U\n"
        )
        try fixture.write(
            "specs/tasks/u/01-a.md",
            "---\ntask: 1\nstatus: pending\nbackpressure: no\nestimate: 3h\n---\n# A\n"
        )
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.unit("u")?.tasks.first?.backpressure == "no")
    }

    @Test("CRLF line endings and a byte order mark read the same as LF")
    func crlfAndBOM() throws {
        let plan = "\u{FEFF}---\r\nunit: u\r\ndepends_on:\r\n  - base\r\n---\r\n\r\n# The plan\r\n"
        try fixture.write("specs/tasks/u/IMPLEMENTATION_PLAN.md", plan)
        try fixture.write(
            "specs/tasks/u/01-a.md",
            "\u{FEFF}---\r\ntask: 1\r\nstatus: complete\r\nbackpressure: \"make test\"\r\ndepends_on: []\r\n---\r\n# A\r\n"
        )
        try fixture.unit("base")
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty)
        let unit = try #require(tree.unit("u"))
        #expect(unit.dependsOn == ["base"])
        #expect(unit.title == "The plan")
        #expect(unit.tasks.first?.status == .complete)
        #expect(unit.tasks.first?.backpressure == "make test")
        #expect(unit.tasks.first?.title == "A")
    }

    @Test("orch keys are read with their types")
    func orchKeys() throws {
        try fixture.unit(
            "u",
            extra: [
                "orch_status: in_review", "orch_branch: ralph/u", "orch_worktree: .ralph/worktrees/u",
                "orch_pr_number: 42", "orch_started_at: 2025-01-31T09:30:00Z", "orch_completed_at: null",
                "provider: codex",
            ]
        )
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty)
        let unit = try #require(tree.unit("u"))
        #expect(unit.orchStatus == .inProgress)
        #expect(unit.orchBranch == "ralph/u")
        #expect(unit.orchWorktree == ".ralph/worktrees/u")
        #expect(unit.orchPRNumber == 42)
        #expect(unit.orchStartedAt == Timestamp(rfc3339: "2025-01-31T09:30:00Z"))
        #expect(unit.orchCompletedAt == nil)
        #expect(unit.provider == "codex")
    }

    @Test("a file without frontmatter takes defaults")
    func noFrontmatter() throws {
        try fixture.write("specs/tasks/u/IMPLEMENTATION_PLAN.md", "# Plan without frontmatter\n")
        try fixture.write("specs/tasks/u/01-a.md", "---\ntask: 1\nbackpressure: \"true\"\n---\n")
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.unit("u")?.dependsOn == [])
        #expect(tree.unit("u")?.title == "Plan without frontmatter")
    }
}

struct UnitStatusInferenceTests {
    static let cases: [([TaskStatus], String?, UnitStatus)] = [
        ([.pending, .pending], nil, .pending),
        ([.complete, .pending], nil, .inProgress),
        ([.inProgress, .pending], nil, .inProgress),
        ([.complete, .complete], nil, .complete),
        ([.complete, .failed], nil, .failed),
        ([.failed, .inProgress], nil, .failed),
        ([.pending], "complete", .complete),
        ([.complete], "blocked", .blocked),
    ]

    @Test("infers a unit's status from its tasks unless orch_status says", arguments: cases)
    func infers(_ statuses: [TaskStatus], _ orch: String?, _ expected: UnitStatus) {
        let tasks = statuses.enumerated().map {
            TaskSpec(number: $0.offset + 1, fileName: "x", file: "x", status: $0.element)
        }
        let unit = Unit(
            id: "u",
            directory: "u",
            planFile: "u/p",
            orchStatus: orch.flatMap(UnitStatus.init),
            tasks: tasks
        )
        #expect(unit.status == expected)
    }

    @Test("ready tasks are pending or in progress with every dependency complete")
    func readyTasks() {
        let tasks = [
            TaskSpec(number: 1, fileName: "a", file: "a", status: .complete),
            TaskSpec(number: 2, fileName: "b", file: "b", status: .inProgress, dependsOn: [1]),
            TaskSpec(number: 3, fileName: "c", file: "c", status: .pending, dependsOn: [2]),
            TaskSpec(number: 4, fileName: "d", file: "d", status: .pending),
            TaskSpec(number: 5, fileName: "e", file: "e", status: .failed),
        ]
        let unit = Unit(id: "u", directory: "u", planFile: "u/p", tasks: tasks)
        #expect(unit.readyTasks.compactMap(\.number) == [2, 4])
    }
}
