import Foundation

extension Event {
    /// What happened, with its details: one case per ``EventType``. A case's associated value is
    /// what goes under `payload` in the event's JSON line; cases without one have no `payload`.
    public enum Payload: Sendable, Hashable {
        /// The run began.
        case orchStarted(RunStarted)
        /// Every unit succeeded.
        case orchCompleted(RunFinished)
        /// The run ended with a unit failed, blocked or not started.
        case orchFailed(RunFinished)
        /// Children left running by an earlier, killed run were stopped (choo's own).
        case orchLeftoversStopped(LeftoversStopped)
        /// The user asked the run to stop (choo's own).
        case orchInterrupted(RunInterrupted)
        /// A unit is in the run and waits for its turn.
        case unitQueued(UnitQueued)
        /// A unit's lifecycle began.
        case unitStarted
        /// A unit resumed with uncommitted edits from an interrupted run (choo's own).
        case unitResumed(UnitResumed)
        /// A unit's worktree is ready (choo's own).
        case unitWorktree(UnitWorktree)
        /// How much disk a unit's worktree takes, measured when the unit was done with it (choo's own).
        case unitWorktreeDisk(WorktreeDisk)
        /// A unit's work is done; it waits for the merge slot (choo's own).
        case unitMergeQueued
        /// A unit is being landed on the target branch (choo's own).
        case unitMergeStarted
        /// A unit's branch was brought up to date with the target (choo's own).
        case unitMergeUpdated(MergeUpdated)
        /// A merge conflict is being resolved by the agent (choo's own).
        case unitMergeConflict(MergeConflict)
        /// A unit landed on the target branch.
        case unitMerged(UnitMerged)
        /// Removing a landed unit's worktree or branch failed (choo's own); the work is on the target.
        case unitCleanupFailed
        /// A unit finished with every task and check passing.
        case unitCompleted
        /// A unit failed.
        case unitFailed
        /// A unit will not run because a unit it depends on failed.
        case unitBlocked(UnitBlocked)
        /// A unit stopped early because the run is shutting down (choo's own).
        case unitInterrupted
        /// An agent turn on a task began.
        case taskStarted(TaskStarted)
        /// The agent process was started.
        case taskClaudeInvoke(AgentInvoked)
        /// The agent process is running, with its pid (choo's own).
        case taskAgentStarted(AgentStarted)
        /// The agent process ended.
        case taskClaudeDone(AgentDone)
        /// A backpressure command is running.
        case taskBackpressure(Check)
        /// The backpressure command passed.
        case taskValidationOK(Check)
        /// The backpressure command failed.
        case taskValidationFail(CheckFailed)
        /// The turn failed and will be tried again.
        case taskRetry(TaskRetry)
        /// The task is done and verified.
        case taskCompleted
        /// The task's work was committed.
        case taskCommitted(TaskCommitted)
        /// The task failed after every attempt.
        case taskFailed
        /// A baseline check ran (choo's own).
        case unitBaseline(Baseline)
        /// A unit's pull request was opened (or an open one adopted).
        case prCreated(PullRequestCreated)
        /// choo waits for a review of a unit's pull request.
        case prReviewPending(PullRequestLink)
        /// A reviewer is looking at the pull request (the eyes reaction).
        case prReviewInProgress(PullRequestNumber)
        /// The pull request was approved.
        case prReviewApproved(ReviewApproved)
        /// New review comments or a change request arrived.
        case prFeedbackReceived(FeedbackReceived)
        /// The agent addressed review feedback; the fix is checked, committed and pushed.
        case prFeedbackAddressed(FeedbackAddressed)
        /// The pull request's CI checks are being waited for, or one failed and is being fixed (choo's own).
        case prChecks(PullRequestChecks)
        /// The pull request waits for the merge slot.
        case prMergeQueued(PullRequestNumber)
        /// The pull request's branch had to be brought up to date with its base before merging.
        case prConflict(PullRequestConflict)
        /// The pull request was merged on GitHub.
        case prMerged(PullRequestMerged)
        /// A call to GitHub waits before trying again: a rate limit, or an error worth retrying (choo's own).
        case githubWaiting(GitHubWaiting)
        /// Something about the pull request failed (closed by a person, could not be merged).
        case prFailed(PullRequestNumber)
        /// The agent moved its unit's branch off choo's commits; choo put it back (choo's own).
        case unitBranchRestored(BranchRestored)
        /// The agent changed spec files it may not change; choo put them back (choo's own).
        case unitSpecRestored(SpecRestored)
        /// Files made by `worktree.setup` are kept out of every commit (choo's own).
        case unitSetupExcluded(SetupExcluded)
        /// Untracked files were moved aside for a check and some could not go back (choo's own).
        case unitAsideStranded(AsideStranded)
        /// A turn left conflict markers in files it changed (choo's own).
        case taskConflictMarkers(ConflictMarkersFound)
        /// Files in the user's checkout appeared, changed or disappeared during the run, and choo did
        /// not do it (choo's own): `paths`, and each path under `appeared`, `changed` or `removed`.
        case orchCheckoutChanged(CheckoutChanged)
        /// A child (agent, check, git) left processes running when it ended, even outside its process
        /// group; they were stopped (choo's own).
        case processLeftoversStopped(ProcessLeftovers)
        /// The agent's conversation has an id, which a retry can continue (choo's own).
        case agentSession(AgentSession)
        /// The agent started a tool call (choo's own).
        case agentTool(AgentTool)
        /// The tokens and cost of an agent invocation so far, or in all once it ended (choo's own).
        case agentUsage(AgentUsage)
        /// The agent's CLI retries an API call itself (choo's own).
        case agentRetry(AgentRetry)
        /// A provider's usage limit was reached; its units wait (choo's own).
        case agentLimit(AgentLimit)
        /// A provider's units go on after its usage limit (choo's own).
        case agentLimitOver(AgentLimitOver)
        /// A spending budget was reached; the run stops gracefully (choo's own).
        case runBudgetReached(BudgetReached)

