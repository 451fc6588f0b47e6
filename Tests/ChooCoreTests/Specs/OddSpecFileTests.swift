import ChooTesting
import Foundation
import Testing

@testable import ChooCore

/// Spec files that are not what they seem: special files, huge files, hostile YAML. Each must give a
/// diagnostic naming the file (or, for big but valid content, a clean result), never a hang or a crash.
@Suite(.temporaryDirectory)
struct OddSpecFileTests {
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    /// One odd file in unit `u`, and what loading must say about it.
    struct OddFile: Sendable, CustomTestStringConvertible {
        var name: String
        /// The file's name in the unit folder.
        var file: String
        /// Puts the odd file at the absolute path's place (relative path given).
        var make: @Sendable (SpecFixture, String) throws -> Void
        /// Words the error diagnostic must contain; `nil` when the file must load cleanly.
        var expected: [String]?
        var testDescription: String { name }
    }

    /// `---` frontmatter around `yaml`, as a task file with a title.
    static func taskFile(_ yaml: String) -> String {
        "---\n" + yaml + "\n---\n\n# Odd\n"
    }

    static let aliasBomb: String = {
        var lines = ["task: 1", "backpressure: \"true\"", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1 ..< 12 {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(previous)]")
        }
        return lines.joined(separator: "\n")
    }()

    static let oddFiles: [OddFile] = [
        OddFile(
            name: "a task file that is a FIFO",
            file: "01-task-1.md",
            make: { try $0.makeFIFO($1) },
            expected: ["named pipe (FIFO)"]
        ),
        OddFile(
            name: "a plan that is a FIFO",
            file: "IMPLEMENTATION_PLAN.md",
            make: { try $0.makeFIFO($1) },
            expected: ["named pipe (FIFO)"]
        ),
        OddFile(
            name: "a symbolic link to /dev/zero",
            file: "01-task-1.md",
            make: { try $0.makeSymbolicLink($1, to: "/dev/zero") },
            expected: ["symbolic link to `/dev/zero`", "a character device"]
        ),
        OddFile(
            name: "a plan linked to /dev/null",
            file: "IMPLEMENTATION_PLAN.md",
            make: { try $0.makeSymbolicLink($1, to: "/dev/null") },
            expected: ["symbolic link to `/dev/null`", "a character device"]
        ),
        OddFile(
            name: "a dangling symbolic link",
            file: "01-task-1.md",
            make: { try $0.makeSymbolicLink($1, to: "nowhere.md") },
            expected: ["symbolic link to `nowhere.md`", "does not exist"]
        ),
        OddFile(
            name: "a folder named like a task file",
            file: "01-task-1.md",
            make: { try $0.makeFolder($1) },
            expected: ["folder"]
        ),
        OddFile(
            name: "a plan that is a folder",
            file: "IMPLEMENTATION_PLAN.md",
            make: { try $0.makeFolder($1) },
            expected: ["folder"]
        ),
        OddFile(name: "a socket", file: "01-task-1.md", make: { try $0.makeSocket($1) }, expected: ["a socket"]),
        OddFile(
            name: "a 2 MiB task file",
            file: "01-task-1.md",
            make: {
                try $0.write($1, taskFile("task: 1\nbackpressure: \"true\"") + String(repeating: "x", count: 2 << 20))
            },
            expected: ["bytes, over the 1 MiB limit"]
        ),
        OddFile(
            name: "100,000 nested flow sequences",
            file: "01-task-1.md",
            make: {
                try $0.write(
                    $1,
                    taskFile("task: 1\nbackpressure: \"true\"\nx: " + String(repeating: "[", count: 100_000))
                )
            },
            expected: ["nest"]
        ),
        OddFile(
            name: "100,000 nested block sequences on one line",
            file: "01-task-1.md",
            make: {
                try $0.write(
                    $1,
                    taskFile("task: 1\nbackpressure: \"true\"\nx:\n" + String(repeating: "- ", count: 100_000) + "a")
                )
            },
            expected: ["nest"]
        ),
        OddFile(
            name: "an alias bomb (billion laughs)",
            file: "01-task-1.md",
            make: { try $0.write($1, taskFile(aliasBomb + "\ndepends_on: *a11")) },
            expected: ["depends_on"]
        ),
        OddFile(
            name: "an alias bomb as a mapping key",
            file: "01-task-1.md",
            make: { try $0.write($1, taskFile(aliasBomb + "\n? *a11\n: x\n? [*a11]\n: y")) },
            expected: ["alias"]
        ),
        OddFile(
            name: "a 100,000-entry depends_on list",
            file: "01-task-1.md",
            make: {
                let list = Array(repeating: "2", count: 100_000).joined(separator: ", ")
                try $0.write($1, taskFile("task: 1\nbackpressure: \"true\"\ndepends_on: [\(list)]"))
            },
            expected: nil
        ),
        OddFile(
            name: "a 900 KiB title line",
            file: "01-task-1.md",
            make: {
                try $0.write(
                    $1,
                    taskFile("task: 1\nbackpressure: \"true\"") + "# " + String(repeating: "t", count: 900 << 10) + "\n"
                )
            },
            expected: nil
        ),
    ]

