import Foundation

/// The run's state, built only by applying its events in order: each unit's state, its current
/// task, attempt and activity, timings, log file, the tasks it committed, why it failed or what
/// blocked it, and the counts. The live view and the closing summary read it; it can be rebuilt
/// from the events a journal stored (``init(events:)``), so a finished or killed run reads the same.
public struct RunState: Sendable, Hashable {
    /// One unit's state.
    public struct UnitState: Sendable, Hashable {
        /// Where the unit stands.
        public enum State: String, Sendable, Hashable {
            case queued, running, complete, failed, blocked, interrupted
        }

        public var id: String
        public var state: State = .queued
        public var task: Int?
        public var attempt: Int?
        /// When the current attempt at ``task`` started.
        public var taskStartedAt: Date?
        public var step: String?
        public var startedAt: Date?
        public var finishedAt: Date?
        public var logFile: String?
        public var error: String?
        /// The tasks whose work this run committed on the unit's branch, in order.
        public var committedTasks: [Int] = []
        /// The units it waited for that failed or were blocked, when it is blocked.
        public var blockedBy: [String] = []

        /// Whether its lifecycle started in this run.
        public var started: Bool { startedAt != nil }
    }

    /// Units in the order they were queued.
    public private(set) var units: [UnitState] = []
    /// When the run started.
    public private(set) var startedAt: Date?
    /// When the run ended.
    public private(set) var finishedAt: Date?
    /// The folder agent logs are written under, when known.
    public private(set) var logFolder: String?

    /// An empty state, before the run's first event.
    public init() {}

    /// The state after `events`, e.g. those a journal stored for a run.
    public init(events: some Sequence<Event>) {
        for event in events { apply(event) }
    }

    /// Why each failed unit failed.
    public var failureReasons: [String: String] {
        Dictionary(uniqueKeysWithValues: units.filter { $0.state == .failed }.map { ($0.id, $0.error ?? "failed") })
    }

    /// What blocked each blocked unit.
    public var blockers: [String: [String]] {
        Dictionary(uniqueKeysWithValues: units.filter { $0.state == .blocked }.map { ($0.id, $0.blockedBy) })
    }

    /// The unit `id`, when an event named it.
    public func unit(_ id: String) -> UnitState? { units.first { $0.id == id } }

    /// The number of units in `state`.
    public func count(_ state: UnitState.State) -> Int { units.count { $0.state == state } }

    /// Updates the view with `event`.
    public mutating func apply(_ event: Event) {
        // An event without a unit changes a scratch view, which is dropped.
        var unit = units.first { $0.id == event.unit } ?? UnitState(id: event.unit ?? "")
        switch event.payload {
        case .orchStarted(let started):
            startedAt = event.time
            if let folder = started.logFolder { logFolder = folder }
        case .orchCompleted, .orchFailed:
            finishedAt = event.time
        case .unitStarted:
            unit.state = .running
            unit.startedAt = event.time
        case .taskStarted(let started):
            unit.task = event.task
            unit.attempt = started.attempt
            unit.taskStartedAt = event.time
            unit.step = "agent"
        case .taskClaudeInvoke(let invoked):
            unit.logFile = invoked.logFile
            unit.step = "agent"
        case .taskBackpressure:
            unit.step = "check"
        case .unitBaseline:
            unit.step = "baseline checks"
            unit.task = nil
        case .prCreated, .prReviewPending, .prReviewInProgress:
            unit.step = "review"
            unit.task = nil
        case .prFeedbackReceived:
            unit.step = "feedback"
        case .prChecks:
            unit.step = "CI"
        case .unitMerged, .unitMergeStarted, .unitMergeUpdated, .unitMergeConflict:
            unit.state = .running
            unit.step = "landing"
            unit.task = nil
        case .unitCompleted:
            unit.state = .complete
            unit.finishedAt = event.time
            unit.step = nil
        case .unitFailed:
            unit.state = .failed
            unit.finishedAt = event.time
            unit.error = event.error
        case .unitBlocked(let blocked):
            unit.state = .blocked
            unit.error = event.error
            unit.blockedBy = blocked.blockedBy
        case .taskCommitted(let committed):
            if let task = event.task, !committed.commit.isEmpty, !unit.committedTasks.contains(task) {
                unit.committedTasks.append(task)
            }
        case .unitInterrupted:
            unit.state = .interrupted
            unit.finishedAt = event.time
        case .orchLeftoversStopped, .orchInterrupted, .orchCheckoutChanged, .processLeftoversStopped, .unitQueued,
            .unitResumed, .unitWorktree, .unitSetupExcluded, .unitMergeQueued, .unitCleanupFailed, .taskAgentStarted,
            .taskClaudeDone, .taskValidationOK, .taskValidationFail, .taskRetry, .taskCompleted, .taskFailed,
            .taskConflictMarkers, .unitBranchRestored, .unitSpecRestored, .unitAsideStranded,
            .prReviewApproved, .prFeedbackAddressed, .prMergeQueued, .prConflict, .prMerged, .prFailed, .githubWaiting,
            .unknown:
            break
        }
        guard let id = event.unit else { return }
        if let index = units.firstIndex(where: { $0.id == id }) {
            units[index] = unit
        } else {
            units.append(unit)
        }
    }

