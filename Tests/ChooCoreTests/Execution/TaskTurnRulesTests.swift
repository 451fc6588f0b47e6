import Testing

@testable import ChooCore

/// The task loop's rules without a worktree: whether a turn counts, and what follows one that does not.
struct TaskTurnRulesTests {
    struct Before: Sendable, CustomTestStringConvertible {
        var name: String
        var agent: TaskTurnRules.Agent
        var guardFailure: String?
        var marked: Int
        /// The start of the reason the agent is told, or `nil` when the checks run.
        var reason: String?

        var testDescription: String { name }
    }

    static let befores: [Before] = [
        .init(name: "a turn that marked a task goes to its check", agent: .succeeded, marked: 1, reason: nil),
        .init(name: "tasks found marked without a turn go to their checks", agent: .notRun, marked: 2, reason: nil),
        .init(
            name: "a failed agent comes first, with its output",
            agent: .failed(description: "exited 3", output: "boom"),
            guardFailure: "You changed spec files",
            marked: 1,
            reason: "The agent exited 3."
        ),
        .init(
            name: "what the guards undid comes before a missing mark",
            agent: .succeeded,
            guardFailure: "You changed spec files",
            marked: 0,
            reason: "You changed spec files"
        ),
        .init(
            name: "a guard failure fails a turn that marked tasks",
            agent: .succeeded,
            guardFailure: "Conflict markers",
            marked: 1,
            reason: "Conflict markers"
        ),
        .init(
            name: "a turn that marked nothing does not count",
            agent: .succeeded,
            marked: 0,
            reason: "The agent finished without marking any task `status: complete`."
        ),
    ]

    @Test("whether a turn counts before its checks run", arguments: befores)
    func beforeChecks(_ example: Before) {
        let failure = TaskTurnRules.failureBeforeChecks(
            agent: example.agent,
            guardFailure: example.guardFailure,
            marked: example.marked
        )
        if let reason = example.reason {
            #expect(failure?.reason.hasPrefix(reason) == true, "\(String(describing: failure))")
        } else {
            #expect(failure == nil)
        }
        if case .failed(_, let output) = example.agent { #expect(failure?.output == output) }
    }

    struct After: Sendable, CustomTestStringConvertible {
        var name: String
        var failure: TaskTurnRules.Failure?
        var agent: TaskTurnRules.Agent = .succeeded
        var guardFailure: String?
        var marked = 1
        var attempt: Int
        var maxAttempts: Int
        var next: TaskTurnRules.Next

        var testDescription: String { name }
    }

    static let check = TaskTurnRules.Failure(reason: "The check `make` for task #2 exited 1.", output: "make: ***")
    static let nothingMarked = TaskTurnRules.Failure(reason: "The agent finished without marking any task.")

    static let afters: [After] = [
        .init(name: "a passing turn is committed", failure: nil, attempt: 3, maxAttempts: 3, next: .commit),
        .init(
            name: "a failed check is retried with its output while attempts remain",
            failure: check,
            attempt: 1,
            maxAttempts: 3,
            next: .retry(.init(attempt: 2, maxAttempts: 3, reason: check.reason, output: check.output))
        ),
        .init(
            name: "the last attempt fails the unit with what the agent was told",
            failure: check,
            attempt: 3,
            maxAttempts: 3,
            next: .fail(report: check.reason, reason: "task #2: \(check.reason) (after 3 attempts)")
        ),
        .init(
            name: "max_attempts 0 still allows one attempt",
            failure: check,
            attempt: 1,
            maxAttempts: 0,
            next: .fail(report: check.reason, reason: "task #2: \(check.reason) (after 1 attempt)")
        ),
        .init(
            name: "a turn that never marked a task is reported to the person with where to look",
            failure: nothingMarked,
            marked: 0,
            attempt: 2,
            maxAttempts: 2,
            next: .fail(
                report: "the agent finished without marking any task complete; `choo logs core` shows what it did, "
                    + "and `choo prompt core` what it was asked",
                reason: "task #2: the agent finished without marking any task complete; `choo logs core` shows what "
                    + "it did, and `choo prompt core` what it was asked (after 2 attempts)"
            )
        ),
        .init(
            name: "a failed agent that marked nothing is reported as the failure it was",
            failure: .init(reason: "The agent exited 1.", output: ""),
            agent: .failed(description: "exited 1", output: ""),
            marked: 0,
            attempt: 1,
            maxAttempts: 1,
            next: .fail(report: "The agent exited 1.", reason: "task #2: The agent exited 1. (after 1 attempt)")
        ),
    ]

    @Test("what follows a turn", arguments: afters)
    func next(_ example: After) {
        let next = TaskTurnRules.next(
            after: example.failure,
            agent: example.agent,
            guardFailure: example.guardFailure,
            marked: example.marked,
            attempt: example.attempt,
            maxAttempts: example.maxAttempts,
            subject: 2,
            unit: "core"
        )
        #expect(next == example.next)
    }
}
