import ArgumentParser
import ChooCore

extension Choo {
    /// `choo status`: where every unit and task stands.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every unit with a progress bar, its status, its tasks and what blocks it.",
            discussion: """
                Complete units take one line; other units list their tasks: ✓ complete, ▶ in progress, \
                · pending, ✗ failed. Colour is used only on a terminal and never when NO_COLOR is set.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Flag(help: "Print the status as one JSON object with stable snake_case keys.")
        var json = false

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let report = StatusReport(tree: workspace.tree)
            if json {
                Output.print(JSONOutput.encode(report), terminator: "")
            } else {
                Output.print(report.text(style: Output.style), terminator: "")
            }
        }
    }
}
