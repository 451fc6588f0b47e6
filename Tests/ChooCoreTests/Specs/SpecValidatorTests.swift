import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct SpecValidatorTests {
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    func problems(providers: Set<String> = ["claude", "codex"]) -> [Diagnostic] {
        SpecValidator(knownProviders: providers).validate(loadTree(fixture))
    }

    func only(_ rule: Diagnostic.Rule, in diagnostics: [Diagnostic]) throws -> Diagnostic {
        let matching = diagnostics.filter { $0.rule == rule }
        #expect(matching.count == 1, "expected one \(rule.rawValue), got: \(diagnostics)")
        return try #require(matching.first)
    }

    @Test("a well-formed tree has no problems")
    func clean() throws {
        try fixture.unit("a", tasks: [.init(1), .init(2, dependsOn: [1])])
        try fixture.unit("b", dependsOn: ["a"])
        #expect(problems().isEmpty)
    }

    @Test("a missing tasks folder is an error naming it")
    func missingFolder() throws {
        let diagnostics = problems()
        let problem = try only(.tasksDirMissing, in: diagnostics)
        #expect(problem.severity == .error)
        #expect(problem.message.contains("specs/tasks"))
    }

    @Test("a file where the tasks folder should be is an error")
    func fileInsteadOfFolder() throws {
        try fixture.write("specs/tasks", "not a folder")
        #expect(try only(.tasksDirNotFolder, in: problems()).file == "specs/tasks")
    }

    @Test("an empty tasks folder is an error")
    func noUnits() throws {
        try fixture.write("specs/tasks/.keep", "")
        #expect(try only(.noUnits, in: problems()).severity == .error)
    }

    @Test("an unreadable task file is named, without follow-on noise")
    func unreadable() throws {
        try fixture.unit("u", tasks: [.init(1)])
        let link = fixture.tasksPath + "/u/02-gone.md"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent/file")
        try fixture.write("specs/tasks/u/03-binary.md", Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A]))
        let diagnostics = problems()
        let unreadable = diagnostics.filter { $0.rule == .unreadableFile }
        #expect(unreadable.compactMap(\.file) == ["specs/tasks/u/02-gone.md", "specs/tasks/u/03-binary.md"])
        #expect(unreadable.last?.message.contains("UTF-8") == true)
        #expect(diagnostics.count == 2, "no gap or missing-key errors for unreadable files: \(diagnostics)")
    }

    @Test("unclosed frontmatter names the file and line 1")
    func unclosedFrontmatter() throws {
        try fixture.unit("u")
        try fixture.write("specs/tasks/u/02-open.md", "---\ntask: 2\nbackpressure: \"true\"\n# Forgot to close\n")
        let problem = try only(.unclosedFrontmatter, in: problems())
        #expect(problem.file == "specs/tasks/u/02-open.md")
        #expect(problem.line == 1)
        #expect(problem.unit == "u")
    }

    @Test("YAML that does not parse reports the file's line")
    func yamlSyntax() throws {
        try fixture.unit("u")
        try fixture.write(
            "specs/tasks/u/02-bad.md",
            "---\ntask: 2\nbackpressure: \"true\"\ndepends_on: [1\n---\n# Bad\n"
        )
        let problem = try only(.frontmatterSyntax, in: problems())
        #expect(problem.file == "specs/tasks/u/02-bad.md")
        #expect((4 ... 6).contains(problem.line ?? 0), "line \(String(describing: problem.line))")
    }

    @Test("a frontmatter that is a list, not keys, is an error")
    func notMapping() throws {
        try fixture.unit("u")
        try fixture.write("specs/tasks/u/02-list.md", "---\n- task: 2\n---\n")
        #expect(try only(.frontmatterNotMapping, in: problems()).file == "specs/tasks/u/02-list.md")
    }

    @Test(
        "wrong types are errors naming the key and line",
        arguments: [
            ("task: two", "`task`", 2),
            ("task: 2\nbackpressure: [a, b]", "`backpressure`", 3),
            ("task: 2\ndepends_on: [one]", "`depends_on`", 3),
            ("task: 2\ndepends_on: {a: 1}", "`depends_on`", 3),
        ]
    )
    func wrongTypes(_ frontmatter: String, _ key: String, _ line: Int) throws {
        try fixture.unit("u")
        let backpressure = frontmatter.contains("backpressure") ? "" : "\nbackpressure: \"true\""
        try fixture.write("specs/tasks/u/02-typed.md", "---\n\(frontmatter)\(backpressure)\n---\n")
        let problem = try only(.wrongType, in: problems())
        #expect(problem.message.contains(key))
        #expect(problem.line == line)
        #expect(problems().filter { $0.severity == .error }.count == 1, "\(problems())")
    }

    @Test("a wrong type in a unit's depends_on is an error")
    func unitDependsOnWrongType() throws {
        try fixture.unit("u", extra: [])
        try fixture.write("specs/tasks/v/IMPLEMENTATION_PLAN.md", "---\ndepends_on: {u: yes}\n---\n")
        try fixture.write("specs/tasks/v/01-a.md", SpecFixture.Task(1).text)
        let problem = try only(.wrongType, in: problems())
        #expect(problem.unit == "v")
        #expect(problem.line == 2)
    }

    @Test("duplicate, missing and gapped task numbers are errors")
    func numbering() throws {
        try fixture.unit("dup", tasks: [.init(1), .init(1, fileName: "02-again.md")])
        try fixture.unit("gap", tasks: [.init(1), .init(4, fileName: "02-four.md")])
        try fixture.unit("late", tasks: [.init(2, fileName: "01-two.md")])
        try fixture.write("specs/tasks/missing/IMPLEMENTATION_PLAN.md", "---\nunit: missing\n---\n")
        try fixture.write("specs/tasks/missing/01-x.md", "---\nbackpressure: \"true\"\n---\n")
        let diagnostics = problems()
        let duplicates = diagnostics.filter { $0.rule == .duplicateTaskNumber }
        #expect(duplicates.count == 2)
        #expect(duplicates.allSatisfy { $0.unit == "dup" && $0.message.contains("01-task-1.md, 02-again.md") })
        let gaps = diagnostics.filter { $0.rule == .taskNumberGap }
        #expect(gaps.contains { $0.unit == "gap" && $0.message.contains("#2, #3 are missing") })
        #expect(gaps.contains { $0.unit == "late" && $0.message.contains("start at 2") })
        let missing = try only(.missingTaskNumber, in: diagnostics)
        #expect(missing.unit == "missing")
        #expect(missing.message.contains("task: 1"))
    }

    @Test("a task without backpressure, or with an empty one, is an error")
    func missingBackpressure() throws {
        try fixture.unit("u", tasks: [.init(1, backpressure: nil)])
        try fixture.write("specs/tasks/u/02-empty.md", "---\ntask: 2\nbackpressure: \"  \"\n---\n")
        try fixture.write("specs/tasks/u/03-null.md", "---\ntask: 3\nbackpressure:\n---\n")
        let missing = problems().filter { $0.rule == .missingBackpressure }
        #expect(missing.compactMap(\.task) == [1, 2, 3])
        #expect(missing.first?.hint?.contains("backpressure:") == true)
    }

    @Test("task dependencies on itself, on unknown tasks, and in cycles are errors")
    func taskDependencies() throws {
        try fixture.unit("selfish", tasks: [.init(1, dependsOn: [1])])
        try fixture.unit("unknown", tasks: [.init(1, dependsOn: [7])])
        try fixture.unit("loop", tasks: [.init(1, dependsOn: [3]), .init(2, dependsOn: [1]), .init(3, dependsOn: [2])])
        let diagnostics = problems()
        #expect(try only(.taskSelfDependency, in: diagnostics).unit == "selfish")
        let unknown = try only(.unknownTaskDependency, in: diagnostics)
        #expect(unknown.unit == "unknown")
        #expect(unknown.message.contains("#7"))
        let cycle = try only(.taskCycle, in: diagnostics)
        #expect(cycle.unit == "loop")
        #expect(cycle.message.contains("#1 -> #3 -> #2 -> #1"))
    }

    @Test("a unit depending on a unit that does not exist is an error, with a suggestion")
    func unknownUnit() throws {
        try fixture.unit("app-shell")
        try fixture.unit("deck", dependsOn: ["app-shel"])
        let problem = try only(.unknownUnitDependency, in: problems())
        #expect(problem.severity == .error)
        #expect(problem.unit == "deck")
        #expect(problem.line == 3)
        #expect(problem.hint == "did you mean `app-shell`?")
    }

    @Test("a complete unit naming a missing unit is only a warning (archived trees stay runnable)")
    func archivedUnknownUnit() throws {
        try fixture.unit("done", dependsOn: ["claude"], tasks: [.init(1, status: "complete")])
        let problem = try only(.unknownUnitDependency, in: problems())
        #expect(problem.severity == .warning)
        #expect(!problems().hasErrors)
    }

    @Test("unit cycles are printed as a path")
    func unitCycle() throws {
        try fixture.unit("a", dependsOn: ["b"])
        try fixture.unit("b", dependsOn: ["c"])
        try fixture.unit("c", dependsOn: ["a"])
        try fixture.unit("d", dependsOn: ["d"])
        let diagnostics = problems()
        #expect(try only(.unitCycle, in: diagnostics).message.hasSuffix("a -> b -> c -> a"))
        #expect(try only(.unitSelfDependency, in: diagnostics).unit == "d")
    }

    @Test("unknown statuses are errors listing the allowed values")
    func unknownStatus() throws {
        try fixture.unit("u", extra: ["orch_status: shipped"], tasks: [.init(1, status: "done")])
        let statuses = problems().filter { $0.rule == .unknownStatus }
        #expect(statuses.count == 2)
        #expect(statuses.contains { $0.message.contains("`done`") && $0.hint?.contains("in_progress") == true })
        #expect(statuses.contains { $0.message.contains("`shipped`") && $0.line == 4 })
    }

    @Test("a bad timestamp is an error")
    func badTimestamp() throws {
        try fixture.unit("u", extra: ["orch_started_at: last tuesday"])
        let problem = try only(.badTimestamp, in: problems())
        #expect(problem.message.contains("orch_started_at"))
        #expect(problem.line == 4)
    }

    @Test("an unconfigured provider is an error; a configured one is fine")
    func providers() throws {
        try fixture.unit("u", extra: ["provider: aider"])
        let problem = try only(.unknownProvider, in: problems())
        #expect(problem.hint?.contains("provider.providers.aider") == true)
        #expect(problems(providers: ["claude", "codex", "aider"]).isEmpty)
    }

    @Test(
        "unsafe unit names are refused",
        arguments: ["has space", "-leading", "dots..inside", "ends.lock", "tab\tname", "colon:name", "star*"]
    )
    func unsafeNames(_ name: String) throws {
        try fixture.unit(name)
        let problem = try only(.unsafeUnitName, in: problems())
        #expect(problem.unit == name)
        #expect(problem.message.contains("cannot be used as a git branch or path"))
    }

    @Test("safe names pass", arguments: ["app-shell", "a_b", "v2.0", "UPPER", "ünïcode"])
    func safeNames(_ name: String) {
        #expect(SpecValidator.unsafeNameReason(name) == nil)
    }

    @Test("`unit:` different from the folder name is a warning; the folder wins")
    func nameMismatch() throws {
        try fixture.write("specs/tasks/folder/IMPLEMENTATION_PLAN.md", "---\nunit: other\n---\n")
        try fixture.write("specs/tasks/folder/01-a.md", SpecFixture.Task(1).text)
        let problem = try only(.unitNameMismatch, in: problems())
        #expect(problem.severity == .warning)
        #expect(loadTree(fixture).units.map(\.id) == ["folder"])
    }

    @Test("every problem in the tree is reported in one pass")
    func allAtOnce() throws {
        try fixture.unit("a", dependsOn: ["nope"], tasks: [.init(1, backpressure: nil), .init(3)])
        try fixture.unit("b", extra: ["orch_status: weird"], tasks: [.init(1, status: "bogus")])
        try fixture.write("specs/tasks/c/IMPLEMENTATION_PLAN.md", "---\nunit: c\n")
        try fixture.write("specs/tasks/c/01-a.md", SpecFixture.Task(1).text)
        let rules = Set(problems().map(\.rule))
        #expect(
            rules == [
                .unknownUnitDependency, .missingBackpressure, .taskNumberGap, .unknownStatus, .unclosedFrontmatter,
            ]
        )
    }
}
