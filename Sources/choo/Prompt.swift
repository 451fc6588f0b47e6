import ArgumentParser
import ChooCore

extension Choo {
    /// `choo prompt`: the exact prompt the agent would get next for a unit.
    struct Prompt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the exact prompt the agent would get next for a unit.",
            discussion: """
                The prompt offers the unit's ready tasks (pending or in progress, with the tasks they depend on \
                complete), each with its file and its backpressure command, and tells the agent to implement one, \
                run its check, set `status: complete`, and stop. Paths are relative to the repository root.
                """
        )

        @Argument(help: ArgumentHelp("The unit (its folder name).", valueName: "unit"))
        var unit: String

        @Option(help: ArgumentHelp("Offer only this task number instead of every ready task.", valueName: "n"))
        var task: Int?

        @OptionGroup var tree: TreeOptions

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            guard let found = workspace.tree.unit(unit) else {
                Output.error("error: " + workspace.tree.noSuchUnit(unit))
                throw ExitCode(2)
            }
            do {
                Output.print(try PromptBuilder().prompt(for: found, task: task), terminator: "")
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            let waiting = found.dependsOn.filter { workspace.tree.unit($0)?.isComplete == false }
            if !waiting.isEmpty {
                Output.error(
                    "note: unit `\(unit)` depends on \(waiting.joined(separator: ", ")), not complete yet; "
                        + "a run would start it after them."
                )
            }
        }
    }
}
