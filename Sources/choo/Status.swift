import ArgumentParser
import ChooCore
import Foundation

extension Choo {
    /// `choo status`: where every unit and task stands.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every unit with a progress bar, its status, its tasks and what blocks it.",
            discussion: """
                Complete units take one line; other units list their tasks: ✓ complete, ▶ in progress, \
                · pending, ✗ failed. Tasks committed on a unit's branch (`ralph/<unit>`) but not landed yet show \
                as committed there, and a unit whose newest attempt failed, was blocked or was stopped shows so, \
                with the reason. Colour is used only on a terminal and never when NO_COLOR is set.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Flag(help: "Print the status as one JSON object with stable snake_case keys.")
        var json = false

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let (report, note) = await StatusReport.read(workspace: workspace, runner: Effects.system.runner)
            if let note { Output.error(note) }
            if json {
                Output.print(JSONOutput.encode(report), terminator: "")
            } else {
                Output.print(report.text(style: Output.style), terminator: "")
            }
        }
    }
}
