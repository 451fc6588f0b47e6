import Foundation

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
            body =
                "\(unit) worktree \(worktree.path.map(short) ?? "") on \(worktree.branch.map(short) ?? "")"
                + (worktree.recycled == true ? " (recycled)" : "")
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
        case .githubRequirements(let requirements):
            body =
                style.yellow("GitHub") + ": pull requests into \(requirements.branch): "
                + requirements.summary().joined(separator: "; ")
        case .prMergeRefused(let refused):
            let retry = refused.retryInSeconds.map { "; trying again in \(Int($0.rounded(.up))) s" } ?? ""
            body =
                "\(unit) #\(refused.number): " + style.red("GitHub refused the merge")
                + " (\(refused.status): \(refused.message))" + (refused.permanent ? "" : retry)
        case .githubWarning(let warning):
            body =
                (event.unit == nil ? "" : "\(unit)\(warning.number.map { " #\($0)" } ?? ""): ")
                + style.yellow("warning") + ": \(warning.message)"
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
        case .agentRetry(let retry):
            let status = retry.status.map { " (\($0))" } ?? ""
            let attempt = retry.attempt.map { ", try \($0)" } ?? ""
            body = "\(unit)\(task): the agent's API is busy\(status); its CLI retries\(attempt)"
        case .agentLimit(let limit):
            let why = limit.resetKnown ? "until it resets at" : "(no reset time given) until"
            body =
                style.yellow("usage limit") + ": \(limit.provider) units wait \(why) "
                + Self.time(limit.until.date) + (limit.message.map { " (\(short($0)))" } ?? "")
                + (event.error.map { "; " + $0 } ?? "")
        case .agentLimitOver(let over): body = "\(over.provider) units go on after the usage limit"
        case .runBudgetReached(let budget):
            body =
                (event.unit == nil ? "" : "\(unit): ") + style.yellow("budget reached") + ": "
                + (event.error ?? budget.budget)
        case .agentSession, .agentTool, .agentUsage:
            body = nil
        case .orchCompleted, .orchFailed, .orchCheckoutChanged, .unitQueued, .unitResumed, .unitWorktreeDisk,
            .unitMergeQueued,
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