    /// The live block redrawn in place on a terminal: a status line, then one line per running unit
    /// with its task, how long the task's attempt and the unit have been running, and its log.
    public func liveLines(now: Date, style: TextStyle, relativeTo folder: String? = nil) -> [String] {
        let elapsed = startedAt.map { Self.clock(now.timeIntervalSince($0)) } ?? "00:00"
        var header = style.bold("choo") + "  \(count(.running)) running · "
        header += style.green("\(count(.complete)) done") + " · "
        header += (count(.failed) > 0 ? style.red("\(count(.failed)) failed") : "0 failed") + " · "
        header += "\(count(.blocked)) blocked · \(count(.queued)) queued   " + style.dim(elapsed)
        var lines = [header]
        let width = min(max(units.map(\.id.count).max() ?? 0, 8), 32)
        for unit in units where unit.state == .running {
            var line = "  " + style.yellow("▶") + " " + unit.id.padded(to: width) + "  "
            if let task = unit.task {
                line += "task #\(task)" + (unit.attempt.map { " attempt \($0)" } ?? "")
                if let since = unit.taskStartedAt {
                    line += " " + style.dim("(\(Self.clock(now.timeIntervalSince(since))))")
                }
                if unit.step == "check" { line += " checking" }
            } else {
                line += unit.step ?? "setting up"
            }
            if let since = unit.startedAt {
                line += " · " + style.dim("unit \(Self.clock(now.timeIntervalSince(since)))")
            }
            if let log = unit.logFile { line += "  " + style.dim(EventLine.shorten(log, relativeTo: folder)) }
            lines.append(line)
        }
        return lines
    }

    /// `mm:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if total >= 3600 { return "\(total / 3600):\(pad(total % 3600 / 60)):\(pad(total % 60))" }
        return "\(pad(total / 60)):\(pad(total % 60))"
    }
}

