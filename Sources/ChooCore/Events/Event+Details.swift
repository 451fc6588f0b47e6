import Foundation

// The details of each kind of event: what goes under `payload` in its JSON line. Property names
// are Swift's; `CodingKeys` give the JSON keys, which are the Go tool's. Optional properties are
// left out of the JSON when `nil`.
extension Event {
    /// `orch.started`: the size of the run.
    public struct RunStarted: Sendable, Hashable, Codable {
        /// How many units the run has.
        public var units: Int
        /// How many units may run at once.
        public var parallelism: Int
        /// How many tasks remain to be done.
        public var tasks: Int
        /// Where agent logs are written, when known.
        public var logFolder: String?

        enum CodingKeys: String, CodingKey {
            case units, parallelism, tasks
            case logFolder = "log_folder"
        }

        /// Creates the details.
        public init(units: Int, parallelism: Int, tasks: Int, logFolder: String? = nil) {
            self.units = units
            self.parallelism = parallelism
            self.tasks = tasks
            self.logFolder = logFolder
        }
    }

    /// `orch.completed` and `orch.failed`: how the run ended.
    public struct RunFinished: Sendable, Hashable, Codable {
        /// How many units the run had.
        public var total: Int
        /// How many units completed.
        public var complete: Int
        /// How many units failed.
        public var failed: Int
        /// How many units were blocked by a failed dependency.
        public var blocked: Int
        /// How many units never started (the run was stopped first).
        public var notStarted: Int
        /// How many units started and were stopped before they finished (choo's own; absent when
        /// none, as the Go tool has no such count).
        public var stopped: Int?
        /// How long the run took, in seconds.
        public var durationSeconds: Double
        /// Whether the run was stopped by Ctrl-C or a signal.
        public var interrupted: Bool

        enum CodingKeys: String, CodingKey {
            case total, complete, failed, blocked, interrupted, stopped
            case notStarted = "not_started"
            case durationSeconds = "duration_seconds"
        }

        /// Creates the details.
        public init(
            total: Int,
            complete: Int,
            failed: Int,
            blocked: Int,
            notStarted: Int,
            stopped: Int? = nil,
            durationSeconds: Double,
            interrupted: Bool
        ) {
            self.total = total
            self.complete = complete
            self.failed = failed
            self.blocked = blocked
            self.notStarted = notStarted
            self.stopped = stopped
            self.durationSeconds = durationSeconds
            self.interrupted = interrupted
        }
    }

    /// `orch.leftovers.stopped`: what an earlier, killed run left running.
    public struct LeftoversStopped: Sendable, Hashable, Codable {
        /// The process groups of the earlier run's children that were stopped.
        public var processGroups: [Int]
        /// Every process stopped.
        public var processes: [LeftoverProcess]

        enum CodingKeys: String, CodingKey {
            case processes
            case processGroups = "process_groups"
        }

        /// Creates the details.
        public init(processGroups: [Int], processes: [LeftoverProcess]) {
            self.processGroups = processGroups
            self.processes = processes
        }
    }

    /// `orch.interrupted`: the units running when the stop was asked for.
    public struct RunInterrupted: Sendable, Hashable, Codable {
        /// The units running at that moment.
        public var running: [String]

        /// Creates the details.
        public init(running: [String]) {
            self.running = running
        }
    }

    /// `unit.queued`: where the unit stands in the plan.
    public struct UnitQueued: Sendable, Hashable, Codable {
        /// Its dependency level (0: depends on nothing).
        public var level: Int

        /// Creates the details.
        public init(level: Int) {
            self.level = level
        }
    }

    /// `unit.resumed`: what an interrupted run left uncommitted in the worktree.
    public struct UnitResumed: Sendable, Hashable, Codable {
        /// The paths with uncommitted changes, relative to the worktree.
        public var uncommitted: [String]

        /// Creates the details.
        public init(uncommitted: [String]) {
            self.uncommitted = uncommitted
        }
    }

