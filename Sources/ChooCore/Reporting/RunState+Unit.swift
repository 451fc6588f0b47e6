import Foundation

extension RunState {
    /// One unit's state in the run.
    public struct UnitState: Sendable, Hashable {
        /// Where the unit stands, coarsely: what the counts and the live view's header count.
        public enum State: String, Sendable, Hashable {
            case queued, running, complete, failed, blocked, interrupted
        }

        /// Where the unit is in its lifecycle.
        public enum Phase: Sendable, Hashable {
            /// In the run, not started.
            case queued
            /// Started: its worktree and setup commands.
            case preparing
            /// Working on task `n` (an agent turn, or checking what it did).
            case task(Int)
            /// Its baseline checks, with the agent's fix rounds.
            case baseline
            /// Its pull request waits for a review, or the agent answers review feedback.
            case review
            /// Its pull request waits for CI, or the agent fixes failing checks.
            case ci
            /// Its work is done; it waits for the merge slot.
            case awaitingMerge
            /// Being landed on the target: brought up to date, checked again, merged.
            case landing
            /// Complete (landed, when units are landed).
            case complete
            /// Failed (see ``UnitState/failure``).
            case failed
            /// Did not run: a unit it depends on did not complete.
            case blocked
            /// Stopped before it finished (see ``UnitState/stoppedIn``); the next run resumes it.
            case interrupted

            /// The phase in a few words, e.g. `task #2` or `baseline checks`.
            public var label: String {
                switch self {
                case .queued: "queued"
                case .preparing: "setting up"
                case .task(let number): "task #\(number)"
                case .baseline: "baseline checks"
                case .review: "review"
                case .ci: "CI"
                case .awaitingMerge: "waiting to land"
                case .landing: "landing"
                case .complete: "complete"
                case .failed: "failed"
                case .blocked: "blocked"
                case .interrupted: "stopped"
                }
            }

            /// The coarse state of a unit in this phase.
            public var state: State {
                switch self {
                case .queued: .queued
                case .preparing, .task, .baseline, .review, .ci, .awaitingMerge, .landing: .running
                case .complete: .complete
                case .failed: .failed
                case .blocked: .blocked
                case .interrupted: .interrupted
                }
            }
        }

        /// What the unit is doing at this moment.
        public enum Activity: Sendable, Hashable {
            /// Making its worktree and running the setup commands.
            case settingUp
            /// An agent turn runs (the newest of ``UnitState/turns``).
            case agent
            /// A task's check command runs.
            case checking(command: String)
            /// Its pull request waits for a review.
            case waitingForReview
            /// Its pull request waits for CI.
            case waitingForCI
            /// It waits for the merge slot.
            case waitingToLand
            /// Its provider reached a usage limit; it waits until `until`.
            case waitingForLimit(provider: String, until: Date)
        }

        /// Why a unit failed, and where.
        public struct Failure: Sendable, Hashable {
            /// The reason, as the run reported it.
            public var reason: String
            /// The phase it was in when it failed.
            public var phase: Phase
        }

        /// Where the unit landed.
        public struct Landing: Sendable, Hashable {
            /// The target's new tip.
            public var commit: String
            /// The target branch.
            public var target: String
            /// The unit's branch.
            public var branch: String
        }

        /// The unit's ID.
        public let id: String
        /// Where it is in its lifecycle.
        public internal(set) var phase: Phase = .queued
        /// What it is doing now; `nil` between steps and once it ended.
        public internal(set) var activity: Activity?
        /// Its dependency level in the plan (0: depends on nothing).
        public internal(set) var level: Int?
        /// When its lifecycle started in this run.
        public internal(set) var startedAt: Date?
        /// When it completed, failed, was blocked or stopped.
        public internal(set) var finishedAt: Date?
        /// Its worktree, once ready.
        public internal(set) var worktree: String?
        /// Its branch, once its worktree is ready.
        public internal(set) var branch: String?
        /// Whether its branch held an earlier run's work.
        public internal(set) var resumed: Bool?
        /// The tasks it worked on in this run, in the order it first did.
        public internal(set) var tasks: [TaskState] = []
        /// Every agent turn, in order.
        public internal(set) var turns: [Turn] = []
        /// Every check that ran (task checks and baseline checks), in order.
        public internal(set) var checks: [CheckRun] = []
        /// Why it failed and in which phase, when it failed.
        public internal(set) var failure: Failure?
        /// The phase it was in when it was stopped, when it was.
        public internal(set) var stoppedIn: Phase?
        /// The message of the event that ended it (why it failed, what blocked it).
        public internal(set) var error: String?
        /// The units it waited for that failed or were blocked, when it is blocked.
        public internal(set) var blockedBy: [String] = []
        /// The tasks whose work this run committed on the unit's branch, in the order committed.
        public internal(set) var committedTasks: [Int] = []
        /// Its pull request, in GitHub mode.
        public internal(set) var pullRequest: PullRequestState?
        /// Where it landed, once it did.
        public internal(set) var landing: Landing?
        /// How many merge conflicts the agent was asked to resolve while landing.
        public internal(set) var conflicts = 0
        /// Why removing its worktree or branch after landing failed, if it did.
        public internal(set) var cleanupProblem: String?
        /// How many times choo undid what an agent was not allowed to do (branch, spec files,
        /// conflict markers, files that could not go back).
        public internal(set) var guardNotices = 0

