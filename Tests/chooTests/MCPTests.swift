import ChooCore
import ChooMCP
import ChooTesting
import Foundation
import MCP
import Testing

/// The MCP server's tools, called in process the way the server calls them.
@Suite(.temporaryDirectory)
struct MCPToolsTests {
    private func tools(in directory: String) -> ChooTools {
        ChooTools(executable: ChooBinary.path, directory: directory, runner: SystemProcessRunner())
    }

    private func text(_ result: CallTool.Result) -> String {
        result.content.map { content in
            if case .text(let text, _, _) = content { return text }
            return ""
        }.joined()
    }

    @Test("every tool has an object schema taking the repository; prompt and logs require a unit")
    func schemas() throws {
        let names = ChooTools.definitions.map(\.name)
        #expect(names == ["validate", "plan", "status", "prompt", "run_start", "run_stop", "watch", "history", "logs"])
        for tool in ChooTools.definitions {
            let schema = try #require(tool.inputSchema.objectValue, "\(tool.name)")
            #expect(schema["type"] == "object")
            #expect(schema["properties"]?.objectValue?["directory"] != nil, "\(tool.name)")
        }
        let required = ChooTools.definitions.filter { $0.inputSchema.objectValue?["required"] == ["unit"] }
        #expect(required.map(\.name) == ["prompt", "logs"])
    }

    @Test("validate on a bad tree is a tool error listing each problem with file and line, plus the diagnostics")
    func validateBadTree() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("bad"))
        try SpecFixture(root: repository.path).unit("u", dependsOn: ["missing"])
        let result = await tools(in: repository.path).call("validate", arguments: [:])
        #expect(result.isError == true)
        #expect(text(result).contains("specs/tasks/u/IMPLEMENTATION_PLAN.md:3: error: depends on unit `missing`"))
        let diagnostics = result.structuredContent?.objectValue?["diagnostics"]?.arrayValue
        #expect(diagnostics?.first?.objectValue?["line"] == 3, "\(String(describing: result.structuredContent))")
        // The plan of the same tree is refused with the same problems.
        let plan = await tools(in: repository.path).call("plan", arguments: [:])
        #expect(plan.isError == true && text(plan).contains("IMPLEMENTATION_PLAN.md:3:"))
    }

    @Test("bad arguments and unknown tools are tool errors naming what is wrong")
    func badArguments() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        try SpecFixture(root: repository.path).unit("u")
        let tools = tools(in: repository.path)
        let missing = await tools.call("prompt", arguments: [:])
        #expect(missing.isError == true && text(missing) == "prompt needs `unit`")
        let wrongType = await tools.call("prompt", arguments: ["unit": 3])
        #expect(wrongType.isError == true && text(wrongType) == "`unit` of prompt must be a string")
        let unknownUnit = await tools.call("prompt", arguments: ["unit": "nope"])
        #expect(unknownUnit.isError == true && text(unknownUnit).contains("there is no unit `nope`"))
        let unknown = await tools.call("deploy", arguments: [:])
        #expect(unknown.isError == true && text(unknown).hasPrefix("unknown tool `deploy`"))
        let nowhere = await tools.call("status", arguments: ["directory": "no/such/folder"])
        #expect(nowhere.isError == true && text(nowhere).contains("does not exist"))
        let noRuns = await tools.call("watch", arguments: [:])
        #expect(noRuns.isError == true && text(noRuns).contains("no runs are recorded yet"))
        let prompt = await tools.call("prompt", arguments: ["unit": "u"])
        #expect(prompt.isError == nil && text(prompt).contains("## Task #1"))
    }

    @Test("watch pages through a finished run's events by sequence number and gives its exit code; history lists it")
    func watchFinishedRun() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        #expect(try await fixture.choo("run").exitCode == 0)
        let tools = tools(in: fixture.repository.path)
        let first = await tools.call("watch", arguments: ["run": 1, "limit": 3])
        let page = try #require(first.structuredContent?.objectValue)
        #expect(page["events"]?.arrayValue?.count == 3)
        #expect(page["next_after"] == 3 && page["finished"] == false)
        let rest = await tools.call("watch", arguments: ["after": 3, "wait_seconds": 0])
        let end = try #require(rest.structuredContent?.objectValue)
        let events = try #require(end["events"]?.arrayValue)
        let journal = try #require(try RunJournal.existing(in: fixture.repository(".ralph/worktrees")))
        #expect(3 + events.count == (try journal.eventCount(run: 1)))
        #expect(events.first?.objectValue?["sequence"] == 4)
        #expect(events.last?.objectValue?["type"] == "orch.completed")
        #expect(end["finished"] == true && end["exit_code"] == 0 && end["outcome"] == "complete")
        #expect(text(rest).contains("run #1 complete"))
        let history = await tools.call("history", arguments: [:])
        #expect(
            history.structuredContent?.objectValue?["runs"]?.arrayValue?.first?.objectValue?["outcome"] == "complete"
        )
        let logs = await tools.call("logs", arguments: ["unit": "u"])
        #expect(logs.isError == nil && text(logs).hasPrefix("== run #1, task 1, attempt 1: "))
        let stop = await tools.call("run_stop", arguments: [:])
        #expect(stop.isError == true && text(stop).contains("run #1 is not running (it ended: complete)"))
    }
}

