import ArgumentParser
import ChooCore
import Logging

/// The `choo` command: parses arguments, calls ChooCore, prints.
@main
struct Choo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "choo",
        abstract: "Run coding agents on a spec tree in parallel, one git worktree per unit.",
        discussion: """
            choo reads a spec tree: units of work, each a folder with an IMPLEMENTATION_PLAN.md and task \
            files (01-name.md, 02-name.md, ...) whose frontmatter names a `backpressure` command that proves \
            the task is done. It validates the tree, works out which units can run in parallel, and runs an \
            agent over each unit's tasks.

            The tasks root defaults to specs/tasks at the repository root. Settings come from .choo.yaml at \
            the repository root, then RALPH_* environment variables, then flags.

            Exit codes: 0 success, 1 a unit failed or is blocked, 2 bad usage, settings or spec tree, \
            130 interrupted.

            Start with:
              choo demo            the shipped example, run for real in a new repository
              choo validate        check the spec tree; every problem at once
              choo run --dry-run   see the plan: levels, order, critical path
              choo run             run it: parallel worktrees, agents, checks, merges
              choo status          where every unit and task stands
              choo prompt <unit>   the exact prompt the agent would get next
              choo web             a live dashboard of the runs in the browser
              choo cleanup         remove landed units' worktrees; unlanded work is kept
            """,
        version: ChooVersion.current,
        subcommands: [
            Validate.self, Run.self, Status.self, Prompt.self, Logs.self, History.self, Web.self, Cleanup.self,
            Demo.self, Watch.self, Stop.self, Mcp.self, Notify.self,
        ]
    )

    /// Runs the command line, turning usage errors into exit code 2 (choo's code for bad input), with a
    /// "did you mean" for a mistyped command or option.
    static func main() async {
        Output.ignoreBrokenPipes()
        // Orphans of choo's children (`setsid`, double forks) come to choo, which stops and reaps them.
        OrphanReaper.adoptOrphans(ownsEveryChild: true)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var arguments = Array(CommandLine.arguments.dropFirst())
        // `choo run --web` without a port: ArgumentParser has no option with an optional value.
        if arguments.first == "run" {
            arguments = arguments.map { $0 == "--web" ? "--web=" + Run.webDefault : $0 }
        }
        if let mistake = UsageErrors.unknownHelpTopic(in: arguments) {
            Output.error(mistake)
            Self.exit(withError: ExitCode(2))
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = fullMessage(for: error)
                Output.error(UsageErrors.message(for: arguments, replacing: message) ?? message)
                Self.exit(withError: ExitCode(2))
            }
            Self.exit(withError: error)
        }
    }
}