    /// `unit.worktree`: the unit's worktree is ready, or a folder in its way was set aside (with the event's error).
    public struct UnitWorktree: Sendable, Hashable, Codable {
        /// The worktree's path, once it is ready.
        public var path: String?
        /// The unit's branch, once the worktree is ready.
        public var branch: String?
        /// Whether the branch existed already (an earlier run's work is resumed).
        public var resumed: Bool?
        /// Where a folder that was not a worktree git knows was moved.
        public var setAside: String?
        /// `true` when the worktree is a recycled folder of an earlier unit (`worktree.reuse`),
        /// switched to the unit's new branch; absent otherwise.
        public var recycled: Bool?
        /// `true` when the worktree was made (or recycled) ahead of the unit's start, while it
        /// waited for a slot or for the units it needs to land; absent when the start made it.
        public var prepared: Bool?

        enum CodingKeys: String, CodingKey {
            case path, branch, resumed, recycled, prepared
            case setAside = "set_aside"
        }

        /// Creates the details.
        public init(
            path: String? = nil,
            branch: String? = nil,
            resumed: Bool? = nil,
            setAside: String? = nil,
            recycled: Bool? = nil,
            prepared: Bool? = nil
        ) {
            self.path = path
            self.branch = branch
            self.resumed = resumed
            self.setAside = setAside
            self.recycled = recycled
            self.prepared = prepared
        }
    }

    /// `unit.worktree.disk`: the bytes a unit's worktree folder takes on disk (its files, not the
    /// repository's shared objects), measured when the unit was done with it.
    public struct WorktreeDisk: Sendable, Hashable, Codable {
        /// The worktree's folder now: the unit's, or the pool's when it waits to be recycled.
        public var path: String
        /// Bytes allocated on disk for its files.
        public var bytes: Int64
        /// `true` when the folder waits in the pool to be recycled.
        public var pooled: Bool?

        /// Creates the details.
        public init(path: String, bytes: Int64, pooled: Bool? = nil) {
            self.path = path
            self.bytes = bytes
            self.pooled = pooled
        }
    }

    /// `unit.merge.updated`: the unit's branch is being brought up to date, landing starts over, an interrupted rebase or merge was rolled back, or commits someone else pushed were taken in.
    public struct MergeUpdated: Sendable, Hashable, Codable {
        /// The commit the branch is brought up to date with.
        public var onto: String?
        /// How: rebase or merge.
        public var strategy: ChooConfig.MergeStrategy?
        /// `true` when landing starts over (the target moved, or GitHub asked to wait).
        public var retry: Bool?
        /// Why landing starts over, or why commits were taken in.
        public var reason: String?
        /// The git command (`rebase`, `merge`, ...) whose interrupted run was rolled back.
        public var rolledBack: String?

        enum CodingKeys: String, CodingKey {
            case onto, strategy, retry, reason
            case rolledBack = "rolled_back"
        }

        /// Creates the details.
        public init(
            onto: String? = nil,
            strategy: ChooConfig.MergeStrategy? = nil,
            retry: Bool? = nil,
            reason: String? = nil,
            rolledBack: String? = nil
        ) {
            self.onto = onto
            self.strategy = strategy
            self.retry = retry
            self.reason = reason
            self.rolledBack = rolledBack
        }
    }

    /// `unit.merge.conflict`: files in conflict that the agent is asked to resolve.
    public struct MergeConflict: Sendable, Hashable, Codable {
        /// The conflicted files, relative to the worktree.
        public var files: [String]
        /// Which attempt at resolving them this is (1 for the first).
        public var attempt: Int

        /// Creates the details.
        public init(files: [String], attempt: Int) {
            self.files = files
            self.attempt = attempt
        }
    }

