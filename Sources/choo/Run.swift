import ArgumentParser
import ChooCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Choo {
    /// `choo run`: carry out the plan, or show it with --dry-run.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the units of the spec tree in parallel worktrees; with --dry-run, show the plan only.",
            discussion: """
                Each unit runs in its own git worktree (<worktree base>/<unit>, default .ralph/worktrees) on the \
                branch ralph/<unit>, created from the target branch. An agent is offered the unit's ready tasks; \
                when it marks one complete, choo runs the task's backpressure command and commits on success, \
                retrying with the failure's output otherwise (max_attempts, default 3). A failed unit blocks the \
                units that depend on it; independent units go on.

                The plan holds every unit that is not complete. Among ready units the one with the longest \
                remaining critical path starts first, folder order breaking ties.

                Ctrl-C once: start nothing new, let running agents finish their turn (shutdown_timeout), commit \
                what passed, exit 130. Twice: stop now. Running the same command again resumes.

                --dry-run never changes git or any file; with pull requests it also reads what GitHub requires of \
                them (required checks and reviews, merge queue, allowed merge methods). Exit codes: 0 all units complete, 1 a unit failed or is \
                blocked, 2 bad usage or input, 130 interrupted.
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
                "The branch units start from.",
                discussion: "Default: target_branch in .choo.yaml, else the "
                    + "current branch.",
                valueName: "branch"
            )
        )
        var target: String?

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

        @Flag(help: "Start even if the checkout has uncommitted changes to tracked files.")
        var force = false

        @Flag(
            name: .customLong("pr"),
            help: ArgumentHelp(
                "Land units through GitHub pull requests (merge.mode: github).",
                discussion: "Each unit's branch is pushed to origin and gets a pull request; choo answers review "
                    + "comments and failing checks, then merges it through the API, one at a time. Needs a token in "
                    + "GITHUB_TOKEN or GH_TOKEN, or `gh auth login`."
            )
        )
        var pullRequests = false

        @Flag(name: .customLong("no-pr"), help: "Land units with the local merge queue, whatever merge.mode says.")
        var noPullRequests = false

        @Flag(help: "With pull requests, merge once CI is green without waiting for an approving review.")
        var skipReview = false

        @Option(
            name: .customLong("web"),
            help: ArgumentHelp(
                "Serve a live dashboard of this run in the browser (--web[=port]).",
                discussion:
                    "Default port \(WebServerOptions.defaultPort); 0 picks a free one. The URL is printed on stderr; "
                    + "`choo web` shows the run afterwards.",
                valueName: "port"
            )
        )
        var web: String?

        @OptionGroup var webServer: WebServerOptions

        @Flag(
            help: ArgumentHelp(
                "Print events as JSON, one object per line, and nothing else on stdout.",
                discussion: "With --dry-run, print the plan as one JSON object."
            )
        )
        var json = false

        @Flag(
            help: ArgumentHelp(
                "Run in the background: print the run's number and return once it holds the run lock.",
                discussion: "The run has a session of its own and survives the terminal; its output goes to "
                    + "<worktree base>/logs/run-<N>/choo.log. Follow it with `choo watch`, stop it with `choo stop`."
            )
        )
        var detach = false

        /// `--web`'s port: the default when given without one.
        var webPort: Int? {
            get throws {
                guard let web else { return nil }
                if web == Self.webDefault { return WebServerOptions.defaultPort }
                guard let port = Int(web), (0 ... 65535).contains(port) else {
                    throw ValidationError("--web takes a port number from 0 to 65535 (--web=8080), not `\(web)`")
                }
                return port
            }
        }

        /// What a bare `--web` is read as (see ``Choo/main()``).
        static let webDefault = "default"

        func validate() throws {
            _ = try webPort
            if web != nil && dryRun {
                throw ValidationError("--web serves a run; it has nothing to show with --dry-run")
            }
        }

        func run() async throws {
            DetachedRun.adoptDescriptor()
            if detach && dryRun { throw ValidationError("--detach and --dry-run contradict each other; pass one") }
            var overrides = common.overrides
            overrides.parallelism = parallelism
            overrides.provider = provider
            overrides.forceTaskProvider = forceTaskProvider
            overrides.targetBranch = target
            if pullRequests && noPullRequests {
                throw ValidationError("--pr and --no-pr contradict each other; pass one of them")
            }
            overrides.mergeMode = pullRequests ? .github : noPullRequests ? .local : nil
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: overrides)
            let plan: Plan
            do {
                plan = try workspace.plan(only: unit)
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            let report = PlanReport(
                plan: plan,
                tasksDirectory: workspace.tree.tasksDirectoryDisplay,
                agents: dryRun ? workspace.agents(for: plan.entries.map(\.id)) : nil
            )
            if dryRun {
                Output.print(json ? JSONOutput.encode(report) : report.text(style: Output.style), terminator: "")
                // GitHub mode: what the target requires, read from GitHub (nothing is changed).
                let orchestrator = Orchestrator(
                    workspace: workspace,
                    plan: plan,
                    effects: .system,
                    environment: ProcessInfo.processInfo.environment
                )
                for line in await orchestrator.gitHubDryRunReport() {
                    if json { Output.error(line) } else { Output.print(line) }
                }
                return
            }
            // Nothing to do starts nothing and records no run.
            if let nothing = report.nothingToRun(style: json ? .plain : Output.style) {
                if json { Output.error(nothing, terminator: "") } else { Output.print(nothing, terminator: "") }
                return
            }
            if detach {
                try await RunDetach.start(workspace: workspace, json: json)
                return
            }
            if skipReview && workspace.config.merge.mode != .github {
                Output.error("warning: --skip-review has no effect without pull requests (--pr or merge.mode: github)")
            }
            try await RunExecution.execute(
                plan: plan,
                workspace: workspace,
                effects: .system,
                json: json,
                force: force,
                skipReview: skipReview,
                web: try webPort.map { RunExecution.WebRequest(port: $0, options: webServer) }
            )
        }
    }
}
