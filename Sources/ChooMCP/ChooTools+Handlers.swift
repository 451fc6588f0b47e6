import ChooCore
import Foundation
import MCP

extension ChooTools {
    /// The workspace the call names, problems and all.
    func workspace(_ arguments: Arguments) throws -> Workspace {
        let folder = FileSystem.absolute(try arguments.string("directory") ?? ".", relativeTo: directory)
        guard FileManager.default.fileExists(atPath: folder) else {
            throw ToolError("`directory` \(folder) does not exist")
        }
        return Workspace.open(
            tasksDirectory: try arguments.string("tasks_dir"),
            currentDirectory: folder,
            environment: environment
        )
    }

    /// The workspace the call names; its errors, as the CLI prints them, as a tool error.
    func openWorkspace(_ arguments: Arguments) throws -> Workspace {
        let workspace = try workspace(arguments)
        if let problems = workspace.blockingProblems(style: .plain) { throw ToolError(problems) }
        return workspace
    }

    /// The worktree base of the call's repository: journal, lock and logs.
    func base(_ workspace: Workspace) -> String {
        FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
    }

    /// The run the call names (`run`, else the newest).
    func activeRun(_ arguments: Arguments) throws -> ActiveRun {
        let workspace = try workspace(arguments)
        do {
            return try ActiveRun.select(try arguments.int("run").map(Int64.init), base: base(workspace))
        } catch {
            throw ToolError("error: \(error)")
        }
    }

    func validate(_ arguments: Arguments) throws -> Answer {
        let report = try workspace(arguments).validationReport
        return Answer(
            text: report.text(style: .plain),
            structured: try Self.value(report),
            isError: !report.isValid
        )
    }

    func plan(_ arguments: Arguments) throws -> Answer {
        let workspace = try openWorkspace(arguments)
        let plan: Plan
        do {
            plan = try workspace.plan(only: try arguments.string("unit"))
        } catch {
            throw ToolError("error: \(error)")
        }
        let report = PlanReport(
            plan: plan,
            tasksDirectory: workspace.tree.tasksDirectoryDisplay,
            agents: workspace.agents(for: plan.entries.map(\.id))
        )
        return Answer(text: report.text(style: .plain), structured: try Self.value(report))
    }

    func status(_ arguments: Arguments) async throws -> Answer {
        let workspace = try openWorkspace(arguments)
        let (report, note) = await StatusReport.read(workspace: workspace, runner: runner)
        return Answer(
            text: report.text(style: .plain) + (note.map { $0 + "\n" } ?? ""),
            structured: try Self.value(report)
        )
    }

    func prompt(_ arguments: Arguments) throws -> Answer {
        let workspace = try openWorkspace(arguments)
        let name = try arguments.requiredString("unit")
        guard let unit = workspace.tree.unit(name) else { throw ToolError("error: " + workspace.tree.noSuchUnit(name)) }
        let task = try arguments.int("task")
        let text: String
        do {
            text = try PromptBuilder().prompt(for: unit, task: task)
        } catch {
            throw ToolError("error: \(error)")
        }
        let waiting = unit.dependsOn.filter { workspace.tree.unit($0)?.isComplete == false }
        return Answer(
            text: text,
            structured: [
                "unit": .string(name), "prompt": .string(text), "waiting_for": .array(waiting.map { .string($0) }),
            ]
        )
    }

    func runStart(_ arguments: Arguments) async throws -> Answer {
        let folder = FileSystem.absolute(try arguments.string("directory") ?? ".", relativeTo: directory)
        var command = ["run", "--detach", "--json"]
        if let unit = try arguments.string("unit") { command += ["--unit", unit] }
        if let parallelism = try arguments.int("parallelism") { command += ["-p", String(parallelism)] }
        if let provider = try arguments.string("provider") { command += ["--provider", provider] }
        if let target = try arguments.string("target") { command += ["--target", target] }
        if try arguments.bool("force") { command.append("--force") }
        if try arguments.bool("pr") { command.append("--pr") }
        if let tasks = try arguments.string("tasks_dir") { command.append(tasks) }
        let spec = ProcessSpec(
            executable: executable,
            arguments: command,
            workingDirectory: folder,
            environment: environment,
            timeout: .seconds(600),
            separatesErrorOutput: true
        )
        let outcome = try await runner.run(spec)
        guard outcome.termination == .exited(0),
            let started = try? JSONDecoder().decode(DetachedRun.Started.self, from: Data(outcome.output.utf8))
        else {
            let message = outcome.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ToolError(message.isEmpty ? "choo run --detach failed (\(outcome.termination))" : message)
        }
        return Answer(
            text: "Started run #\(started.run) in the background (pid \(started.pid)); its output: \(started.log). "
                + "Follow it with `watch` (run: \(started.run)).",
            structured: try Self.value(started)
        )
    }

