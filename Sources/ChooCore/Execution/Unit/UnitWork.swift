import Foundation

/// What every part of one unit's work shares: the run's context, the unit, its branch and its
/// worktree. A small immutable value, made once per unit and handed to each part (the worktree's
/// management, the task loop, agent turns, baseline checks, the guards and the landing strategy).
struct UnitWork: Sendable {
    /// What every unit of the run shares.
    let context: UnitLifecycle.Context
    /// The unit's id (its folder name).
    let unit: String
    /// The unit's branch (`ralph/<unit>`).
    let branch: String
    /// Where the unit's files and processes are.
    let worktree: any UnitWorkspace

    /// The work of `unit` in the run of `context`, in its usual worktree on this machine.
    init(unit: String, context: UnitLifecycle.Context) {
        self.context = context
        self.unit = unit
        branch = UnitLifecycle.branch(for: unit)
        worktree = LocalWorktree(
            path: context.worktreeBase + "/" + unit,
            runner: context.runner,
            files: context.effects.files,
            environment: context.environment
        )
    }

    /// The worktree's folder, as git and the file system name it.
    var path: String { worktree.path }
    /// The run's settings.
    var config: ChooConfig { context.config }
    /// git in the worktree; with `editor`, one that never opens an editor (rebases, merges).
    func git(editor: Bool = false) -> Git { worktree.git(environment: editor ? ["GIT_EDITOR": "true"] : [:]) }
    /// The run's clock: the times choo records.
    var now: Date { context.effects.clock.now() }
    /// git in the repository's main folder (refs, the worktree list, the target branch).
    var repository: Git { Git(repository: context.repositoryRoot, runner: context.runner) }

    /// Publishes `payload` as an event of this unit.
    func publish(_ payload: Event.Payload, task: Int? = nil, error: String? = nil) {
        context.bus.publish(Event(payload, unit: unit, task: task, error: error))
    }

    /// The unit as it is now in its worktree; a unit whose spec files no longer read cleanly stops.
    func reload() throws -> Unit {
        let tasksRoot = path + "/" + context.tasksDirectory
        let load = SpecLoader.loadUnit(folder: unit, tasksDirectory: tasksRoot, repositoryRoot: path)
        guard let value = load.unit, !load.diagnostics.contains(where: { $0.severity == .error }) else {
            let problems = load.diagnostics.filter { $0.severity == .error }.map(\.description)
            let detail =
                problems.isEmpty
                ? "`\(context.tasksDirectory)/\(unit)` holds no IMPLEMENTATION_PLAN.md or no task file"
                : problems.joined(separator: "; ")
            throw UnitStop.failed(
                "the unit's spec files in its worktree no longer read cleanly: \(detail). Fix them on the branch "
                    + "\(branch) (or run `choo cleanup` to start the unit over) and run again"
            )
        }
        return value
    }

    /// Runs a command the user wrote (setup, a check) in the worktree with the check time limit;
    /// a Ctrl-C stops the unit.
    func shell(_ command: String) async throws -> ProcessOutcome {
        let outcome = try await worktree.run(
            .shell(command, in: path, timeout: config.backpressureTimeout),
            onStart: { _ in },
            onOutput: { _ in }
        )
        if outcome.stoppedBecause == .cancelled { throw UnitStop.interrupted }
        return outcome
    }
}

/// Why a unit's work stopped early.
enum UnitStop: Error {
    /// It failed, for the reason given (what the person reads).
    case failed(String)
    /// It was interrupted (Ctrl-C, or the run is stopping).
    case interrupted
}

/// How a piece of a unit's work ended.
enum UnitEnding: Sendable, Equatable {
    case done
    case failed(String)
    case interrupted

    /// Runs `work`, turning how it stopped into an ending: a cancelled task is interrupted, any
    /// other error a failure with its description.
    static func of(_ work: () async throws -> Void) async -> UnitEnding {
        do {
            try await work()
            return .done
        } catch UnitStop.interrupted {
            return .interrupted
        } catch UnitStop.failed(let reason) {
            return .failed(reason)
        } catch {
            return Task.isCancelled ? .interrupted : .failed("\(error)")
        }
    }
}
