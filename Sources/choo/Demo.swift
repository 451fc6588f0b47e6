import ArgumentParser
import ChooCore
import Foundation

extension Choo {
    /// `choo demo`: the shipped example, run for real in a new repository.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the shipped example for real: a new git repository, parallel worktrees, checks and merges.",
            discussion: """
                Copies examples/greeter (four units: `words` and `docs` can run in parallel, `greeting` needs \
                `words`, `cli` needs `greeting`) into a new git repository, then runs it exactly like `choo run`: \
                each unit in its own worktree, an agent per task, each task's check, and a merge queue that lands \
                every unit on main. Prints where the result is.

                The demo's agent is a shell script (examples/greeter/demo-agent.sh) that writes what each task \
                asks for, so the demo needs no account or network. To use a real agent on your own spec tree, \
                install Claude Code (`claude`) or Codex (`codex`) and run `choo run` (or `choo run --provider \
                codex`) in your repository.
                """
        )

        @Option(help: ArgumentHelp("Where to create the demo repository (a new or empty folder).", valueName: "dir"))
        var into: String?

        @Option(
            help: ArgumentHelp(
                "The example to copy (default: examples/greeter of choo's source folder).",
                valueName: "dir"
            )
        )
        var example: String?

        @Option(name: [.short, .customLong("parallelism")], help: ArgumentHelp("Units at once.", valueName: "n"))
        var parallelism: Int?

        @Flag(help: "Print events as JSON, one object per line, and nothing else on stdout.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let here = FileSystem.currentDirectory()
            let source: String
            do {
                let candidates =
                    example.map { [FileSystem.absolute($0, relativeTo: here)] }
                    ?? ChooCore.Demo.candidateFolders(currentDirectory: here, executable: CommandLine.arguments[0])
                source = try ChooCore.Demo.findExample(in: candidates)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            let destination =
                into.map { FileSystem.absolute($0, relativeTo: here) }
                ?? FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path + "/choo-demo-"
                + UUID().uuidString.prefix(8).lowercased()
            let repository: String
            do {
                repository = try await ChooCore.Demo.prepare(example: source, destination: destination)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            if !json {
                Output.print("Demo repository: \(repository) (a copy of \(source), committed on main)")
                Output.print("The agent is a script standing in for Claude Code or Codex; see `choo demo --help`.\n")
            }
            var overrides = common.overrides
            overrides.parallelism = parallelism
            let workspace = Workspace.open(
                tasksDirectory: "specs/tasks",
                currentDirectory: repository,
                overrides: overrides
            )
            if workspace.hasErrors {
                Output.error(workspace.problemsReport.text(style: Output.errorStyle), terminator: "")
                throw ExitCode(2)
            }
            let plan: Plan
            do {
                plan = try workspace.plan()
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            try await RunExecution.execute(plan: plan, workspace: workspace, json: json, force: false)
            if !json {
                Output.print(
                    """

                    The result is on main in \(repository):
                      git -C \(repository) log --oneline
                      cd \(repository) && greeter/bin/greeter Ada
                    """
                )
            }
        }
    }
}
