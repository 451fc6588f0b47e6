/// The type of an event: the type strings of the Go tool (and choo's own), one per case of
/// ``Event/Payload``. An event a journal of another version holds may have a type not listed here
/// (``Event/Payload/unknown(type:fields:)``).
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The run began.
    case orchStarted = "orch.started"
    /// Every unit succeeded.
    case orchCompleted = "orch.completed"
    /// The run ended with a unit failed, blocked or not started.
    case orchFailed = "orch.failed"
    /// Children left running by an earlier, killed run were stopped (choo's own).
    case orchLeftoversStopped = "orch.leftovers.stopped"
    /// The user asked the run to stop (choo's own).
    case orchInterrupted = "orch.interrupted"
    /// A unit is in the run and waits for its turn.
    case unitQueued = "unit.queued"
    /// A unit's lifecycle began.
    case unitStarted = "unit.started"
    /// A unit resumed with uncommitted edits from an interrupted run (choo's own).
    case unitResumed = "unit.resumed"
    /// A unit's worktree is ready (choo's own).
    case unitWorktree = "unit.worktree"
    /// How much disk a unit's worktree takes, measured when the unit was done with it (choo's own).
    case unitWorktreeDisk = "unit.worktree.disk"
    /// A unit's work is done; it waits for the merge slot (choo's own).
    case unitMergeQueued = "unit.merge.queued"
    /// A unit is being landed on the target branch (choo's own).
    case unitMergeStarted = "unit.merge.started"
    /// A unit's branch was brought up to date with the target (choo's own).
    case unitMergeUpdated = "unit.merge.updated"
    /// A merge conflict is being resolved by the agent (choo's own).
    case unitMergeConflict = "unit.merge.conflict"
    /// A unit landed on the target branch.
    case unitMerged = "unit.merged"
    /// Removing a landed unit's worktree or branch failed (choo's own); the work is on the target.
    case unitCleanupFailed = "unit.cleanup.failed"
    /// A unit finished with every task and check passing.
    case unitCompleted = "unit.completed"
    /// A unit failed.
    case unitFailed = "unit.failed"
    /// A unit will not run because a unit it depends on failed.
    case unitBlocked = "unit.blocked"
    /// A unit stopped early because the run is shutting down (choo's own).
    case unitInterrupted = "unit.interrupted"
    /// An agent turn on a task began.
    case taskStarted = "task.started"
    /// The agent process was started.
    case taskClaudeInvoke = "task.claude.invoke"
    /// The agent process is running, with its pid (choo's own).
    case taskAgentStarted = "task.agent.started"
    /// The agent process ended.
    case taskClaudeDone = "task.claude.done"
    /// A backpressure command is running.
    case taskBackpressure = "task.backpressure"
    /// The backpressure command passed.
    case taskValidationOK = "task.validation.ok"
    /// The backpressure command failed.
    case taskValidationFail = "task.validation.fail"
    /// The turn failed and will be tried again.
    case taskRetry = "task.retry"
    /// The task is done and verified.
    case taskCompleted = "task.completed"
    /// The task's work was committed.
    case taskCommitted = "task.committed"
    /// The task failed after every attempt.
    case taskFailed = "task.failed"
    /// A baseline check ran (choo's own).
    case unitBaseline = "unit.baseline"
    /// A unit's pull request was opened (or an open one adopted).
    case prCreated = "pr.created"
    /// choo waits for a review of a unit's pull request.
    case prReviewPending = "pr.review.pending"
    /// A reviewer is looking at the pull request (the eyes reaction).
    case prReviewInProgress = "pr.review.in_progress"
    /// The pull request was approved.
    case prReviewApproved = "pr.review.approved"
    /// New review comments or a change request arrived.
    case prFeedbackReceived = "pr.feedback.received"
    /// The agent addressed review feedback; the fix is checked, committed and pushed.
    case prFeedbackAddressed = "pr.feedback.addressed"
    /// The pull request's CI checks are being waited for, or one failed and is being fixed (choo's own).
    case prChecks = "pr.checks"
    /// The pull request waits for the merge slot.
    case prMergeQueued = "pr.merge.queued"
    /// The pull request's branch had to be brought up to date with its base before merging.
    case prConflict = "pr.conflict"
    /// The pull request was merged on GitHub.
    case prMerged = "pr.merged"
    /// A call to GitHub waits before trying again: a rate limit, or an error worth retrying (choo's own).
    case githubWaiting = "github.waiting"
    /// Something about the pull request failed (closed by a person, could not be merged).
    case prFailed = "pr.failed"
    /// The agent moved its unit's branch off choo's commits; choo put it back (choo's own).
    case unitBranchRestored = "unit.branch.restored"
    /// The agent changed spec files it may not change; choo put them back (choo's own).
    case unitSpecRestored = "unit.spec.restored"
    /// Files made by `worktree.setup` are kept out of every commit (choo's own).
    case unitSetupExcluded = "unit.setup.excluded"
    /// Untracked files were moved aside for a check and some could not go back (choo's own).
    case unitAsideStranded = "unit.aside.stranded"
    /// A turn left conflict markers in files it changed (choo's own).
    case taskConflictMarkers = "task.conflict.markers"
    /// Files in the user's checkout appeared, changed or disappeared during the run, and choo did
    /// not do it (choo's own): `paths`, and each path under `appeared`, `changed` or `removed`.
    case orchCheckoutChanged = "orch.checkout.changed"
    /// A child (agent, check, git) left processes running when it ended, even outside its process
    /// group; they were stopped (choo's own).
    case processLeftoversStopped = "process.leftovers.stopped"
    /// The agent's conversation has an id, which a retry can continue (choo's own).
    case agentSession = "agent.session"
    /// The agent started a tool call (choo's own).
    case agentTool = "agent.tool"
    /// The tokens and cost of an agent invocation so far, or in all once it ended (choo's own).
    case agentUsage = "agent.usage"
    /// The agent's CLI retries an API call itself: overload or a transient error (choo's own).
    case agentRetry = "agent.retry"
    /// A provider's usage limit was reached; its units wait for the reset (choo's own).
    case agentLimit = "agent.limit"
    /// A provider's units go on after its usage limit (choo's own).
    case agentLimitOver = "agent.limit.over"
    /// A spending budget was reached; the run stops gracefully (choo's own).
    case runBudgetReached = "run.budget.reached"

    // GitHub as it really behaves (issue #13).
    /// What GitHub requires of pull requests into the target branch, read at the start (choo's own).
    case githubRequirements = "github.requirements"
    /// GitHub refused to merge a pull request, with its status and message; `permanent` when
    /// trying again cannot help (choo's own).
    case prMergeRefused = "pr.merge.refused"
    /// Something a person should know about GitHub mode that does not stop the run (choo's own).
    case githubWarning = "github.warning"

    public var description: String { rawValue }
}
