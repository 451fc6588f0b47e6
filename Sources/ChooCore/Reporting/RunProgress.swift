import Foundation

/// What a person sees of a run, derived from its events: each unit's state, its current task and
/// attempt, timings and log file, and the counts.
public struct RunProgress: Sendable, Hashable {
    /// One unit as the view shows it.
    public struct UnitView: Sendable, Hashable {
        /// Where the unit stands.
        public enum State: String, Sendable, Hashable {
            case queued, running, complete, failed, blocked, interrupted
        }

        public var id: String
        public var state: State = .queued
        public var task: Int?
        public var attempt: Int?
        public var step: String?
        public var startedAt: Date?
        public var finishedAt: Date?
        public var logFile: String?
        public var error: String?
    }

    /// Units in the order they were queued.
    public private(set) var units: [UnitView] = []
    /// When the run started.
    public private(set) var startedAt: Date?
    /// When the run ended.
    public private(set) var finishedAt: Date?
    /// The folder agent logs are written under, when known.
    public private(set) var logFolder: String?

    /// An empty view.
    public init() {}

    /// The number of units in `state`.
    public func count(_ state: UnitView.State) -> Int { units.count { $0.state == state } }

    /// Updates the view with `event`.
    public mutating func apply(_ event: Event) {
        switch event.type {
        case .orchStarted:
            startedAt = event.time
            if case .string(let folder)? = event.payload.fields["log_folder"] { logFolder = folder }
        case .orchCompleted, .orchFailed:
            finishedAt = event.time
        default:
            break
        }
        guard let id = event.unit else { return }
        var unit = units.first { $0.id == id } ?? UnitView(id: id)
        switch event.type {
        case .unitStarted:
            unit.state = .running
            unit.startedAt = event.time
        case .taskStarted:
            unit.task = event.task
            if case .int(let attempt)? = event.payload.fields["attempt"] { unit.attempt = attempt }
            unit.step = "agent"
        case .taskClaudeInvoke:
            if case .string(let log)? = event.payload.fields["log_file"] { unit.logFile = log }
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
        case .unitBlocked:
            unit.state = .blocked
            unit.error = event.error
        case .unitInterrupted:
            unit.state = .interrupted
            unit.finishedAt = event.time
        default:
            break
        }
        if let index = units.firstIndex(where: { $0.id == id }) {
            units[index] = unit
        } else {
            units.append(unit)
        }
    }