        // GitHub as it really behaves (issue #13).
        /// What GitHub requires of pull requests into the target branch, read at the start (choo's own).
        case githubRequirements(TargetRequirements)
        /// GitHub refused to merge a pull request, with its status and message (choo's own).
        case prMergeRefused(MergeRefused)
        /// Something a person should know about GitHub mode that does not stop the run (choo's own).
        case githubWarning(GitHubWarning)
        /// An event whose type this version does not know, or whose details it cannot read (a journal
        /// written by another version): its type string and its payload as stored.
        case unknown(type: String, fields: [String: JSONValue])
    }
}

extension Event.Payload {
    /// The event's type; `nil` for a type string this version does not know.
    public var type: EventType? { EventType(rawValue: parts.type) }

    /// The event's type string, as its JSON line has it.
    public var typeName: String { parts.type }

    /// The details: one of the structs in ``Event`` for a known case, the fields of an unknown one,
    /// `nil` when there are none.
    public var details: (any Encodable & Sendable)? { parts.details }

    /// The type string and the details (`nil` when there are none) of every case.
    private var parts: (type: String, details: (any Encodable & Sendable)?) {
        switch self {
        case .orchStarted(let details): (EventType.orchStarted.rawValue, details)
        case .orchCompleted(let details): (EventType.orchCompleted.rawValue, details)
        case .orchFailed(let details): (EventType.orchFailed.rawValue, details)
        case .orchLeftoversStopped(let details): (EventType.orchLeftoversStopped.rawValue, details)
        case .orchInterrupted(let details): (EventType.orchInterrupted.rawValue, details)
        case .unitQueued(let details): (EventType.unitQueued.rawValue, details)
        case .unitStarted: (EventType.unitStarted.rawValue, nil)
        case .unitResumed(let details): (EventType.unitResumed.rawValue, details)
        case .unitWorktree(let details): (EventType.unitWorktree.rawValue, details)
        case .unitWorktreeDisk(let details): (EventType.unitWorktreeDisk.rawValue, details)
        case .unitMergeQueued: (EventType.unitMergeQueued.rawValue, nil)
        case .unitMergeStarted: (EventType.unitMergeStarted.rawValue, nil)
        case .unitMergeUpdated(let details): (EventType.unitMergeUpdated.rawValue, details)
        case .unitMergeConflict(let details): (EventType.unitMergeConflict.rawValue, details)
        case .unitMerged(let details): (EventType.unitMerged.rawValue, details)
        case .unitCleanupFailed: (EventType.unitCleanupFailed.rawValue, nil)
        case .unitCompleted: (EventType.unitCompleted.rawValue, nil)
        case .unitFailed: (EventType.unitFailed.rawValue, nil)
        case .unitBlocked(let details): (EventType.unitBlocked.rawValue, details)
        case .unitInterrupted: (EventType.unitInterrupted.rawValue, nil)
        case .taskStarted(let details): (EventType.taskStarted.rawValue, details)
        case .taskClaudeInvoke(let details): (EventType.taskClaudeInvoke.rawValue, details)
        case .taskAgentStarted(let details): (EventType.taskAgentStarted.rawValue, details)
        case .taskClaudeDone(let details): (EventType.taskClaudeDone.rawValue, details)
        case .taskBackpressure(let details): (EventType.taskBackpressure.rawValue, details)
        case .taskValidationOK(let details): (EventType.taskValidationOK.rawValue, details)
        case .taskValidationFail(let details): (EventType.taskValidationFail.rawValue, details)
        case .taskRetry(let details): (EventType.taskRetry.rawValue, details)
        case .taskCompleted: (EventType.taskCompleted.rawValue, nil)
        case .taskCommitted(let details): (EventType.taskCommitted.rawValue, details)
        case .taskFailed: (EventType.taskFailed.rawValue, nil)
        case .unitBaseline(let details): (EventType.unitBaseline.rawValue, details)
        case .prCreated(let details): (EventType.prCreated.rawValue, details)
        case .prReviewPending(let details): (EventType.prReviewPending.rawValue, details)
        case .prReviewInProgress(let details): (EventType.prReviewInProgress.rawValue, details)
        case .prReviewApproved(let details): (EventType.prReviewApproved.rawValue, details)
        case .prFeedbackReceived(let details): (EventType.prFeedbackReceived.rawValue, details)
        case .prFeedbackAddressed(let details): (EventType.prFeedbackAddressed.rawValue, details)
        case .prChecks(let details): (EventType.prChecks.rawValue, details)
        case .prMergeQueued(let details): (EventType.prMergeQueued.rawValue, details)
        case .prConflict(let details): (EventType.prConflict.rawValue, details)
        case .prMerged(let details): (EventType.prMerged.rawValue, details)
        case .githubWaiting(let details): (EventType.githubWaiting.rawValue, details)
        case .prFailed(let details): (EventType.prFailed.rawValue, details)
        case .unitBranchRestored(let details): (EventType.unitBranchRestored.rawValue, details)
        case .unitSpecRestored(let details): (EventType.unitSpecRestored.rawValue, details)
        case .unitSetupExcluded(let details): (EventType.unitSetupExcluded.rawValue, details)
        case .unitAsideStranded(let details): (EventType.unitAsideStranded.rawValue, details)
        case .taskConflictMarkers(let details): (EventType.taskConflictMarkers.rawValue, details)
        case .orchCheckoutChanged(let details): (EventType.orchCheckoutChanged.rawValue, details)
        case .processLeftoversStopped(let details): (EventType.processLeftoversStopped.rawValue, details)
        case .agentSession(let details): (EventType.agentSession.rawValue, details)
        case .agentTool(let details): (EventType.agentTool.rawValue, details)
        case .agentUsage(let details): (EventType.agentUsage.rawValue, details)
        case .agentRetry(let details): (EventType.agentRetry.rawValue, details)
        case .agentLimit(let details): (EventType.agentLimit.rawValue, details)
        case .agentLimitOver(let details): (EventType.agentLimitOver.rawValue, details)
        case .runBudgetReached(let details): (EventType.runBudgetReached.rawValue, details)
        case .githubRequirements(let details): (EventType.githubRequirements.rawValue, details)
        case .prMergeRefused(let details): (EventType.prMergeRefused.rawValue, details)
        case .githubWarning(let details): (EventType.githubWarning.rawValue, details)
        case .unknown(let type, let fields): (type, fields.isEmpty ? nil : fields)
        }
    }