    func runStop(_ arguments: Arguments) async throws -> Answer {
        let stop = RunStop(run: try activeRun(arguments))
        do {
            let result = try await stop.stop(immediately: try arguments.bool("now"))
            return Answer(text: result.text, structured: try Self.value(result))
        } catch {
            throw ToolError("error: \(error)")
        }
    }

    func watch(_ arguments: Arguments) async throws -> Answer {
        let active = try activeRun(arguments)
        let after = max(0, try arguments.int("after") ?? 0)
        let limit = max(1, try arguments.int("limit") ?? 200)
        let wait = min(60, max(0, try arguments.int("wait_seconds") ?? 10))
        let follower = RunFollower(run: active)
        var (events, ending) = try follower.read(after: after, limit: limit)
        if events.isEmpty, ending == nil, wait > 0 {
            let changes = JournalChanges(folder: active.base, fallback: .milliseconds(500))
            defer { changes.close() }
            let deadline = ContinuousClock.now + .seconds(wait)
            while events.isEmpty, ending == nil, ContinuousClock.now < deadline {
                await changes.next()
                (events, ending) = try follower.read(after: after, limit: limit)
            }
        }
        let next = events.last?.sequence ?? after
        var lines = events.compactMap { EventLine.text(for: $0.event, relativeTo: active.base) }
        let run = active.record.id
        if let ending {
            lines.append(ending.text(run: run))
        } else {
            lines.append("run #\(run) is still going; call watch again with after: \(next)")
        }
        var structured: [String: Value] = [
            "run": .int(Int(run)),
            "events": .array(
                try events.map { number, event in
                    var object = try JSONDecoder().decode([String: Value].self, from: Data(event.jsonLine.utf8))
                    object["sequence"] = .int(number)
                    return .object(object)
                }
            ),
            "next_after": .int(next),
            "finished": .bool(ending != nil),
        ]
        if let ending {
            structured["exit_code"] = .int(Int(ending.exitCode))
            structured["outcome"] = .string(ending.state.outcome?.rawValue ?? "stopped abruptly")
        }
        return Answer(text: lines.joined(separator: "\n"), structured: .object(structured))
    }

    func history(_ arguments: Arguments) throws -> Answer {
        let workspace = try openWorkspace(arguments)
        let runs =
            try RunJournal.existing(in: base(workspace))?.runs(limit: max(1, try arguments.int("limit") ?? 20)) ?? []
        let lines = runs.map { run in
            var line = "#\(run.id)  \(run.startedAt)  \(run.outcome)"
            if let units = run.units {
                line +=
                    "  \(units) units: \(run.complete ?? 0) complete, \(run.failed ?? 0) failed, "
                    + "\(run.blocked ?? 0) blocked"
            }
            if let spend = run.spend { line += "  " + spend.summary }
            return line
        }
        return Answer(
            text: lines.isEmpty ? "No runs recorded yet." : lines.joined(separator: "\n"),
            structured: try Self.object("runs", runs)
        )
    }

    func logs(_ arguments: Arguments) throws -> Answer {
        let workspace = try openWorkspace(arguments)
        let unit = try arguments.requiredString("unit")
        guard workspace.tree.unit(unit) != nil else { throw ToolError("error: " + workspace.tree.noSuchUnit(unit)) }
        guard let journal = try RunJournal.existing(in: base(workspace)) else {
            throw ToolError("error: no runs are recorded yet; `choo run` writes the logs")
        }
        let task = try arguments.int("task")
        let invocations = try journal.invocations(of: unit, task: task, run: try arguments.int("run").map(Int64.init))
        guard !invocations.isEmpty else {
            throw ToolError("error: unit `\(unit)` has no agent logs\(task.map { " for task #\($0)" } ?? "") yet")
        }
        var text: [String] = []
        var turns: [Value] = []
        for invocation in invocations {
            let rendered =
                invocation.logFile.flatMap { try? FileSystem.readBytes($0) }.map {
                    AgentLogRenderer.render($0).joined(separator: "\n")
                } ?? "(the log file is gone)"
            text += [invocation.title, rendered, ""]
            turns.append(
                .object([
                    "run": .int(Int(invocation.run)), "task": invocation.task.map { .int($0) } ?? .null,
                    "attempt": invocation.attempt.map { .int($0) } ?? .null,
                    "log_file": invocation.logFile.map { .string($0) } ?? .null,
                    "started_at": .string(invocation.startedAt),
                    "ended_at": invocation.endedAt.map { .string($0) } ?? .null,
                    "exit": invocation.exit.map { .string($0) } ?? .null, "text": .string(rendered),
                ])
            )
        }
        return Answer(
            text: text.joined(separator: "\n"),
            structured: ["unit": .string(unit), "invocations": .array(turns)]
        )
    }
}
