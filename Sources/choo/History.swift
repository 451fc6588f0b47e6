import ArgumentParser
import ChooCore
import Foundation

extension Choo {
    /// `choo history`: the runs recorded in the journal.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the runs recorded in this repository's journal, newest first.",
            discussion: """
                Every `choo run` records itself in <worktree base>/choo.sqlite: when it started and ended, its \
                options, each unit's attempts, every agent invocation and check, and every event. A run that \
                was killed shows as `stopped abruptly`, with its units as they stood when it died; running the same \
                command again finishes its work.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("How many runs to list.", valueName: "n"))
        var limit = 20

        @Flag(help: "Print the runs as JSON.")
        var json = false

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
            let runs = try RunJournal.existing(in: base)?.runs(limit: max(1, limit)) ?? []
            if json {
                Output.print(JSONOutput.encode(runs), terminator: "")
                return
            }
            guard !runs.isEmpty else {
                Output.print("No runs recorded yet in \(FileSystem.relative(base, to: workspace.repositoryRoot)).")
                return
            }
            let holder = RunLock.holder(in: base)
            for run in runs {
                let live = run.outcome == "running" && holder?.contains("pid \(run.pid),") == true
                var outcome = run.outcome
                if outcome == "running" { outcome = live ? "running (pid \(run.pid))" : "stopped abruptly" }
                var line = "#\(run.id)  \(run.startedAt.prefix(19).replacingOccurrences(of: "T", with: " "))  "
                line += outcome.padding(toLength: 16, withPad: " ", startingAt: 0)
                if let units = run.units {
                    line +=
                        "  \(units) unit\(units == 1 ? "" : "s"): \(run.complete ?? 0) complete, \(run.failed ?? 0) failed, "
                    line += "\(run.blocked ?? 0) blocked"
                    // The rows are the run's state: units that started and did not end are what the
                    // counts leave over, running now or stopped.
                    let counted = [run.complete, run.failed, run.blocked, run.notStarted].compactMap { $0 }
                    if counted.count == 4, units > counted.reduce(0, +) {
                        line += ", \(units - counted.reduce(0, +)) " + (live ? "running" : "stopped")
                    }
                    if let notStarted = run.notStarted, notStarted > 0 {
                        line += ", \(notStarted) " + (live ? "queued" : "not started")
                    }
                }
                if let spend = run.spend { line += "  " + spend.summary }
                Output.print(line)
            }
        }
    }

    /// `choo logs`: the agent logs of a unit.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the agent logs of a unit (prompt, output, exit), from its newest run.",
            discussion: """
                Each run keeps its own logs, under .ralph/worktrees/logs/run-<N>/<unit>/, named for what the turn \
                was (003-task2-attempt1.log, 004-conflict-attempt1.log; also baseline, review and ci), so no log is \
                written over. Shows the newest run with logs of the unit; --run N shows another (`choo history` \
                lists the runs). With --follow, keeps printing what the newest invocation writes until it ends.

                A log is shown readably: whose turn it was, the prompt's first lines, then what the agent did. \
                For agents that print a machine format (Claude's stream-json, Codex's exec --json) that is each \
                tool call and what it worked on (`▸ Edit Sources/Greeter.swift`, `✗ Bash swift test failed`), the \
                agent's text, API retries, usage limits with their reset, and the result with its turns, tokens and \
                cost; lines that are not the format's JSON show as they are, and stderr lines as `stderr| ...`. \
                Plain text output shows as it is. --raw prints the log files exactly as written instead.
                """
        )

        @Argument(help: ArgumentHelp("The unit.", valueName: "unit"))
        var unit: String

        @Option(help: ArgumentHelp("Only the invocations for this task.", valueName: "n"))
        var task: Int?

        @Flag(help: "Keep printing the newest log as it grows, until that invocation ends.")
        var follow = false

        @Flag(help: "Print the log files exactly as written (the agent's raw output), not rendered.")
        var raw = false

        @Option(help: ArgumentHelp("The run to show (default: the newest run with logs of the unit).", valueName: "n"))
        var run: Int64?

        @OptionGroup var tree: TreeOptions

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
            guard workspace.tree.unit(unit) != nil else {
                Output.error("error: " + workspace.tree.noSuchUnit(unit))
                throw ExitCode(2)
            }
            guard let journal = try RunJournal.existing(in: base) else {
                Output.error("error: no runs are recorded yet in \(base); `choo run` writes the logs")
                throw ExitCode(2)
            }
            let invocations = try journal.invocations(of: unit, task: task, run: run)
            guard let last = invocations.last else {
                let which = task.map { " for task #\($0)" } ?? ""
                if let run {
                    let runs = try journal.runs(limit: 1)
                    let known = runs.first.map { " (runs are numbered 1 to \($0.id); `choo history` lists them)" } ?? ""
                    Output.error("error: unit `\(unit)` has no agent logs\(which) in run #\(run)\(known)")
                } else {
                    Output.error("error: unit `\(unit)` has no agent logs\(which) yet")
                }
                throw ExitCode(2)
            }
            for invocation in invocations.dropLast() { printLog(invocation) }
            guard follow, last.endedAt == nil, let file = last.logFile else {
                printLog(last)
                return
            }
            // Follow the newest log: print what is there, then what is appended, until the
            // journal records the invocation's end; rendered, each line once it is complete.
            if !raw { printTitle(last) }
            var renderer = AgentLogRenderer()
            var offset = 0
            func printAppended() {
                let bytes = (try? FileSystem.readBytes(file)) ?? []
                guard bytes.count > offset else { return }
                if raw {
                    Output.print(String(decoding: bytes[offset...], as: UTF8.self), terminator: "")
                } else {
                    for line in renderer.append(bytes[offset...]) { Output.print(line) }
                }
                offset = bytes.count
            }
            while true {
                printAppended()
                let ended = try journal.invocations(of: unit, task: last.task, run: last.run).last?.endedAt != nil
                if ended {
                    printAppended()
                    if !raw {
                        for line in renderer.finish() { Output.print(line) }
                    }
                    return
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }

        private func printTitle(_ invocation: RunJournal.Invocation) {
            Output.print(invocation.title)
        }

        private func printLog(_ invocation: RunJournal.Invocation) {
            printTitle(invocation)
            guard let file = invocation.logFile, let bytes = try? FileSystem.readBytes(file) else {
                Output.print("(the log file is gone)")
                return
            }
            if raw {
                Output.print(String(decoding: bytes, as: UTF8.self))
            } else {
                Output.print(AgentLogRenderer.render(bytes).joined(separator: "\n"))
                Output.print("")
            }
        }
    }
}
