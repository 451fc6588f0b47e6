import ArgumentParser
import ChooCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Choo {
    /// `choo watch`: follow a run from the journal, from any terminal.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow a run from the journal until it ends; exits with the run's exit code.",
            discussion: """
                Shows the run's events from its start, then each new one as the run writes it, with the live view \
                on a terminal (or, with --json, the events as `choo run --json` prints them), from any terminal: \
                the run may have been started elsewhere, with `choo run --detach`, or by the MCP server. Ctrl-C \
                stops watching, not the run (`choo stop` does that).

                Exit codes: the run's own (0 all units complete, 1 a unit failed or is blocked, 130 interrupted); \
                1 for a run whose process is gone without finishing; 2 when there is no such run.
                """
        )

        @Argument(help: ArgumentHelp("The run (default: the newest; `choo history` lists them).", valueName: "run"))
        var run: Int64?

        @Flag(help: "Print the run's events as JSON lines, one object per line, and nothing else on stdout.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let active = try ActiveRun.selectOrExit(run, overrides: common.overrides)
            let changes = JournalChanges(folder: active.base)
            defer { changes.close() }
            let follower = RunFollower(run: active)
            let ending: RunFollower.Ending
            if json {
                ending = try await follower.follow(changes: changes) { _, event in
                    Output.print(event.jsonLine)
                }
            } else {
                ending = try await followOnView(follower, changes: changes)
            }
            if json {
                Output.error(ending.text(run: active.record.id))
            } else {
                Output.print(ending.text(run: active.record.id))
            }
            if ending.exitCode != 0 { throw ExitCode(ending.exitCode) }
        }

        /// The events through the live view `choo run` shows (lines, and the block on a terminal).
        private func followOnView(_ follower: RunFollower, changes: JournalChanges) async throws
            -> RunFollower.Ending
        {
            let bus = EventBus()
            let view = LiveView(style: Output.style, isTerminal: isatty(STDOUT_FILENO) == 1)
            bus.add(view)
            let states = bus.states()
            let result = await view.following(states) {
                do {
                    return Result<RunFollower.Ending, any Error>.success(
                        try await follower.follow(changes: changes) { _, event in bus.publish(event) }
                    )
                } catch {
                    return .failure(error)
                }
            }
            await bus.close()
            view.clear()
            guard let result else { throw ExitCode(1) }
            return try result.get()
        }
    }
}

extension Workspace {
    /// The worktree base (absolute) that holds the journal and the run lock, from `.choo.yaml` and
    /// the environment; a bad setting is printed and exits 2. The spec tree is not needed.
    static func worktreeBaseOrExit(overrides: ConfigOverrides) throws -> String {
        let workspace = Workspace.open(tasksDirectory: nil, overrides: overrides)
        let settings = workspace.configLoad.diagnostics
        if settings.hasErrors {
            for problem in settings.sortedForDisplay() where problem.severity == .error {
                Output.error(problem.description)
            }
            throw ExitCode(2)
        }
        return FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
    }
}

extension ActiveRun {
    /// The run numbered `requested` (else the newest) of the repository's journal; when there is
    /// none, says so and exits 2.
    static func selectOrExit(_ requested: Int64?, overrides: ConfigOverrides) throws -> ActiveRun {
        let base = try Workspace.worktreeBaseOrExit(overrides: overrides)
        do {
            return try ActiveRun.select(requested, base: base)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(2)
        }
    }
}