    @Test("an odd spec file gives a diagnostic naming it, or loads cleanly, without hanging", arguments: oddFiles)
    func oddFile(_ odd: OddFile) throws {
        try fixture.unit("u", tasks: [.init(1), .init(2)])
        let relative = "specs/tasks/u/" + odd.file
        try odd.make(fixture, relative)
        let tree = loadTree(fixture)
        let errors = tree.diagnostics.filter { $0.severity == .error }
        guard let expected = odd.expected else {
            #expect(errors.isEmpty, "\(errors)")
            #expect(tree.unit("u")?.tasks.count == 2)
            return
        }
        let about = errors.filter { $0.file == relative }
        #expect(about.count == 1, "\(tree.diagnostics)")
        let diagnostic = try #require(about.first)
        for part in expected {
            #expect(diagnostic.message.contains(part), "\(diagnostic.message) lacks \(part)")
        }
        if diagnostic.rule == .unreadableFile { #expect(diagnostic.hint?.isEmpty == false) }
    }

    @Test("a unit re-read in its worktree fails cleanly when a task file became a FIFO")
    func reloadMeetsFIFO() async throws {
        try fixture.unit("u", tasks: [.init(1), .init(2)])
        try fixture.makeFIFO("specs/tasks/u/02-task-2.md")
        // The run re-reads a unit from its worktree in a task, as `UnitLifecycle.reload` does.
        let load = await Task {
            SpecLoader.loadUnit(folder: "u", tasksDirectory: fixture.tasksPath, repositoryRoot: fixture.root)
        }.value
        let errors = load.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.file) == ["specs/tasks/u/02-task-2.md"])
        #expect(errors.first?.message.contains("named pipe (FIFO)") == true)
        #expect(load.unreadableFiles == ["specs/tasks/u/02-task-2.md"])
    }

    @Test("a symbolic link to a regular file reads like the file")
    func linkToRegularFile() throws {
        try fixture.unit("u", tasks: [.init(1), .init(2)])
        try fixture.write("elsewhere/task.md", SpecFixture.Task(2, title: "Linked").text)
        try fixture.makeSymbolicLink("specs/tasks/u/02-task-2.md", to: fixture.root + "/elsewhere/task.md")
        let tree = loadTree(fixture)
        #expect(tree.diagnostics.isEmpty, "\(tree.diagnostics)")
        #expect(tree.unit("u")?.task(2)?.title == "Linked")
    }

    @Test("a file of exactly 1 MiB is read; one byte more is refused")
    func sizeLimit() throws {
        let path = fixture.root + "/limit.md"
        let text = String(repeating: "a", count: FileSystem.specFileSizeLimit)
        try fixture.write("limit.md", text)
        #expect(try FileSystem.readRegularText(path) == text)
        try fixture.write("limit.md", text + "b")
        let error = #expect(throws: FileSystem.ReadError.self) { try FileSystem.readRegularText(path) }
        #expect(error?.reason == "it is 1048577 bytes, over the 1 MiB limit for spec files")
    }
}