    /// `unit.merged`: where the unit landed.
    public struct UnitMerged: Sendable, Hashable, Codable {
        /// The target's new tip.
        public var commit: String
        /// The target branch.
        public var target: String
        /// The unit's branch.
        public var branch: String
        /// The pull request it was merged through, in GitHub mode.
        public var pullRequest: Int?

        enum CodingKeys: String, CodingKey {
            case commit, target, branch
            case pullRequest = "pull_request"
        }

        /// Creates the details.
        public init(commit: String, target: String, branch: String, pullRequest: Int? = nil) {
            self.commit = commit
            self.target = target
            self.branch = branch
            self.pullRequest = pullRequest
        }
    }

    /// `unit.blocked`: the units whose failure blocks this one.
    public struct UnitBlocked: Sendable, Hashable, Codable {
        /// The dependencies that did not complete.
        public var blockedBy: [String]

        enum CodingKeys: String, CodingKey {
            case blockedBy = "blocked_by"
        }

        /// Creates the details.
        public init(blockedBy: [String]) {
            self.blockedBy = blockedBy
        }
    }

    /// `task.started`: an agent turn on the event's task.
    public struct TaskStarted: Sendable, Hashable, Codable {
        /// Which attempt at the task this is (1 for the first).
        public var attempt: Int
        /// The numbers of every task offered to the agent in this turn.
        public var offered: [Int]

        /// Creates the details.
        public init(attempt: Int, offered: [Int]) {
            self.attempt = attempt
            self.offered = offered
        }
    }

    /// `task.claude.invoke`: the agent process is being started.
    public struct AgentInvoked: Sendable, Hashable, Codable {
        /// The agent provider's name.
        public var provider: String
        /// Which attempt (or fix round) this is.
        public var attempt: Int
        /// The agent's log file.
        public var logFile: String

        enum CodingKeys: String, CodingKey {
            case provider, attempt
            case logFile = "log_file"
        }

        /// Creates the details.
        public init(provider: String, attempt: Int, logFile: String) {
            self.provider = provider
            self.attempt = attempt
            self.logFile = logFile
        }
    }

    /// `task.agent.started`: the agent process runs.
    public struct AgentStarted: Sendable, Hashable, Codable {
        /// Its process id.
        public var pid: Int

        /// Creates the details.
        public init(pid: Int) {
            self.pid = pid
        }
    }

    /// `task.claude.done`: the agent process ended (the event's error says how, when it failed).
    public struct AgentDone: Sendable, Hashable, Codable {
        /// How it ended, e.g. `exited 0`.
        public var exit: String
        /// The agent's log file.
        public var logFile: String

        enum CodingKeys: String, CodingKey {
            case exit
            case logFile = "log_file"
        }

        /// Creates the details.
        public init(exit: String, logFile: String) {
            self.exit = exit
            self.logFile = logFile
        }
    }

    /// `task.backpressure` and `task.validation.ok`: a task's backpressure command.
    public struct Check: Sendable, Hashable, Codable {
        /// The command, as the task file gives it.
        public var command: String

        /// Creates the details.
        public init(command: String) {
            self.command = command
        }
    }

    /// `task.validation.fail`: a task's backpressure command failed.
    public struct CheckFailed: Sendable, Hashable, Codable {
        /// The command, as the task file gives it.
        public var command: String
        /// What it printed (the tail choo kept).
        public var output: String

        /// Creates the details.
        public init(command: String, output: String) {
            self.command = command
            self.output = output
        }
    }

    /// `task.retry`: the next attempt at the event's task (the event's error says why).
    public struct TaskRetry: Sendable, Hashable, Codable {
        /// The number of the attempt about to start.
        public var attempt: Int

        /// Creates the details.
        public init(attempt: Int) {
            self.attempt = attempt
        }
    }

    /// `task.committed`: the task's work was committed.
    public struct TaskCommitted: Sendable, Hashable, Codable {
        /// The commit (empty when there was nothing to commit).
        public var commit: String

        /// Creates the details.
        public init(commit: String) {
            self.commit = commit
        }
    }