        /// A unit that has not started.
        public init(id: String) {
            self.id = id
        }

        /// Its coarse state.
        public var state: State { phase.state }

        /// Whether its lifecycle started in this run.
        public var started: Bool { startedAt != nil }

        /// The task it works on now.
        public var task: Int? {
            if case .task(let number) = phase { return number }
            return nil
        }

        /// The current task's state.
        public var currentTask: TaskState? { task.flatMap(self.task(_:)) }

        /// The state of task `number`, when the unit worked on it in this run.
        public func task(_ number: Int) -> TaskState? { tasks.first { $0.number == number } }

        /// Which attempt at the current task this is.
        public var attempt: Int? { currentTask?.attempts }

        /// When the current attempt at the current task started.
        public var taskStartedAt: Date? { currentTask?.attemptStartedAt }

        /// The newest agent turn's log file.
        public var logFile: String? { turns.last?.logFile }

        /// What its agents spent in this run, the running turn's tokens so far included.
        public var spend: Spend { turns.reduce(Spend()) { $0 + $1.spend } }

        /// What its agents spent on task `number` in this run.
        public func spend(task number: Int) -> Spend {
            turns.filter { $0.kind == .task && $0.task == number }.reduce(Spend()) { $0 + $1.spend }
        }

        /// What the running agent turn is doing now (`Bash swift test`), when its agent says.
        public var agentActivity: String? {
            guard activity == .agent, let turn = turns.last, turn.endedAt == nil else { return nil }
            return turn.lastTool
        }

