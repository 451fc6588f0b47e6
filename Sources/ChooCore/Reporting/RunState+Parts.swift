import Foundation

extension RunState {
    /// One task of a unit, as far as this run went with it.
    public struct TaskState: Sendable, Hashable {
        /// Where the task stands.
        public enum Status: String, Sendable, Hashable {
            /// An agent turn works on it, or it waits for the next attempt.
            case running
            /// Its check command runs.
            case checking
            /// Its check passed; its commit is being made.
            case complete
            /// Its work is committed (``TaskState/commit``; `nil` when there was nothing to commit).
            case committed
            /// It failed after every attempt, or its unit failed while it was under way.
            case failed
            /// The run stopped while it was under way.
            case interrupted
        }

        /// The task's number.
        public var number: Int
        /// Where it stands.
        public var status: Status = .running
        /// How many attempts it took so far (1 for the first).
        public var attempts = 0
        /// When its first attempt started (the turn that completed it, when it was not the focus).
        public var startedAt: Date?
        /// When its current (or last) attempt started.
        public var attemptStartedAt: Date?
        /// When it was completed or failed.
        public var finishedAt: Date?
        /// The commit holding its work.
        public var commit: String?
        /// Why its last attempt failed.
        public var error: String?

        /// A task no attempt has started yet.
        public init(number: Int) {
            self.number = number
        }

        /// How long it took from its first attempt to its end, once it ended.
        public var duration: TimeInterval? {
            guard let startedAt, let finishedAt else { return nil }
            return finishedAt.timeIntervalSince(startedAt)
        }

        /// Whether it is being worked on (not ended).
        public var isUnderway: Bool { status == .running || status == .checking }
    }

    /// One agent turn: a task attempt, or a fix round (baseline, conflict, review, CI).
    public struct Turn: Sendable, Hashable {
        /// What the turn was for.
        public var kind: AgentTurn
        /// The task it focused on, for a task turn.
        public var task: Int?
        /// Which attempt (or fix round) it was.
        public var attempt: Int
        /// The agent provider.
        public var provider: String
        /// Its log file.
        public var logFile: String
        /// When the agent was started.
        public var startedAt: Date
        /// The agent's process id, once it runs.
        public var pid: Int?
        /// When the agent ended (or the run stopped under it).
        public var endedAt: Date?
        /// How the agent ended, e.g. `exited 0`.
        public var exit: String?
        /// Why the turn failed, when it did.
        public var error: String?
        /// Its tokens and cost so far (in all, once it ended), when its agent reports them.
        public var usage: Event.AgentUsage?
        /// The tool call it started last (`Edit Sources/Greeter.swift`), when its agent reports them.
        public var lastTool: String?
        /// Its conversation's id, when its agent reports one.
        public var session: String?
        /// How many times its agent's CLI retried an API call (overload, transient errors).
        public var apiRetries = 0

        /// What it spent.
        public var spend: Spend { usage.map(Spend.init) ?? Spend() }
    }

    /// One check that ran: a task's backpressure command or a baseline check.
    public struct CheckRun: Sendable, Hashable {
        /// Which check.
        public enum Kind: Sendable, Hashable {
            /// Task `task`'s backpressure command.
            case task(Int?, command: String)
            /// The baseline check `name`, at `stage`.
            case baseline(name: String, stage: Event.Baseline.Stage)
        }

        /// Which check it was.
        public var kind: Kind
        /// Whether it passed.
        public var passed: Bool
        /// When its result came.
        public var at: Date
        /// How it failed.
        public var error: String?
    }

    /// A unit's pull request, in GitHub mode.
    public struct PullRequestState: Sendable, Hashable {
        /// Where its review stands.
        public enum Review: Sendable, Hashable {
            /// No review yet.
            case pending
            /// A reviewer is looking at it.
            case inProgress
            /// Approved by `by`.
            case approved(by: String)
            /// Review comments or a change request came; the agent answers them.
            case feedback(comments: Int)
        }

        /// Its CI, as last seen.
        public struct CI: Sendable, Hashable {
            /// Passed, failed or pending.
            public var result: Event.PullRequestChecks.Result
            /// The head commit the checks ran on.
            public var head: String
            /// The fix round a failure started.
            public var round: Int?
            /// How many checks passed, when they all did.
            public var passed: Int?
            /// The checks still running.
            public var pending: [String]
            /// The failing checks, when they failed.
            public var failures: String?
        }

        /// Its number.
        public var number: Int
        /// Its page on GitHub.
        public var url: String?
        /// Whether an earlier run opened it.
        public var adopted = false
        /// Where its review stands.
        public var review: Review?
        /// How many rounds of review feedback the agent answered.
        public var feedbackRounds = 0
        /// The commits that answered review feedback, pushed to it.
        public var fixes: [String] = []
        /// Its CI.
        public var ci: CI?
        /// The merge's commit on the base, once GitHub merged it.
        public var mergedCommit: String?
        /// What went wrong with it (closed by a person, could not be merged).
        public var problem: String?

        /// A pull request known only by its number.
        public init(number: Int) {
            self.number = number
        }
    }
}