    /// The details as they are encoded under `payload`, as JSON values; empty when there are none.
    /// For tests and tools that look at the JSON shape; code reads the typed details.
    public var fields: [String: JSONValue] {
        if case .unknown(_, let fields) = self { return fields }
        guard let details = parts.details, let data = try? JSONEncoder().encode(details),
            let fields = try? JSONDecoder().decode([String: JSONValue].self, from: data)
        else { return [:] }
        return fields
    }

    /// The details as the JSON object of the event's line (sorted keys), or `nil` when there are none.
    public var json: String? {
        guard let details = parts.details, let data = try? Event.lineEncoder().encode(details) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the details under `key`; nothing when there are none.
    func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        if let details = parts.details { try container.encode(details, forKey: key) }
    }

    /// The payload of a `name` event whose details are under `key` (absent when there are none). A
    /// type this version does not know, or details it cannot read, give `.unknown` with them as they are.
    static func decode<Key: CodingKey>(
        type name: String,
        from container: KeyedDecodingContainer<Key>,
        forKey key: Key
    ) throws -> Self {
        if let type = EventType(rawValue: name), let payload = try? known(type, from: container, forKey: key) {
            return payload
        }
        return .unknown(type: name, fields: try container.decodeIfPresent([String: JSONValue].self, forKey: key) ?? [:])
    }