        /// Updates the unit with `event`, which happened at `time`.
        mutating func apply(_ event: Event, at time: Date) {
            switch event.payload {
            case .unitQueued(let queued):
                level = queued.level
            case .unitStarted:
                phase = .preparing
                activity = .settingUp
                startedAt = time
            case .unitWorktree(let ready):
                if let path = ready.path { worktree = path }
                if let name = ready.branch { branch = name }
                if let earlier = ready.resumed { resumed = earlier }
            case .taskStarted(let started):
                guard let number = event.task else { return }
                phase = .task(number)
                activity = .agent
                updateTask(number) { task in
                    task.status = .running
                    task.attempts = max(task.attempts, started.attempt)
                    task.startedAt = task.startedAt ?? time
                    task.attemptStartedAt = time
                    task.finishedAt = nil
                }
            case .taskClaudeInvoke(let invoked):
                let kind = AgentLog.turn(ofFileName: (invoked.logFile as NSString).lastPathComponent) ?? turnKind
                turns.append(
                    Turn(
                        kind: kind,
                        task: event.task,
                        attempt: invoked.attempt,
                        provider: invoked.provider,
                        logFile: invoked.logFile,
                        startedAt: time
                    )
                )
                activity = .agent
            case .taskAgentStarted(let started):
                if let index = turns.indices.last, turns[index].endedAt == nil { turns[index].pid = started.pid }
            case .taskClaudeDone(let done):
                let index = turns.lastIndex { $0.logFile == done.logFile && $0.endedAt == nil }
                if let index = index ?? turns.lastIndex(where: { $0.endedAt == nil }) {
                    turns[index].endedAt = time
                    turns[index].exit = done.exit
                    turns[index].error = event.error
                }
                if activity == .agent { activity = nil }
            case .taskBackpressure(let check):
                activity = .checking(command: check.command)
                if let number = event.task { updateTask(number) { $0.status = .checking } }
            case .taskValidationOK(let check):
                checks.append(CheckRun(kind: .task(event.task, command: check.command), passed: true, at: time))
                activity = nil
            case .taskValidationFail(let check):
                checks.append(
                    CheckRun(
                        kind: .task(event.task, command: check.command),
                        passed: false,
                        at: time,
                        error: event.error
                    )
                )
                activity = nil
                if let number = event.task {
                    updateTask(number) { task in
                        task.status = .running
                        task.error = event.error
                    }
                }
            case .taskRetry:
                guard let number = event.task else { return }
                updateTask(number) { task in
                    task.status = .running
                    task.error = event.error
                }
            case .taskCompleted:
                guard let number = event.task else { return }
                let turnStart = currentTask?.attemptStartedAt
                updateTask(number) { task in
                    task.status = .complete
                    task.attempts = max(task.attempts, 1)
                    task.startedAt = task.startedAt ?? turnStart ?? time
                    task.finishedAt = time
                }
            case .taskCommitted(let committed):
                // The commit holds every task verified since the last one (a turn may complete several).
                let commit = committed.commit.isEmpty ? nil : committed.commit
                if let number = event.task, task(number) == nil {
                    updateTask(number) { task in
                        task.status = .complete
                        task.startedAt = time
                        task.finishedAt = time
                    }
                }
                for index in tasks.indices where tasks[index].status == .complete {
                    tasks[index].status = .committed
                    tasks[index].commit = commit
                    if commit != nil, !committedTasks.contains(tasks[index].number) {
                        committedTasks.append(tasks[index].number)
                    }
                }
            case .taskFailed:
                guard let number = event.task else { return }
                updateTask(number) { task in
                    task.status = .failed
                    task.finishedAt = time
                    task.error = event.error
                }
            case .unitBaseline(let check):
                checks.append(
                    CheckRun(
                        kind: .baseline(name: check.name, stage: check.stage),
                        passed: check.result == .passed,
                        at: time,
                        error: event.error
                    )
                )
                if check.stage == .unit { phase = .baseline }
                activity = nil
            case .unitMergeQueued, .prMergeQueued:
                phase = .awaitingMerge
                activity = .waitingToLand
            case .unitMergeStarted, .prConflict:
                phase = .landing
                activity = nil
            case .unitMergeUpdated:
                // Also sent when a rollback or commits pushed by someone else were taken in, outside landing.
                break
            case .unitMergeConflict:
                phase = .landing
                conflicts += 1
            case .unitMerged(let merged):
                phase = .landing
                landing = Landing(commit: merged.commit, target: merged.target, branch: merged.branch)
                if let number = merged.pullRequest { updatePullRequest(number) { _ in } }
            case .unitCleanupFailed:
                cleanupProblem = event.error ?? "the clean-up failed"
            case .unitCompleted:
                phase = .complete
                activity = nil
                finishedAt = time
            case .unitFailed:
                failure = Failure(reason: event.error ?? "failed", phase: phase)
                end(.failed, at: time, error: event.error)
                for index in tasks.indices where tasks[index].isUnderway { tasks[index].status = .failed }
            case .unitBlocked(let blocked):
                blockedBy = blocked.blockedBy
                end(.blocked, at: time, error: event.error)
            case .unitInterrupted:
                stop(at: time, error: event.error)
            case .prCreated(let created):
                phase = .review
                updatePullRequest(created.number) { pullRequest in
                    pullRequest.url = created.url
                    pullRequest.adopted = created.adopted
                }
            case .prReviewPending(let pending):
                phase = .review
                activity = .waitingForReview
                updatePullRequest(pending.number) { pullRequest in
                    pullRequest.url = pending.url
                    pullRequest.review = .pending
                }
            case .prReviewInProgress(let review):
                phase = .review
                activity = .waitingForReview
                updatePullRequest(review.number) { $0.review = .inProgress }
            case .prReviewApproved(let approval):
                updatePullRequest(approval.number) { $0.review = .approved(by: approval.by) }
            case .prFeedbackReceived(let feedback):
                phase = .review
                activity = nil
                updatePullRequest(feedback.number) { pullRequest in
                    pullRequest.review = .feedback(comments: feedback.comments)
                    pullRequest.feedbackRounds = max(pullRequest.feedbackRounds, feedback.round)
                }
            case .prFeedbackAddressed(let fix):
                updatePullRequest(fix.number) { pullRequest in
                    pullRequest.review = .pending
                    if !fix.commit.isEmpty { pullRequest.fixes.append(fix.commit) }
                }
            case .prChecks(let checks):
                // Landing waits for CI again before each merge attempt; it stays landing meanwhile.
                if phase != .landing {
                    phase = .ci
                    activity = checks.result == .pending ? .waitingForCI : nil
                }
                updatePullRequest(checks.number) { pullRequest in
                    pullRequest.ci = PullRequestState.CI(
                        result: checks.result,
                        head: checks.head,
                        round: checks.round,
                        passed: checks.checks,
                        pending: checks.pending ?? [],
                        failures: checks.result == .failed ? event.error : nil
                    )
                }
            case .prMerged(let merged):
                updatePullRequest(merged.number) { $0.mergedCommit = merged.commit }
            case .prFailed(let failed):
                updatePullRequest(failed.number) { $0.problem = event.error ?? "the pull request failed" }
            case .prMergeRefused(let refused) where refused.permanent:
                updatePullRequest(refused.number) { pullRequest in
                    pullRequest.problem = "GitHub refused the merge (\(refused.status): \(refused.message))"
                }
            case .unitBranchRestored, .unitSpecRestored, .unitAsideStranded, .taskConflictMarkers:
                guardNotices += 1
            case .agentSession(let session):
                updateRunningTurn { $0.session = session.session }
            case .agentTool(let tool):
                updateRunningTurn { $0.lastTool = tool.summary }
            case .agentUsage(let usage):
                // The final figures may come after the turn's end event; the newest turn takes them.
                if let index = turns.lastIndex(where: { $0.endedAt == nil }) ?? turns.indices.last {
                    turns[index].usage = usage
                }
            case .agentRetry:
                updateRunningTurn { $0.apiRetries += 1 }
            case .agentLimit(let limit):
                activity = .waitingForLimit(provider: limit.provider, until: RunState.instant(limit.until.date))
            case .agentLimitOver(let over):
                if case .waitingForLimit(over.provider, _) = activity { activity = nil }
            case .runBudgetReached:
                break
            case .orchStarted, .orchCompleted, .orchFailed, .orchLeftoversStopped, .orchInterrupted,
                .orchCheckoutChanged, .unitResumed, .unitWorktreeDisk, .unitSetupExcluded, .processLeftoversStopped,
                .githubWaiting,
                .githubRequirements, .githubWarning, .prMergeRefused, .unknown:
                break
            }
        }

