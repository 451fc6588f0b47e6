import ArgumentParser
import ChooCore

extension Choo {
    /// `choo run`: plan the units and (with --dry-run) show the plan.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the units of the spec tree; with --dry-run, show the plan only.",
            discussion: """
                The plan holds every unit that is not complete. Complete units are left out; they satisfy the \
                units that depend on them. Units are grouped into levels: level 1 can start at once, level n \
                waits for units of lower levels. Among ready units the one with the longest remaining critical \
                path starts first, folder order breaking ties.

                --dry-run never touches git or any file.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Flag(help: "Show the plan (units, levels, order, critical path) and change nothing.")
        var dryRun = false

        @Option(
            name: [.short, .customLong("parallelism")],
            help: ArgumentHelp(
                "The most units to run at once.",
                discussion: "Default: parallelism in .choo.yaml, else 4.",
                valueName: "n"
            )
        )
        var parallelism: Int?

        @Option(
            help: ArgumentHelp(
                "Run only this unit and the units it depends on that are not complete yet.",
                valueName: "unit"
            )
        )
        var unit: String?

        @Option(
            help: ArgumentHelp(
                "The agent for units that do not name one (claude, codex, or a provider in .choo.yaml).",
                discussion: "Overrides RALPH_PROVIDER and provider.type.",
                valueName: "name"
            )
        )
        var provider: String?

        @Option(
            help: ArgumentHelp(
                "The agent for every unit, even units that name their own.",
                valueName: "name"
            )
        )
        var forceTaskProvider: String?

        @Flag(help: "Print the plan as one JSON object on stdout.")
        var json = false

        func run() async throws {
            var overrides = common.overrides
            overrides.parallelism = parallelism
            overrides.provider = provider
            overrides.forceTaskProvider = forceTaskProvider
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: overrides)
            let plan: Plan
            do {
                plan = try workspace.plan(only: unit)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            guard dryRun else {
                Output.error(
                    "error: this version of choo can only plan. Add --dry-run to see the plan; running agents "
                        + "comes with the next release."
                )
                throw ExitCode(2)
            }
            let report = PlanReport(plan: plan, tasksDirectory: workspace.tree.tasksDirectoryDisplay)
            if json {
                Output.print(JSONOutput.encode(report), terminator: "")
            } else {
                Output.print(report.text(style: Output.style), terminator: "")
            }
        }
    }
}