/// `choo mcp` driven by a real client that is not ours: the Python `mcp` package, pinned in
/// Tests/mcp/requirements.txt (`.ci/run` installs it).
@Suite(.temporaryDirectory)
struct MCPClientTests {
    /// Whether `python3` can import `mcp` here.
    static let clientAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import mcp"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil

    @Test(
        "the Python MCP client lists the tools, validates a bad tree, starts a run, watches it land and reads a log",
        .enabled(if: clientAvailable || inCI)
    )
    func pythonClient() async throws {
        guard Self.clientAvailable else {
            let message: String =
                "CI is set but `python3 -c 'import mcp'` fails: install the client with "
                + "`python3 -m pip install -r Tests/mcp/requirements.txt` (.ci/run does)"
            Issue.record(Comment(rawValue: message))
            return
        }
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let bad = try await GitRepository(at: TemporaryDirectory.current("bad"))
        try SpecFixture(root: bad.path).unit("u", dependsOn: ["missing"])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mcp/client_check.py").path
        let outcome = try await SystemProcessRunner().run(
            ProcessSpec(
                executable: "/usr/bin/env",
                arguments: ["python3", script, ChooBinary.path, fixture.repository.path, bad.path],
                workingDirectory: fixture.repository.path,
                timeout: .seconds(240),
                outputTailLimit: 16 << 20,
                separatesErrorOutput: true
            )
        )
        #expect(outcome.termination == .exited(0), "\(outcome.errorOutput)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any],
            "\(outcome.output)\(outcome.errorOutput)"
        )
        let tools = try #require(report["tools"] as? [String: [String: Any]])
        #expect(
            Set(tools.keys) == [
                "validate", "plan", "status", "prompt", "run_start", "run_stop", "watch", "history", "logs",
            ]
        )
        #expect(tools["logs"]?["required"] as? [String] == ["unit"])
        #expect((tools["watch"]?["properties"] as? [String: Any])?["after"] != nil)

        let validateBad = try #require(report["validate_bad"] as? [String: Any])
        #expect(validateBad["is_error"] as? Bool == true)
        #expect((validateBad["text"] as? String)?.contains("specs/tasks/u/IMPLEMENTATION_PLAN.md:3: error:") == true)
        #expect((report["validate_good"] as? [String: Any])?["is_error"] as? Bool != true)

        let started = try #require((report["run_start"] as? [String: Any])?["structured"] as? [String: Any])
        #expect(started["run"] as? Int == 1, "\(report["run_start"] ?? "")")

        let watch = try #require(report["watch"] as? [String: Any])
        let types = try #require(watch["types"] as? [String])
        #expect(types.first == "orch.started" && types.last == "orch.completed", "\(types)")
        #expect(types.contains("unit.completed"))
        let last = try #require((watch["last"] as? [String: Any])?["structured"] as? [String: Any])
        #expect(last["finished"] as? Bool == true && last["exit_code"] as? Int == 0, "\(watch)")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])

        let logs = try #require(report["logs"] as? [String: Any])
        #expect(logs["is_error"] as? Bool != true, "\(logs)")
        #expect((logs["text"] as? String)?.contains("== run #1, task 1, attempt 1:") == true)
        let unknown = try #require(report["logs_unknown"] as? [String: Any])
        #expect(unknown["is_error"] as? Bool == true)
        #expect((unknown["text"] as? String)?.contains("there is no unit `nope`") == true)
    }
}
