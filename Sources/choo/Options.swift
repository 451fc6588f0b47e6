import ArgumentParser
import ChooCore

/// The tasks root, given the same way to every command: as the last positional argument
/// (`choo status specs/tasks`, `choo prompt core specs/tasks`), or as `--tasks-dir`, which
/// `prompt` and `logs` took before and still take.
struct TreeOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "The tasks root: the folder holding one folder per unit.",
            discussion: "Default: specs/tasks at the repository root (the nearest folder with .git).",
            valueName: "tasks-dir"
        )
    )
    var positionalTasksDirectory: String?

    @Option(name: .customLong("tasks-dir"), help: .hidden)
    var optionTasksDirectory: String?

    /// The tasks root as given, or `nil` for the default.
    var tasksDirectory: String? { positionalTasksDirectory ?? optionTasksDirectory }

    mutating func validate() throws {
        if let positionalTasksDirectory, let optionTasksDirectory, positionalTasksDirectory != optionTasksDirectory {
            throw ValidationError(
                "the tasks root is given twice, as `\(positionalTasksDirectory)` and as --tasks-dir "
                    + "`\(optionTasksDirectory)`; give it once"
            )
        }
    }
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "How much to log to stderr: debug, info, warn or error.",
            discussion: "Overrides RALPH_LOG_LEVEL and log_level in .choo.yaml (default info).",
            valueName: "level"
        )
    )
    var logLevel: String?

    @Flag(name: .shortAndLong, help: "Log everything (same as --log-level debug).")
    var verbose = false

    /// The flags as settings overrides.
    var overrides: ConfigOverrides {
        ConfigOverrides(logLevel: verbose ? "debug" : logLevel)
    }
}

extension Workspace {
    /// Opens the workspace; on any error prints every problem to stderr and exits 2.
    static func openOrExit(tasksDirectory: String?, overrides: ConfigOverrides) throws -> Workspace {
        let workspace = Workspace.open(tasksDirectory: tasksDirectory, overrides: overrides)
        if let problems = workspace.blockingProblems(style: Output.errorStyle) {
            Output.error(problems, terminator: "")
            throw ExitCode(2)
        }
        // A warning about the settings is about something the user typed (a misspelled key): shown
        // whole, with its "did you mean"; the spec tree's are counted.
        let settingsWarnings = workspace.configLoad.diagnostics.filter { $0.severity == .warning }
        for warning in settingsWarnings { Output.error(warning.description) }
        let warnings = workspace.diagnostics.count { $0.severity == .warning } - settingsWarnings.count
        if warnings > 0 {
            Output.error(
                "note: the spec tree has \(warnings) warning\(warnings == 1 ? "" : "s"); "
                    + "`choo validate` lists \(warnings == 1 ? "it" : "them")"
            )
        }
        return workspace
    }
}
