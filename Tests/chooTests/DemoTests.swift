import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo demo`: the shipped example, run for real.
@Suite(.temporaryDirectory)
struct DemoTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/greeter").path

    @Test("the demo builds the greeter for real: worktrees, checks, merges, all on main in dependency order")
    func demo() async throws {
        let destination = TemporaryDirectory.current("demo")
        let result = try await ChooBinary.run(
            ["demo", "--into", destination, "--example", Self.example],
            in: TemporaryDirectory.current.path,
            environment: ["CHOO_DEMO_AGENT_DELAY": "0"]
        )
        try await Self.expectLanded(result, in: destination)
    }

    @Test("the example built into choo is examples/greeter byte for byte, executable bits included")
    func embeddedExampleMatchesTheFolder() throws {
        let hint = "the example built into choo differs from examples/greeter: run scripts/embed-example.sh"
        let onDisk = try Demo.readExample(at: Self.example)
        let embedded = Demo.embeddedExample
        #expect(onDisk.map(\.path) == embedded.map(\.path), "\(hint)")
        for file in onDisk {
            #expect(embedded.first { $0.path == file.path } == file, "\(file.path): \(hint)")
        }
    }

    /// `choo demo` exited 0 and every unit of the greeter landed on main in `destination`.
    private static func expectLanded(_ result: ChooBinary.Result, in destination: String) async throws {
        try #require(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Demo repository: \(destination)"))
        #expect(result.stdout.contains("Done in"))
        #expect(result.stdout.contains("The result is on main in \(destination)"))
        // The product works.
        let greeter = try await ChooBinary.run(
            ["Ada"],
            in: destination,
            executable: destination + "/greeter/bin/greeter"
        )
        #expect(greeter.stdout == "Hello, Ada!\n")
        // Every task landed on main, dependencies first.
        let log = try await Git(repository: destination).run(["log", "--format=%s", "--reverse"])
        let subjects = log.split(separator: "\n").map(String.init)
        #expect(subjects.count == 7)
        func position(_ prefix: String) -> Int { subjects.firstIndex { $0.hasPrefix(prefix) } ?? -1 }
        #expect(position("feat(words): complete task #2") < position("feat(greeting): complete task #1"))
        #expect(position("feat(greeting): complete task #2") < position("feat(cli): complete task #1"))
        // The spec tree on main records every unit as complete.
        let status = try await ChooBinary.run(["status", "--json"], in: destination)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((object["totals"] as? [String: Int])?["complete"] == 4)
        #expect(try await Git(repository: destination).run(["status", "--porcelain"]).isEmpty)
    }

    @Test("the demo refuses a folder that is not empty, exit 2")
    func refusesNonEmptyFolder() async throws {
        let destination = TemporaryDirectory.current("busy")
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        try "mine".write(toFile: destination + "/file.txt", atomically: true, encoding: .utf8)
        let result = try await ChooBinary.run(
            ["demo", "--into", destination, "--example", Self.example],
            in: TemporaryDirectory.current.path
        )
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination) == ["file.txt"])
    }
}
