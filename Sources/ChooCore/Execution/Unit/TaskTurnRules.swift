/// The task loop's rules, as pure functions: whether an agent's turn counts, and what follows a
/// turn that does not (another attempt with what went wrong, or the unit's failure).
enum TaskTurnRules {
    /// How the agent's turn went, as far as the rules care.
    enum Agent: Sendable, Hashable {
        /// No agent ran: the tasks were found marked complete but not committed (a run stopped
        /// between the agent's turn and the commit), so only their checks run.
        case notRun
        /// The agent exited 0.
        case succeeded
        /// The agent failed (`description` says how, e.g. `exited 1`), printing `output`.
        case failed(description: String, output: String)
    }

    /// Why a turn does not count: what the agent is told, with the output that shows it.
    struct Failure: Sendable, Hashable {
        var reason: String
        var output: String?
    }

    /// What the loop does after a turn.
    enum Next: Sendable, Hashable {
        /// Commit the tasks the turn completed.
        case commit
        /// Try again; the agent's next prompt carries `retry`.
        case retry(PromptBuilder.Retry)
        /// Stop: the unit fails with `reason`; `report` is the task's failure as a person reads it.
        case fail(report: String, reason: String)
    }

    /// Why the turn does not count before any check has run, or `nil` when the tasks it marked
    /// complete go on to their checks. A failed agent is the first reason, then what the guards
    /// undid or found, then a turn that marked nothing.
    static func failureBeforeChecks(agent: Agent, guardFailure: String?, marked: Int) -> Failure? {
        if case .failed(let description, let output) = agent {
            return Failure(reason: "The agent \(description).", output: output)
        }
        if let guardFailure { return Failure(reason: guardFailure) }
        if marked == 0 {
            return Failure(
                reason: "The agent finished without marking any task `status: complete`. Implement one task, run "
                    + "its check, then set its status."
            )
        }
        return nil
    }

    /// What follows a turn of `unit` that failed with `failure` (or passed, with `nil`) on its
    /// `attempt` of `maxAttempts`; `subject` is the task it is counted against.
    static func next(
        after failure: Failure?,
        agent: Agent,
        guardFailure: String?,
        marked: Int,
        attempt: Int,
        maxAttempts: Int,
        subject: Int,
        unit: String
    ) -> Next {
        guard let failure else { return .commit }
        let limit = max(1, maxAttempts)
        guard attempt >= limit else {
            return .retry(
                PromptBuilder.Retry(
                    attempt: attempt + 1,
                    maxAttempts: limit,
                    reason: failure.reason,
                    output: failure.output
                )
            )
        }
        // What the agent was told is an instruction; the person reading the failure gets a report.
        let report =
            marked == 0 && agent == .succeeded && guardFailure == nil
            ? "the agent finished without marking any task complete; `choo logs \(unit)` shows what it did, and "
                + "`choo prompt \(unit)` what it was asked"
            : failure.reason
        return .fail(report: report, reason: "task #\(subject): \(report) (after \(plural(attempt, "attempt")))")
    }
}