    /// `unit.baseline`: a baseline check ran (the event's error says how it failed).
    public struct Baseline: Sendable, Hashable, Codable {
        /// Whether a check passed.
        public enum CheckResult: String, Sendable, Hashable, Codable {
            case passed, failed
        }

        /// When a baseline check runs.
        public enum Stage: String, Sendable, Hashable, Codable {
            /// After the unit's tasks, before it is handed to the merge queue.
            case unit
            /// On the branch brought up to date with the target, before the target moves.
            case landing
            /// On a pull request's branch after a fix or an update.
            case pullRequest = "pull request"
        }

        /// The check's name in `.choo.yaml`.
        public var name: String
        /// Whether it passed.
        public var result: CheckResult
        /// When it ran.
        public var stage: Stage

        /// Creates the details.
        public init(name: String, result: CheckResult, stage: Stage) {
            self.name = name
            self.result = result
            self.stage = stage
        }
    }

    /// `pr.created`: the unit's pull request.
    public struct PullRequestCreated: Sendable, Hashable, Codable {
        /// Its number.
        public var number: Int
        /// Its page on GitHub.
        public var url: String
        /// Whether it was open already (an earlier run opened it) rather than opened now.
        public var adopted: Bool

        /// Creates the details.
        public init(number: Int, url: String, adopted: Bool) {
            self.number = number
            self.url = url
            self.adopted = adopted
        }
    }

    /// `pr.review.pending`: the pull request waiting for a review.
    public struct PullRequestLink: Sendable, Hashable, Codable {
        /// Its number.
        public var number: Int
        /// Its page on GitHub.
        public var url: String

        /// Creates the details.
        public init(number: Int, url: String) {
            self.number = number
            self.url = url
        }
    }

    /// `pr.review.in_progress`, `pr.merge.queued` and `pr.failed`: the pull request concerned.
    public struct PullRequestNumber: Sendable, Hashable, Codable {
        /// Its number.
        public var number: Int

        /// Creates the details.
        public init(number: Int) {
            self.number = number
        }
    }

    /// `pr.review.approved`: who approved the pull request.
    public struct ReviewApproved: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// The reviewer's login.
        public var by: String

