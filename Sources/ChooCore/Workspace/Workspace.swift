import Foundation
import Logging

/// Everything a command needs about the repository it runs in: the root, the resolved settings,
/// the spec tree, and every problem found in them, gathered in one pass.
public struct Workspace: Sendable {
    /// The repository root (absolute): the nearest folder above the tasks root that holds `.git`,
    /// else the current directory.
    public var repositoryRoot: String
    /// The settings and what was found loading them.
    public var configLoad: ConfigLoad
    /// The spec tree as read.
    public var tree: SpecTree
    /// Every problem in the settings and the tree (not the "not used yet" notes), sorted for display.
    public var diagnostics: [Diagnostic]
    /// The environment agents are looked up in (`PATH`).
    public var environment: [String: String]

    /// The effective settings.
    public var config: ChooConfig { configLoad.config }

    /// Whether any problem is an error; commands then print them and exit 2.
    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The default tasks root, relative to the repository root (the Go tool's layout).
    public static let defaultTasksDirectory = "specs/tasks"

    /// Finds the repository, loads `.choo.yaml` (with `environment` and `overrides` on top), reads
    /// the spec tree and validates it. Reads only; never writes a file or touches git.
    ///
    /// - Parameters:
    ///   - tasksDirectory: the tasks root as the user gave it (relative to `currentDirectory`), or
    ///     `nil` for `specs/tasks` at the repository root.
    public static func open(
        tasksDirectory: String?,
        currentDirectory: String = FileSystem.currentDirectory(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: ConfigOverrides = .none
    ) -> Workspace {
        let tasksPath: String
        let root: String
        if let tasksDirectory {
            tasksPath = FileSystem.absolute(tasksDirectory, relativeTo: currentDirectory)
            root =
                FileSystem.repositoryRoot(containing: tasksPath)
                ?? FileSystem.repositoryRoot(containing: currentDirectory) ?? currentDirectory
        } else {
            root = FileSystem.repositoryRoot(containing: currentDirectory) ?? currentDirectory
            tasksPath = root + "/" + defaultTasksDirectory
        }
        let configLoad = ConfigLoader.load(
            repositoryRoot: URL(fileURLWithPath: root),
            environment: environment,
            overrides: overrides
        )
        var logger = Logger(label: "choo")
        logger.logLevel = configLoad.config.logLevel.loggerLevel
        var tree = SpecLoader.load(tasksDirectory: tasksPath, repositoryRoot: root, logger: logger)
        if FileSystem.repositoryRoot(containing: tasksDirectory == nil ? currentDirectory : tasksPath) == nil {
            tree.diagnostics = tree.diagnostics.map { Self.outsideRepository($0, folder: currentDirectory) }
        }
        let validator = SpecValidator(knownProviders: configLoad.config.knownProviders)
        let diagnostics = (configLoad.diagnostics + validator.validate(tree)).sortedForDisplay()
        return Workspace(
            repositoryRoot: root,
            configLoad: configLoad,
            tree: tree,
            diagnostics: diagnostics,
            environment: environment
        )
    }

    /// A missing tasks folder outside any git repository is first of all that: not a repository.
    private static func outsideRepository(_ diagnostic: Diagnostic, folder: String) -> Diagnostic {
        guard diagnostic.rule == .tasksDirMissing else { return diagnostic }
        var result = diagnostic
        result.message =
            "`\(folder)` is not inside a git repository, so there is no `\(diagnostic.file ?? defaultTasksDirectory)` "
            + "to read"
        result.hint =
            "run choo from your repository (it reads specs/tasks at its top), or `git init` one and commit your "
            + "spec tree; `choo validate path/to/tasks` checks a folder anywhere"
        return result
    }

    /// The report `choo validate` prints: every problem, plus notes for settings not used yet and
    /// warnings for agents this machine cannot start.
    public var validationReport: DiagnosticsReport {
        DiagnosticsReport(
            diagnostics: diagnostics + configLoad.notUsedYet() + missingAgentWarnings(),
            tasksDirectory: tree.tasksDirectoryDisplay,
            unitCount: tree.units.count,
            taskCount: tree.units.reduce(0) { $0 + $1.tasks.count }
        )
    }

    /// What a command other than `validate` prints when the workspace has errors (ending in a
    /// newline), or `nil` when it has none: only the settings' problems when only the settings (a
    /// flag, `.choo.yaml`) are wrong, since the spec tree is not to blame then; else every problem.
    public func blockingProblems(style: TextStyle) -> String? {
        guard hasErrors else { return nil }
        let settings = configLoad.diagnostics
        let errors = diagnostics.count(where: { $0.severity == .error })
        if settings.hasErrors, errors == settings.count(where: { $0.severity == .error }) {
            return settings.sortedForDisplay().map { $0.description + "\n" }.joined()
        }
        return problemsReport.text(style: style)
    }

    /// The report of only the problems that stop a command, for commands other than `validate`.
    public var problemsReport: DiagnosticsReport {
        DiagnosticsReport(
            diagnostics: diagnostics,
            tasksDirectory: tree.tasksDirectoryDisplay,
            unitCount: tree.units.count,
            taskCount: tree.units.reduce(0) { $0 + $1.tasks.count }
        )
    }

    /// Which agent runs each of `units` (default: every unit not complete) and whether it can be started.
    public func agents(for units: [String]? = nil) -> UnitAgents {
        UnitAgents.resolve(
            units: units ?? tree.units.filter { !$0.isComplete }.map(\.id),
            tree: tree,
            config: config,
            environment: environment
        )
    }

    /// A warning for each agent executable that a unit still to run needs and this machine cannot
    /// start; none while the tree has errors (an unknown provider is reported as one).
    private func missingAgentWarnings() -> [Diagnostic] {
        guard !hasErrors else { return [] }
        return agents().missing.map { Diagnostic(.warning, .agentNotFound, $0.description) }
    }

    /// The plan of what a run would do.
    public func plan(only unit: String? = nil) throws(Planner.PlanError) -> Plan {
        try Planner.plan(tree, parallelism: config.parallelism, only: unit)
    }
}
