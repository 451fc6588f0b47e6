import ArgumentParser
import ChooCore

extension Choo {
    /// `choo validate`: every problem in the spec tree and .choo.yaml, at once.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the spec tree and .choo.yaml, reporting every problem at once.",
            discussion: """
                Checks every rule of the spec format: frontmatter that parses, task numbers 1..n without \
                gaps, a backpressure command on every task, dependencies that exist and form no cycle, safe \
                unit names, known statuses, providers and timestamps, and every .choo.yaml setting.

                Exits 0 when the tree is valid (warnings and notes do not fail it) and 2 when there are errors. \
                Changes nothing.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Flag(help: "Print the result as one JSON object on stdout.")
        var json = false

        func run() async throws {
            let workspace = Workspace.open(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let report = workspace.validationReport
            if json {
                Output.print(JSONOutput.encode(report), terminator: "")
            } else {
                Output.print(report.text(style: Output.style), terminator: "")
            }
            if !report.isValid { throw ExitCode(2) }
        }
    }
}