        /// Creates the details.
        public init(number: Int, by: String) {
            self.number = number
            self.by = by
        }
    }

    /// `pr.feedback.received`: review feedback for the agent.
    public struct FeedbackReceived: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// How many comments (and change requests) arrived.
        public var comments: Int
        /// Which feedback round this is (1 for the first).
        public var round: Int

        /// Creates the details.
        public init(number: Int, comments: Int, round: Int) {
            self.number = number
            self.comments = comments
            self.round = round
        }
    }

    /// `pr.feedback.addressed`: the agent's fix was committed and pushed.
    public struct FeedbackAddressed: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// The fix's commit (empty when there was nothing to commit).
        public var commit: String
        /// How many comments the fix answered.
        public var answered: Int

        /// Creates the details.
        public init(number: Int, commit: String, answered: Int) {
            self.number = number
            self.commit = commit
            self.answered = answered
        }
    }

    /// `pr.checks`: the CI of the pull request's head (the event's error names the failures).
    public struct PullRequestChecks: Sendable, Hashable, Codable {
        /// Where the checks stand.
        public enum Result: String, Sendable, Hashable, Codable {
            case passed, failed, pending
        }

        /// The pull request's number.
        public var number: Int
        /// The head commit the checks ran on.
        public var head: String
        /// Passed, failed or still pending.
        public var result: Result
        /// Which fix round a failure starts (1 for the first).
        public var round: Int?
        /// How many check runs and statuses passed.
        public var checks: Int?
        /// The checks still running.
        public var pending: [String]?

        /// Creates the details.
        public init(
            number: Int,
            head: String,
            result: Result,
            round: Int? = nil,
            checks: Int? = nil,
            pending: [String]? = nil
        ) {
            self.number = number
            self.head = head
            self.result = result
            self.round = round
            self.checks = checks
            self.pending = pending
        }
    }

    /// `pr.conflict`: the pull request's branch is behind its base.
    public struct PullRequestConflict: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// The base's tip it is brought up to date with.
        public var base: String

        /// Creates the details.
        public init(number: Int, base: String) {
            self.number = number
            self.base = base
        }
    }

    /// `pr.merged`: the pull request was merged on GitHub.
    public struct PullRequestMerged: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// The merge's commit on the base.
        public var commit: String

        /// Creates the details.
        public init(number: Int, commit: String) {
            self.number = number
            self.commit = commit
        }
    }

    /// `github.waiting`: a call to GitHub waits before trying again.
    public struct GitHubWaiting: Sendable, Hashable, Codable {
        /// Why (a rate limit, an error worth retrying).
        public var reason: String
        /// How long it waits.
        public var seconds: Double

        /// Creates the details.
        public init(reason: String, seconds: Double) {
            self.reason = reason
            self.seconds = seconds
        }
    }

    /// `unit.branch.restored`: where choo put the unit's branch back (the event's error says what happened).
    public struct BranchRestored: Sendable, Hashable, Codable {
        /// The commit the branch was put back at.
        public var to: String
        /// The unit's branch.
        public var branch: String
        /// Where HEAD was, when it was on a commit.
        public var from: String?
        /// The ref keeping a snapshot of what could not be carried over.
        public var saved: String?
        /// The operations in progress that were aborted (`rebase`, `merge`, ...).
        public var aborted: [String]?

        /// Creates the details.
        public init(to: String, branch: String, from: String? = nil, saved: String? = nil, aborted: [String]? = nil) {
            self.to = to
            self.branch = branch
            self.from = from
            self.saved = saved
            self.aborted = aborted
        }
    }

    /// `unit.spec.restored`: spec files the agent changed and choo put back.
    public struct SpecRestored: Sendable, Hashable, Codable {
        /// How a spec file was changed.
        public enum FileChange: String, Sendable, Hashable, Codable {
            case added, removed, modified
        }

        /// When the change was found, if not after an agent turn.
        public enum Stage: String, Sendable, Hashable, Codable {
            /// While the agent resolved a merge conflict.
            case conflict
        }

        /// The files, relative to the worktree.
        public var files: [String]
        /// How each file was changed, in the order of `files` (after a turn).
        public var changes: [FileChange]?
        /// Where added files were moved (after a turn).
        public var setAside: [String]?
        /// `conflict` when it happened while resolving a merge conflict.
        public var stage: Stage?

        enum CodingKeys: String, CodingKey {
            case files, changes, stage
            case setAside = "set_aside"
        }

        /// Creates the details.
        public init(files: [String], changes: [FileChange]? = nil, setAside: [String]? = nil, stage: Stage? = nil) {
            self.files = files
            self.changes = changes
            self.setAside = setAside
            self.stage = stage
        }
    }

    /// `unit.setup.excluded`: what `worktree.setup` made, kept out of every commit.
    public struct SetupExcluded: Sendable, Hashable, Codable {
        /// The paths (the first 100), relative to the worktree; folders end with `/`.
        public var paths: [String]
        /// How many paths there are in all.
        public var count: Int

        /// Creates the details.
        public init(paths: [String], count: Int) {
            self.paths = paths
            self.count = count
        }
    }

    /// `unit.aside.stranded`: untracked files moved aside for a check that could not go back.
    public struct AsideStranded: Sendable, Hashable, Codable {
        /// The files, relative to the worktree.
        public var files: [String]
        /// Where they are kept.
        public var folder: String

        /// Creates the details.
        public init(files: [String], folder: String) {
            self.files = files
            self.folder = folder
        }
    }

    /// `task.conflict.markers`: conflict markers a turn left.
    public struct ConflictMarkersFound: Sendable, Hashable, Codable {
        /// Each marker as `file:line`.
        public var found: [String]

        /// Creates the details.
        public init(found: [String]) {
            self.found = found
        }
    }

    /// `orch.checkout.changed`: what changed in the user's checkout during the run.
    public struct CheckoutChanged: Sendable, Hashable, Codable {
        /// The checkout's folder.
        public var checkout: String
        /// Every path that changed, relative to the checkout.
        public var paths: [String]
        /// The paths that appeared.
        public var appeared: [String]
        /// The paths whose content or status changed.
        public var changed: [String]
        /// The paths that are gone.
        public var removed: [String]

        /// Creates the details.
        public init(checkout: String, paths: [String], appeared: [String], changed: [String], removed: [String]) {
            self.checkout = checkout
            self.paths = paths
            self.appeared = appeared
            self.changed = changed
            self.removed = removed
        }
    }

    /// `process.leftovers.stopped`: what a child left running when it ended.
    public struct ProcessLeftovers: Sendable, Hashable, Codable {
        /// The child's executable (not its arguments, which can hold a prompt).
        public var command: String
        /// The folder it ran in.
        public var workingDirectory: String
        /// Its process group.
        public var processGroup: Int
        /// Every process stopped.
        public var processes: [LeftoverProcess]

        enum CodingKeys: String, CodingKey {
            case command, processes
            case workingDirectory = "working_directory"
            case processGroup = "process_group"
        }

        /// Creates the details.
        public init(command: String, workingDirectory: String, processGroup: Int, processes: [LeftoverProcess]) {
            self.command = command
            self.workingDirectory = workingDirectory
            self.processGroup = processGroup
            self.processes = processes
        }
    }
}