/// The one-line rendering of notable events, for output that is not a terminal.
public enum EventLine {
    /// The line for `event`, or `nil` when the event is not worth a line of its own.
    public static func text(for event: Event, style: TextStyle = .plain, relativeTo folder: String? = nil) -> String? {
        let unit = event.unit.map { style.bold($0) } ?? ""
        let task = event.task.map { " task #\($0)" } ?? ""
        func short(_ text: String) -> String { shorten(text, relativeTo: folder) }
        let body: String?
        switch event.payload {
        case .orchStarted(let started):
            var text = "run started: \(plural(started.units, "unit")), parallelism \(started.parallelism)"
            if let folder = started.logFolder { text += "; agent logs in \(short(folder))" }
            body = text
        case .unitStarted: body = "\(unit) started"
        case .unitWorktree(let worktree):
            body = "\(unit) worktree \(worktree.path.map(short) ?? "") on \(worktree.branch.map(short) ?? "")"
        case .taskClaudeInvoke(let invoked):
            body =
                "\(unit)\(task): agent \(short(invoked.provider)) started (attempt \(invoked.attempt)), log "
                + short(invoked.logFile)
        case .taskValidationFail:
            body = "\(unit)\(task): " + style.red("check failed") + (event.error.map { ": \($0)" } ?? "")
        case .taskRetry(let retry):
            body = "\(unit)\(task): retrying (attempt \(retry.attempt)): \(event.error ?? "")"
        case .taskCommitted(let committed):
            body = "\(unit)\(task): " + style.green("committed") + " \(String(committed.commit.prefix(8)))"
        case .taskFailed: body = "\(unit)\(task): " + style.red("failed") + (event.error.map { ": \($0)" } ?? "")
        case .unitBaseline(let check) where check.stage == .landing && check.result == .passed:
            body = nil
        case .unitBaseline(let check):
            body =
                "\(unit): baseline check \(short(check.name)) "
                + (check.result == .passed ? "passed" : style.red("failed"))
                + (check.stage == .landing ? " on the updated branch" : "")
        case .unitMergeUpdated(let update) where update.retry == true:
            body = "\(unit): " + style.yellow("the target moved while landing") + "; starting over"
        case .unitMergeUpdated(let update):
            body = "\(unit): bringing its branch up to date (\(update.strategy?.rawValue ?? "rebase"))"
        case .unitMergeConflict(let conflict):
            body =
                "\(unit): " + style.yellow("merge conflict") + " in \(conflict.files.joined(separator: ", ")); "
                + "the agent resolves it (attempt \(conflict.attempt))"
        case .unitMerged(let merged):
            body =
                "\(unit) " + style.green("landed") + " on \(short(merged.target)) at " + String(merged.commit.prefix(8))
        case .prCreated(let created):
            let verb = created.adopted ? "adopted" : "opened"
            body = "\(unit) pull request #\(created.number) \(verb): \(short(created.url))"
        case .prReviewPending(let pending): body = "\(unit) waits for a review of #\(pending.number)"
        case .prReviewInProgress(let review): body = "\(unit) #\(review.number) is being reviewed"
        case .prReviewApproved(let approval):
            body = "\(unit) #\(approval.number) " + style.green("approved") + " by \(short(approval.by))"
        case .prFeedbackReceived(let feedback):
            body = "\(unit) #\(feedback.number): \(feedback.comments) review comment(s) for the agent"
        case .prFeedbackAddressed(let fix):
            body = "\(unit) #\(fix.number): feedback addressed in " + String(fix.commit.prefix(8))
        case .prChecks(let checks):
            switch checks.result {
            case .failed:
                body =
                    "\(unit) #\(checks.number) CI " + style.red("failed") + (event.error.map { ": \($0)" } ?? "")
            case .pending: body = "\(unit) #\(checks.number) waits for CI"
            case .passed: body = nil
            }
        case .prConflict(let conflict):
            body = "\(unit) #\(conflict.number) is behind its base; bringing it up to date"
        case .prMerged(let merged):
            body = "\(unit) #\(merged.number) " + style.green("merged") + " on GitHub"
        case .githubWaiting(let waiting):
            body = style.yellow("GitHub") + ": waiting \(Int(waiting.seconds)) s (\(short(waiting.reason)))"
        case .unitCompleted: body = "\(unit) " + style.green("complete")
        case .unitFailed: body = "\(unit) " + style.red("failed") + (event.error.map { ": \($0)" } ?? "")
        case .unitBlocked: body = "\(unit) " + style.yellow("blocked") + (event.error.map { ": \($0)" } ?? "")
        case .unitInterrupted: body = "\(unit) stopped; the next run resumes it"
        case .unitBranchRestored, .unitSpecRestored, .taskConflictMarkers, .unitAsideStranded:
            body = "\(unit)\(task): " + style.yellow("untrusted change") + (event.error.map { ": \($0)" } ?? "")
        case .unitSetupExcluded(let excluded):
            body = "\(unit): \(excluded.count) path(s) made by worktree.setup are kept out of commits"
        case .orchInterrupted:
            body =
                style.yellow("stopping")
                + ": no new units start; running agents finish their turn (Ctrl-C again to stop now)"
        case .orchLeftoversStopped, .processLeftoversStopped:
            body = (event.unit == nil ? "" : "\(unit)\(task): ") + style.yellow("leftovers ") + (event.error ?? "")
        case .orchCompleted, .orchFailed, .orchCheckoutChanged, .unitQueued, .unitResumed, .unitMergeQueued,
            .unitMergeStarted, .unitCleanupFailed, .taskStarted, .taskAgentStarted, .taskClaudeDone, .taskBackpressure,
            .taskValidationOK, .taskCompleted, .prMergeQueued, .prFailed, .unknown:
            body = nil
        }
        guard let body else { return nil }
        return style.dim(Self.time(event.time)) + " " + body
    }

    /// `path` relative to `folder` when it lies inside it; other text is returned unchanged.
    public static func shorten(_ path: String, relativeTo folder: String?) -> String {
        guard let folder, path.hasPrefix("/") else { return path }
        return FileSystem.relative(path, to: folder)
    }

    private static func time(_ date: Date) -> String {
        let text = Timestamp(date).description
        let start = text.index(text.startIndex, offsetBy: 11)
        return String(text[start ..< text.index(start, offsetBy: 8)])
    }
}
