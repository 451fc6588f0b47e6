import ChooCore
import ChooTesting
import Foundation
import Testing

/// What a newcomer meets in the first hour, through the built binary: which agent will run, what
/// the help shows, and where the tasks root is given.
@Suite(.temporaryDirectory)
struct FirstHourTests {
    let directory = TemporaryDirectory.current
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    init() throws {
        try fixture.markRepositoryRoot()
    }

    /// Two units on the default provider, whose executable is missing, and one on a configured
    /// provider whose script exists.
    private func twoAgents() throws -> String {
        let script = directory.path + "/bin/my-agent.sh"
        try fixture.write("bin/my-agent.sh", "#!/bin/sh\nexit 0\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try fixture.write(
            ".choo.yaml",
            """
            claude:
              command: /nonexistent/claude
            provider:
              providers:
                mine:
                  command: \(script)
                  args: ["{prompt}"]

            """
        )
        try fixture.unit("alpha")
        try fixture.unit("beta", dependsOn: ["alpha"])
        try fixture.unit("gamma", extra: ["provider: mine"])
        return script
    }

    @Test("the dry run names each unit's agent, what chose it, and says when one cannot be started")
    func dryRunNamesAgents() async throws {
        let script = try twoAgents()
        let result = try await ChooBinary.run(["run", "--dry-run"], in: directory.path)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("Agent: claude (default), does not exist, for alpha, beta\n"),
            "\(result.stdout)"
        )
        #expect(result.stdout.contains("Agent: mine (the unit's provider) at \(script), for gamma\n"))
        #expect(
            result.stdout.contains(
                "warning: `choo run` would stop before starting anything: the agent `/nonexistent/claude` "
                    + "(provider claude, needed by alpha, beta) does not exist"
            ),
            "\(result.stdout)"
        )

        let json = try await ChooBinary.run(["run", "--dry-run", "--json"], in: directory.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let units = try #require(object["units"] as? [[String: Any]])
        let agents = Dictionary(
            uniqueKeysWithValues: units.compactMap { unit in
                (unit["id"] as? String).map { ($0, unit["agent"] as? [String: Any] ?? [:]) }
            }
        )
        #expect(agents["gamma"]?["executable"] as? String == script)
        #expect(agents["gamma"]?["chosen_by"] as? String == "the unit's provider")
        #expect(agents["gamma"]?["problem"] is NSNull)
        #expect((agents["alpha"]?["problem"] as? String)?.contains("does not exist") == true)

        // With the agent installed, no warning.
        let settings = try String(contentsOfFile: directory.path + "/.choo.yaml", encoding: .utf8)
        try fixture.write(".choo.yaml", settings.replacingOccurrences(of: "/nonexistent/claude", with: script))
        let fixed = try await ChooBinary.run(["run", "--dry-run"], in: directory.path)
        #expect(fixed.stdout.contains("Agent: claude (default) at \(script), for alpha, beta\n"), "\(fixed.stdout)")
        #expect(!fixed.stdout.contains("warning:"))
    }

    @Test("validate warns that an agent a unit needs cannot be started, and still exits 0")
    func validateWarnsOfMissingAgent() async throws {
        _ = try twoAgents()
        let result = try await ChooBinary.run(["validate"], in: directory.path)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.contains(
                "warning: the agent `/nonexistent/claude` (provider claude, needed by alpha, beta) does not exist"
            ),
            "\(result.stdout)"
        )
        #expect(result.stdout.contains("[agent-not-found]"))
        #expect(!result.stdout.contains("needed by alpha, beta, gamma"))

        // A complete unit needs no agent.
        for unit in ["alpha", "beta"] {
            try fixture.write(
                "specs/tasks/\(unit)/01-task-1.md",
                "---\ntask: 1\nstatus: complete\nbackpressure: \"true\"\n---\n# One\n"
            )
        }
        let done = try await ChooBinary.run(["validate"], in: directory.path)
        #expect(!done.stdout.contains("agent-not-found"), "\(done.stdout)")
    }

    @Test("the top-level help's Start with block fits an 80-column screen, one command a line")
    func helpExamplesFit() async throws {
        let result = try await ChooBinary.run(["--help"], in: directory.path, environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        let block = try #require(result.stdout.components(separatedBy: "Start with:\n").last)
        let examples = try #require(block.components(separatedBy: "\n\n").first).split(separator: "\n")
        #expect(examples.count >= 7)
        for line in examples { #expect(line.hasPrefix("  choo "), "wrapped: \(line)") }
    }

    @Test(
        "every command takes the tasks root after its unit, or as --tasks-dir",
        arguments: [["validate"], ["run", "--dry-run"], ["status"], ["history"], ["prompt", "u"], ["logs", "u"]]
    )
    func tasksRootGivenAlike(command: [String]) async throws {
        try SpecFixture(root: directory.path, tasksDirectory: "plans/work").unit("u")
        for arguments in [command + ["plans/work"], command + ["--tasks-dir", "plans/work"]] {
            let result = try await ChooBinary.run(arguments, in: directory.path)
            let output = result.stdout + result.stderr
            #expect(!output.contains("does not exist") && !output.contains("no unit"), "\(arguments): \(output)")
            // `logs` has no runs to show yet; everything else succeeds.
            #expect(result.exitCode == (command[0] == "logs" ? 2 : 0), "\(arguments): \(output)")
            if command[0] == "logs" { #expect(output.contains("no runs are recorded yet"), "\(output)") }
        }
        let twice = try await ChooBinary.run(
            command + ["plans/work", "--tasks-dir", "specs/tasks"],
            in: directory.path
        )
        #expect(twice.exitCode == 2)
        #expect(twice.stderr.contains("the tasks root is given twice"), "\(twice.stderr)")
    }
}
