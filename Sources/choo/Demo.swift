import ArgumentParser
import ChooCore
import Foundation

extension Choo {
    /// `choo demo`: the shipped example, run for real in a new repository.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the shipped example for real: a new git repository, parallel worktrees, checks and merges.",
            discussion: """
                Writes the greeter example, which is built into choo (four units: `words` and `docs` can run in \
                parallel, `greeting` needs `words`, `cli` needs `greeting`), into a new git repository, then runs \
                it exactly like `choo run`: each unit in its own worktree, an agent per task, each task's check, \
                and a merge queue that lands every unit on main. Prints where the result is. It needs nothing \
                but the choo binary, git and sh. Its readable source is examples/greeter in choo's repository; \
                --example runs another folder laid out the same way.

                The demo's agent is a shell script (the example's demo-agent.sh) that writes what each task \
                asks for, so the demo needs no account or network. To use a real agent on your own spec tree, \
                install Claude Code (`claude`) or Codex (`codex`) and run `choo run` (or `choo run --provider \
                codex`) in your repository.
                """
        )

        @Option(help: ArgumentHelp("Where to create the demo repository (a new or empty folder).", valueName: "dir"))
        var into: String?

        @Option(
            help: ArgumentHelp(
                "Use the example in this folder (specs/tasks, an executable demo-agent.sh), not the built-in one.",
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
            let effects = Effects.system
            let here = FileSystem.currentDirectory()
            let folder = example.map { FileSystem.absolute($0, relativeTo: here) }
            let files: [ChooCore.Demo.ExampleFile]
            do {
                files = try folder.map { try ChooCore.Demo.readExample(at: $0) } ?? ChooCore.Demo.embeddedExample
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
                repository = try await ChooCore.Demo.prepare(example: files, destination: destination, effects: effects)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            if !json {
                let source = folder.map { "a copy of \($0)" } ?? "the greeter example built into choo"
                Output.print("Demo repository: \(repository) (\(source), committed on main)")
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
            try await RunExecution.execute(plan: plan, workspace: workspace, effects: effects, json: json, force: false)
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