    /// The live block redrawn in place on a terminal: a status line, then one line per running unit.
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
            } else {
                line += unit.step ?? "setting up"
            }
            if unit.step == "check" { line += " (check)" }
            let since = unit.startedAt.map { Self.clock(now.timeIntervalSince($0)) } ?? ""
            line += "  " + style.dim(since)
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
        func payloadString(_ key: String) -> String? {
            if case .string(let value)? = event.payload.fields[key] { return shorten(value, relativeTo: folder) }
            return nil
        }
        func payloadInt(_ key: String) -> Int? {
            if case .int(let value)? = event.payload.fields[key] { return value }
            return nil
        }
        let body: String?
        switch event.type {
        case .orchStarted:
            var text =
                "run started: \(plural(payloadInt("units") ?? 0, "unit")), parallelism \(payloadInt("parallelism") ?? 0)"
            if let folder = payloadString("log_folder") { text += "; agent logs in \(folder)" }
            body = text
        case .unitStarted: body = "\(unit) started"
        case .unitWorktree: body = "\(unit) worktree \(payloadString("path") ?? "") on \(payloadString("branch") ?? "")"
        case .taskClaudeInvoke:
            body =
                "\(unit)\(task): agent \(payloadString("provider") ?? "") started (attempt \(payloadInt("attempt") ?? 1))"
                + (payloadString("log_file").map { ", log \($0)" } ?? "")
        case .taskValidationFail:
            body = "\(unit)\(task): " + style.red("check failed") + (event.error.map { ": \($0)" } ?? "")
        case .taskRetry:
            body = "\(unit)\(task): retrying (attempt \(payloadInt("attempt") ?? 0)): \(event.error ?? "")"
        case .taskCommitted:
            body =
                "\(unit)\(task): " + style.green("committed") + " \(String((payloadString("commit") ?? "").prefix(8)))"
        case .taskFailed: body = "\(unit)\(task): " + style.red("failed") + (event.error.map { ": \($0)" } ?? "")
        case .unitBaseline where payloadString("stage") == "landing" && payloadString("result") == "passed":
            body = nil
        case .unitBaseline:
            body =
                "\(unit): baseline check \(payloadString("name") ?? "") "
                + (payloadString("result") == "passed" ? "passed" : style.red("failed"))
                + (payloadString("stage") == "landing" ? " on the updated branch" : "")
        case .unitMergeUpdated where event.payload.fields["retry"] == .bool(true):
            body = "\(unit): " + style.yellow("the target moved while landing") + "; starting over"
        case .unitMergeUpdated:
            body = "\(unit): bringing its branch up to date (\(payloadString("strategy") ?? "rebase"))"
        case .unitMergeConflict:
            var files: [String] = []
            if case .array(let values)? = event.payload.fields["files"] {
                for case .string(let name) in values { files.append(name) }
            }
            body =
                "\(unit): " + style.yellow("merge conflict") + " in \(files.joined(separator: ", ")); "
                + "the agent resolves it (attempt \(payloadInt("attempt") ?? 1))"
        case .unitMerged:
            body =
                "\(unit) " + style.green("landed") + " on \(payloadString("target") ?? "the target") at "
                + String((payloadString("commit") ?? "").prefix(8))
        case .prCreated:
            let verb = event.payload.fields["adopted"] == .bool(true) ? "adopted" : "opened"
            body = "\(unit) pull request #\(payloadInt("number") ?? 0) \(verb): \(payloadString("url") ?? "")"
        case .prReviewPending: body = "\(unit) waits for a review of #\(payloadInt("number") ?? 0)"
        case .prReviewInProgress: body = "\(unit) #\(payloadInt("number") ?? 0) is being reviewed"
        case .prReviewApproved:
            body =
                "\(unit) #\(payloadInt("number") ?? 0) " + style.green("approved") + " by \(payloadString("by") ?? "")"
        case .prFeedbackReceived:
            body =
                "\(unit) #\(payloadInt("number") ?? 0): \(payloadInt("comments") ?? 0) review comment(s) for the agent"
        case .prFeedbackAddressed:
            body =
                "\(unit) #\(payloadInt("number") ?? 0): feedback addressed in "
                + String((payloadString("commit") ?? "").prefix(8))
        case .prChecks where payloadString("result") == "failed":
            body =
                "\(unit) #\(payloadInt("number") ?? 0) CI " + style.red("failed")
                + (event.error.map { ": \($0)" } ?? "")
        case .prChecks where payloadString("result") == "pending":
            body = "\(unit) #\(payloadInt("number") ?? 0) waits for CI"
        case .prConflict:
            body = "\(unit) #\(payloadInt("number") ?? 0) is behind its base; bringing it up to date"
        case .prMerged:
            body = "\(unit) #\(payloadInt("number") ?? 0) " + style.green("merged") + " on GitHub"
        case .githubWaiting:
            let seconds = Int(
                event.payload.fields["seconds"].flatMap { value -> Double? in
                    if case .double(let number) = value { return number }
                    return nil
                } ?? 0
            )
            body = style.yellow("GitHub") + ": waiting \(seconds) s (\(payloadString("reason") ?? ""))"
        case .unitCompleted: body = "\(unit) " + style.green("complete")
        case .unitFailed: body = "\(unit) " + style.red("failed") + (event.error.map { ": \($0)" } ?? "")
        case .unitBlocked: body = "\(unit) " + style.yellow("blocked") + (event.error.map { ": \($0)" } ?? "")
        case .unitInterrupted: body = "\(unit) stopped; its committed work is kept on its branch"
        case .unitBranchRestored, .unitSpecRestored, .taskConflictMarkers, .unitAsideStranded:
            body = "\(unit)\(task): " + style.yellow("untrusted change") + (event.error.map { ": \($0)" } ?? "")
        case .unitSetupExcluded:
            body = "\(unit): \(payloadInt("count") ?? 0) path(s) made by worktree.setup are kept out of commits"
        case .orchInterrupted:
            body =
                style.yellow("stopping")
                + ": no new units start; running agents finish their turn (Ctrl-C again to stop now)"
        case .orchLeftoversStopped, .processLeftoversStopped:
            body = (event.unit == nil ? "" : "\(unit)\(task): ") + style.yellow("leftovers ") + (event.error ?? "")
        default: body = nil
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