        /// Changes the agent turn that is running, if one is.
        private mutating func updateRunningTurn(_ change: (inout Turn) -> Void) {
            guard let index = turns.indices.last, turns[index].endedAt == nil else { return }
            change(&turns[index])
        }

        /// It was stopped before it finished, at `time`.
        mutating func stop(at time: Date, error: String? = nil) {
            stoppedIn = phase
            end(.interrupted, at: time, error: error)
            for index in tasks.indices where tasks[index].isUnderway { tasks[index].status = .interrupted }
            if let index = turns.indices.last, turns[index].endedAt == nil { turns[index].endedAt = time }
        }

        private mutating func end(_ final: Phase, at time: Date, error: String?) {
            phase = final
            activity = nil
            finishedAt = time
            self.error = error
        }

        /// What an agent turn is for when its log's name does not say: the phase's.
        private var turnKind: AgentTurn {
            switch phase {
            case .baseline: .baseline
            case .review: .review
            case .ci: .ci
            case .landing, .awaitingMerge: .conflict
            case .queued, .preparing, .task, .complete, .failed, .blocked, .interrupted: .task
            }
        }

        private mutating func updateTask(_ number: Int, _ change: (inout TaskState) -> Void) {
            if let index = tasks.firstIndex(where: { $0.number == number }) {
                change(&tasks[index])
            } else {
                var task = TaskState(number: number)
                change(&task)
                tasks.append(task)
            }
        }

        private mutating func updatePullRequest(_ number: Int, _ change: (inout PullRequestState) -> Void) {
            var current = pullRequest.flatMap { $0.number == number ? $0 : nil } ?? PullRequestState(number: number)
            change(&current)
            pullRequest = current
        }
    }
}