    /// The payload of a known `type` from `key`; throws when the details do not read as that case's.
    private static func known<Key: CodingKey>(
        _ type: EventType,
        from container: KeyedDecodingContainer<Key>,
        forKey key: Key
    ) throws -> Self {
        func details<Details: Decodable>() throws -> Details { try container.decode(Details.self, forKey: key) }
        func none(_ payload: Self) throws -> Self {
            guard !container.contains(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: container,
                    debugDescription: "unexpected details"
                )
            }
            return payload
        }
        return switch type {
        case .orchStarted: .orchStarted(try details())
        case .orchCompleted: .orchCompleted(try details())
        case .orchFailed: .orchFailed(try details())
        case .orchLeftoversStopped: .orchLeftoversStopped(try details())
        case .orchInterrupted: .orchInterrupted(try details())
        case .unitQueued: .unitQueued(try details())
        case .unitStarted: try none(.unitStarted)
        case .unitResumed: .unitResumed(try details())
        case .unitWorktree: .unitWorktree(try details())
        case .unitWorktreeDisk: .unitWorktreeDisk(try details())
        case .unitMergeQueued: try none(.unitMergeQueued)
        case .unitMergeStarted: try none(.unitMergeStarted)
        case .unitMergeUpdated: .unitMergeUpdated(try details())
        case .unitMergeConflict: .unitMergeConflict(try details())
        case .unitMerged: .unitMerged(try details())
        case .unitCleanupFailed: try none(.unitCleanupFailed)
        case .unitCompleted: try none(.unitCompleted)
        case .unitFailed: try none(.unitFailed)
        case .unitBlocked: .unitBlocked(try details())
        case .unitInterrupted: try none(.unitInterrupted)
        case .taskStarted: .taskStarted(try details())
        case .taskClaudeInvoke: .taskClaudeInvoke(try details())
        case .taskAgentStarted: .taskAgentStarted(try details())
        case .taskClaudeDone: .taskClaudeDone(try details())
        case .taskBackpressure: .taskBackpressure(try details())
        case .taskValidationOK: .taskValidationOK(try details())
        case .taskValidationFail: .taskValidationFail(try details())
        case .taskRetry: .taskRetry(try details())
        case .taskCompleted: try none(.taskCompleted)
        case .taskCommitted: .taskCommitted(try details())
        case .taskFailed: try none(.taskFailed)
        case .unitBaseline: .unitBaseline(try details())
        case .prCreated: .prCreated(try details())
        case .prReviewPending: .prReviewPending(try details())
        case .prReviewInProgress: .prReviewInProgress(try details())
        case .prReviewApproved: .prReviewApproved(try details())
        case .prFeedbackReceived: .prFeedbackReceived(try details())
        case .prFeedbackAddressed: .prFeedbackAddressed(try details())
        case .prChecks: .prChecks(try details())
        case .prMergeQueued: .prMergeQueued(try details())
        case .prConflict: .prConflict(try details())
        case .prMerged: .prMerged(try details())
        case .githubWaiting: .githubWaiting(try details())
        case .prFailed: .prFailed(try details())
        case .unitBranchRestored: .unitBranchRestored(try details())
        case .unitSpecRestored: .unitSpecRestored(try details())
        case .unitSetupExcluded: .unitSetupExcluded(try details())
        case .unitAsideStranded: .unitAsideStranded(try details())
        case .taskConflictMarkers: .taskConflictMarkers(try details())
        case .orchCheckoutChanged: .orchCheckoutChanged(try details())
        case .processLeftoversStopped: .processLeftoversStopped(try details())
        case .agentSession: .agentSession(try details())
        case .agentTool: .agentTool(try details())
        case .agentUsage: .agentUsage(try details())
        case .agentRetry: .agentRetry(try details())
        case .agentLimit: .agentLimit(try details())
        case .agentLimitOver: .agentLimitOver(try details())
        case .runBudgetReached: .runBudgetReached(try details())
        case .githubRequirements: .githubRequirements(try details())
        case .prMergeRefused: .prMergeRefused(try details())
        case .githubWarning: .githubWarning(try details())
        }
    }

    /// The payload of a `name` event whose details, as JSON values, are `fields` (what ``fields``
    /// gives); `.unknown` when they do not read as the details of that type.
    public init(type name: String, fields: [String: JSONValue]) {
        var object: [String: JSONValue] = ["type": .string(name)]
        if !fields.isEmpty { object["payload"] = .object(fields) }
        guard let data = try? JSONEncoder().encode(object),
            let stored = try? JSONDecoder().decode(Stored.self, from: data)
        else {
            self = .unknown(type: name, fields: fields)
            return
        }
        self = stored.payload
    }

    /// The payload with every string in its details passed through `redact`. It goes through the
    /// encoded fields, so no field of any case can be missed, and reads back as the same case when
    /// the redacted details still read as its details.
    func redacted(with redact: (String) -> String) -> Self {
        let fields = self.fields
        let clean = fields.mapValues { $0.redacted(with: redact) }
        guard clean != fields else { return self }
        return Self(type: typeName, fields: clean)
    }

    /// A type string and its payload, read as an event's line holds them.
    private struct Stored: Decodable {
        var payload: Event.Payload

        enum CodingKeys: String, CodingKey {
            case type, payload
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decode(String.self, forKey: .type)
            payload = try Event.Payload.decode(type: name, from: container, forKey: .payload)
        }
    }
}