// GitHub as it really behaves (issue #13).
extension Event {
    /// `pr.merge.refused`: GitHub's refusal of a merge, as GitHub said it.
    public struct MergeRefused: Sendable, Hashable, Codable {
        /// The pull request's number.
        public var number: Int
        /// GitHub's HTTP status (405, 409, ...).
        public var status: Int
        /// GitHub's message.
        public var message: String
        /// Whether trying again cannot help (the unit fails); otherwise choo tries again.
        public var permanent: Bool
        /// For a refusal choo tries again after: how long it waits first.
        public var retryInSeconds: Double?

        /// Creates the details.
        public init(number: Int, status: Int, message: String, permanent: Bool, retryInSeconds: Double? = nil) {
            self.number = number
            self.status = status
            self.message = message
            self.permanent = permanent
            self.retryInSeconds = retryInSeconds
        }

        private enum CodingKeys: String, CodingKey {
            case number, status, message, permanent
            case retryInSeconds = "retry_in_seconds"
        }
    }

    /// `github.warning`: what a person should know (the pull request it is about, if any).
    public struct GitHubWarning: Sendable, Hashable, Codable {
        /// What to know.
        public var message: String
        /// The pull request it is about.
        public var number: Int?

        /// Creates the details.
        public init(message: String, number: Int? = nil) {
            self.message = message
            self.number = number
        }
    }
}

/// The merge strategy is written into `unit.merge.updated` events as `.choo.yaml` spells it.
extension ChooConfig.MergeStrategy: Codable {}

extension Event.CheckoutChanged {
    /// The details of `changes` in the checkout at `checkout`: every path, and the paths of each kind.
    public init(checkout: String, changes: [CheckoutSnapshot.Change]) {
        var appeared: [String] = []
        var changed: [String] = []
        var removed: [String] = []
        for change in changes {
            switch change.kind {
            case .appeared: appeared.append(change.path)
            case .changed: changed.append(change.path)
            case .removed: removed.append(change.path)
            }
        }
        self.init(
            checkout: checkout,
            paths: changes.map(\.path),
            appeared: appeared,
            changed: changed,
            removed: removed
        )
    }
}
