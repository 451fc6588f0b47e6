import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo demo`: the shipped example, run for real.
@Suite(.temporaryDirectory)
struct DemoTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/greeter").path

    @Test("the demo builds the --example greeter for real: worktrees, checks, merges, on main in dependency order")
    func demo() async throws {
        let destination = TemporaryDirectory.current("demo")
        let result = try await ChooBinary.run(
            ["demo", "--into", destination, "--example", Self.example],
            in: TemporaryDirectory.current.path,
            environment: ["CHOO_DEMO_AGENT_DELAY": "0"]
        )
        try await Self.expectLanded(result, in: destination)
    }

    @Test("a copied binary runs the demo from any folder with a bare environment: the example is inside it")
    func installedBinary() async throws {
        let bin = TemporaryDirectory.current("bin")
        let elsewhere = TemporaryDirectory.current("elsewhere")
        let home = TemporaryDirectory.current("home")
        for folder in [bin, elsewhere, home] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // What the README's install step does: copy the one file onto PATH.
        try FileManager.default.copyItem(atPath: ChooBinary.path, toPath: bin + "/choo")
        let destination = TemporaryDirectory.current("out") + "/demo"
        let result = try await ChooBinary.run(
            ["demo", "--into", destination],
            in: elsewhere,
            environment: ["PATH": bin + ":/usr/bin:/bin", "HOME": home, "CHOO_DEMO_AGENT_DELAY": "0"],
            executable: bin + "/choo",
            inheritsEnvironment: false
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

    @Test(
        "--example with a folder that is not an example names the folder and what it lacks, exit 2",
        arguments: [
            ("mine", "it has no specs/tasks folder, its demo-agent.sh is not executable (chmod +x it)"),
            ("nowhere", "there is no such folder"),
        ]
    )
    func refusesFolderThatIsNotAnExample(folder: String, problems: String) async throws {
        // `mine` has its spec tree in the wrong place and an agent script that cannot run.
        let mine = TemporaryDirectory.current("mine")
        try FileManager.default.createDirectory(atPath: mine + "/specs", withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: mine + "/demo-agent.sh", atomically: true, encoding: .utf8)
        let destination = TemporaryDirectory.current("demo")
        let result = try await ChooBinary.run(
            ["demo", "--into", destination, "--example", folder],
            in: TemporaryDirectory.current.path
        )
        #expect(result.exitCode == 2)
        let message = "error: \(TemporaryDirectory.current(folder)) is not an example: \(problems)."
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileSystem.exists(destination))
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
        let log = try await Git(repository: destination, runner: SystemProcessRunner()).run([
            "log", "--format=%s", "--reverse",
        ])
        let subjects = log.split(separator: "\n").map(String.init)
        #expect(subjects.count == 7)
        func position(_ prefix: String) -> Int { subjects.firstIndex { $0.hasPrefix(prefix) } ?? -1 }
        #expect(position("feat(words): complete task #2") < position("feat(greeting): complete task #1"))
        #expect(position("feat(greeting): complete task #2") < position("feat(cli): complete task #1"))
        // The spec tree on main records every unit as complete.
        let status = try await ChooBinary.run(["status", "--json"], in: destination)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((object["totals"] as? [String: Int])?["complete"] == 4)
        #expect(
            try await Git(repository: destination, runner: SystemProcessRunner()).run(["status", "--porcelain"]).isEmpty
        )
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
