import Foundation

/// Where a unit's work happens: its worktree's files and the processes that run in it (agents,
/// checks, setup commands, git). The unit's parts reach the worktree only through this, so a later
/// executor that runs units on another machine or in a sandbox implements it and the parts stay
/// as they are. ``LocalWorktree`` is the one in use: a git worktree on this machine.
protocol UnitWorkspace: Sendable {
    /// The worktree's folder as git and the processes started in it see it.
    var path: String { get }
    /// git in the worktree, with `environment` added to the worktree's own.
    func git(environment: [String: String]) -> Git
    /// Runs `spec` in the worktree, with the run's environment for agents and checks added to the
    /// spec's own (the spec's values win).
    func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws -> ProcessOutcome
    /// Whether `relative` (to the worktree) exists.
    func exists(_ relative: String) -> Bool
    /// The text of the file at `relative`.
    func read(_ relative: String) throws -> String
    /// Replaces the file at `relative` with `text`, atomically.
    func write(_ text: String, to relative: String) throws
}

/// A unit's git worktree on this machine.
struct LocalWorktree: UnitWorkspace {
    let path: String
    /// Runs the worktree's processes.
    let runner: any ProcessRunning
    /// Reads and writes its files.
    let files: any FileAccess
    /// The run's extra environment for agents and checks.
    let environment: [String: String]

    func git(environment: [String: String]) -> Git {
        Git(repository: path, runner: runner, environment: environment)
    }

    func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws -> ProcessOutcome {
        var spec = spec
        spec.environment = environment.merging(spec.environment) { _, own in own }
        return try await runner.run(spec, onStart: onStart, onOutput: onOutput)
    }

    func exists(_ relative: String) -> Bool { files.exists(path + "/" + relative) }

    func read(_ relative: String) throws -> String { try files.readText(path + "/" + relative) }

    func write(_ text: String, to relative: String) throws { try files.write(text, to: path + "/" + relative) }
}
