/// One of the named parts of a unit's work. Each holds the unit's ``UnitWork`` and nothing
/// mutable; the parts reach one another through it.
protocol UnitPart: Sendable {
    /// The unit's shared, immutable value.
    var work: UnitWork { get }
}

extension UnitPart {
    /// What every unit of the run shares.
    var context: UnitLifecycle.Context { work.context }
    /// The unit's id.
    var unit: String { work.unit }
    /// The worktree's folder.
    var worktree: String { work.path }

    /// The guards against the agent around its turns.
    var guards: TurnGuards { TurnGuards(work: work) }
    /// Agent turns and their logs.
    var agent: AgentTurns { AgentTurns(work: work) }
    /// The baseline checks and the unit's checks run together.
    var baseline: BaselineChecks { BaselineChecks(work: work) }
    /// Bringing the unit's branch up to date with the target.
    var update: BranchUpdate { BranchUpdate(work: work) }
}
