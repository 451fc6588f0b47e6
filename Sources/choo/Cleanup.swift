import ArgumentParser
import ChooCore

extension Choo {
    /// `choo cleanup`: remove landed units' worktrees and branches; keep anything holding work, saying why.
    struct Cleanup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the worktrees and branches of units that landed; keep everything else and say why.",
            discussion: """
                Looks at every worktree under the worktree base (default .ralph/worktrees), every ralph/* branch, \
                and every folder under the base that looks like a worktree. A worktree is removed (after the \
                worktree.teardown commands) and its ralph/<unit> branch deleted only when all its commits are on \
                the target branch, `git status --porcelain` prints nothing there, no rebase, merge, cherry-pick, \
                revert or bisect is in progress, and it is not locked. A branch without a worktree is deleted only \
                when its tip is on the target. Everything else is kept, and each is listed with the reason. The \
                record of a worktree whose folder was deleted by hand is pruned. Landed units' folders waiting in \
                the pool for reuse (<base>/.pool) are removed when their HEAD is on the target, whatever files \
                they hold: they are choo's, not work.

                The target is --target, else target_branch in .choo.yaml, else the current branch. While a \
                `choo run` is in progress in the repository, cleanup refuses (exit 2) and changes nothing: a unit \
                that has just started has nothing to lose yet and would otherwise be removed.

                --reset-state also sets every task's status back to pending and removes choo's orch_* keys from \
                every unit's plan, in your checkout, without committing; every file changed is listed.

                Exit codes: 0 done (kept items are not errors), 1 git failed, 2 not a git repository, an unknown \
                target, bad settings, or (with --reset-state) a spec tree that does not validate.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions

        @Flag(help: "Print what would be removed, pruned, kept and reset, and change nothing.")
        var dryRun = false

        @Flag(help: "Also set every task's status to pending and remove the orch_* keys from every unit's plan.")
        var resetState = false

        @Option(
            help: ArgumentHelp(
                "The branch work must be on before it is removed.",
                discussion: "Default: target_branch in .choo.yaml, else the current branch.",
                valueName: "branch"
            )
        )
        var target: String?

        func run() async throws {
            var overrides = common.overrides
            overrides.targetBranch = target
            let workspace = Workspace.open(tasksDirectory: tree.tasksDirectory, overrides: overrides)
            // The spec tree matters only when its state is to be reset; settings always do.
            let problems = resetState ? workspace.diagnostics : workspace.configLoad.diagnostics
            if problems.hasErrors {
                let report = DiagnosticsReport(
                    diagnostics: problems,
                    tasksDirectory: workspace.tree.tasksDirectoryDisplay,
                    unitCount: workspace.tree.units.count,
                    taskCount: workspace.tree.units.reduce(0) { $0 + $1.tasks.count }
                )
                Output.error(report.text(style: Output.errorStyle), terminator: "")
                if resetState { Output.error("--reset-state needs a spec tree that validates; nothing was changed") }
                throw ExitCode(2)
            }
            let cleanup = ChooCore.Cleanup(workspace: workspace, effects: .system)
            let report: CleanupReport
            do {
                report = try await cleanup.run(dryRun: dryRun, resetting: resetState ? workspace.tree : nil)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(error.exitCode)
            }
            Output.print(report.text(style: Output.style), terminator: "")
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }
}
