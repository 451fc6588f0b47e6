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
            let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
            var journal: StatusReport.JournalView?
            if let records = try? RunJournal.existing(in: base) {
                journal = StatusReport.JournalView(
                    lastRun: try? records.runs(limit: 1).first,
                    runningNow: RunLock.holder(in: base),
                    attempts: (try? records.latestAttempts()) ?? [:]
                )
                journal?.spend = (try? records.unitSpend()) ?? [:]
            }
            var branches: [String: UnitBranchWork] = [:]
            if FileSystem.repositoryRoot(containing: workspace.repositoryRoot) != nil {
                do {
                    branches = try await UnitBranchWork.read(
                        tree: workspace.tree,
                        repositoryRoot: workspace.repositoryRoot,
                        target: workspace.config.targetBranch,
                        scratch: FileManager.default.temporaryDirectory.path + "/choo-status-" + UUID().uuidString,
                        runner: Effects.system.runner
                    )
                } catch {
                    Output.error(
                        "note: the unit branches could not be read, so work committed there is not shown: \(error)"
                    )
                }
            }
            let report = StatusReport(tree: workspace.tree, journal: journal, branches: branches)
            if json {
                Output.print(JSONOutput.encode(report), terminator: "")
            } else {
                Output.print(report.text(style: Output.style), terminator: "")
            }
        }
    }
}
