/// Writes the prompt an agent gets for one turn on a unit: the ready tasks with their files and
/// check commands, and the contract of the spec format (pick one, implement it, run its check,
/// mark it complete, stop).
public struct PromptBuilder: Sendable {
    /// What went wrong on the previous attempt, told to the agent on a retry.
    public struct Retry: Sendable, Hashable {
        /// The attempt that is about to start (2 for the first retry).
        public var attempt: Int
        /// The attempts allowed in all.
        public var maxAttempts: Int
        /// What went wrong, in a sentence.
        public var reason: String
        /// The failing command's output, if there was one.
        public var output: String?

        /// Creates a retry note.
        public init(attempt: Int, maxAttempts: Int, reason: String, output: String? = nil) {
            self.attempt = attempt
            self.maxAttempts = maxAttempts
            self.reason = reason
            self.output = output
        }
    }

    /// Why no prompt can be written.
    public enum PromptError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The unit has no task an agent could work on now.
        case noReadyTasks(unit: String, detail: String)
        /// `--task` named a number the unit does not have.
        case unknownTask(unit: String, number: Int, available: [Int])
        /// `--task` named a task that is complete or waits for other tasks.
        case taskNotReady(unit: String, number: Int, detail: String)

        public var description: String {
            switch self {
            case .noReadyTasks(let unit, let detail):
                return "unit `\(unit)` has no task ready for an agent: \(detail)"
            case .unknownTask(let unit, let number, let available):
                let list = available.map { "#\($0)" }.joined(separator: ", ")
                return "unit `\(unit)` has no task #\(number); its tasks are \(list)"
            case .taskNotReady(let unit, let number, let detail):
                return "task #\(number) of unit `\(unit)` is not ready: \(detail)"
            }
        }
    }

    /// The longest command output quoted back to the agent, in bytes; longer output keeps its end.
    /// Quoted output goes through ``QuotedOutput``, so control characters arrive visible.
    public var outputLimit: Int

    /// Creates a builder.
    public init(outputLimit: Int = QuotedOutput.defaultLimit) {
        self.outputLimit = outputLimit
    }

    /// The prompt for `unit`: all its ready tasks, or only `task` when given. File paths are relative
    /// to the repository root, which is also the root of every unit's worktree.
    public func prompt(
        for unit: Unit,
        task: Int? = nil,
        retry: Retry? = nil,
        leftovers: [String] = [],
        notices: [String] = []
    ) throws(PromptError) -> String {
        let offered = try offeredTasks(of: unit, only: task)
        var text = "You are a coding agent working on one unit of a larger plan, in a git worktree of this "
        text += "repository. Paths below are relative to the repository root (your working directory).\n\n"
        text += "# Unit `\(unit.id)`" + (unit.title.map { ": \($0)" } ?? "") + "\n\n"
        text += "The unit's plan is `\(unit.planFile)`. Read it for the overall design before you start.\n"
        let done = unit.tasks.filter { $0.status == .complete }
        if !done.isEmpty {
            text += "Already complete: " + done.map(\.displayName).joined(separator: "; ") + ".\n"
        }
        text += "\n"
        if !leftovers.isEmpty {
            text += "# Unfinished work from an interrupted attempt\n\n"
            text += "The worktree has uncommitted changes left by an earlier attempt that was interrupted:\n\n"
            text += leftovers.prefix(50).map { "- `\($0)`" }.joined(separator: "\n") + "\n\n"
            text += "They may be partial work on these tasks. Check them, keep what is right, and finish.\n\n"
        }
        if !notices.isEmpty {
            text += "# What choo found after your last turn\n\n"
            text += notices.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        }
        if let retry {
            text += "# Previous attempt failed (this is attempt \(retry.attempt) of \(retry.maxAttempts))\n\n"
            text += retry.reason + "\n"
            if let output = retry.output, !output.isEmpty {
                text +=
                    "\nOutput of the failing command:\n\n```\n\(QuotedOutput.quote(output, limit: outputLimit))\n```\n"
            }
            text += "\nFix this first. Your earlier changes are still in the worktree.\n\n"
        }
        text += offered.count == 1 ? "# Your task\n\n" : "# Ready tasks: pick exactly one\n\n"
        for item in offered {
            text += "## Task #\(item.number.map(String.init) ?? "?")"
            text += (item.title.map { ": \($0)" } ?? "") + "\n\n"
            text += "- File: `\(item.file)` (it describes the work)\n"
            text += "- Check: `\(item.backpressure ?? "")` (run from the repository root; it must exit 0)\n"
            text += "- Status: \(item.status.rawValue)\n"
            if !item.dependsOn.isEmpty {
                text += "- Builds on: " + item.dependsOn.map { "#\($0)" }.joined(separator: ", ") + " (complete)\n"
            }
            text += "\n"
        }
        text += """
            # How to work

            1. \(offered.count == 1 ? "Read the task's file" : "Choose one ready task (the lowest number unless another is clearly better) and read its file").
            2. Implement it in this worktree.
            3. Run the task's check command from the repository root. Fix whatever it reports until it exits 0.
            4. When the check passes, edit the frontmatter of that task's file: set `status: complete`. Change \
            nothing else in the frontmatter.
            5. Stop. Do not start another task, do not commit, and do not change any other task's status. choo runs \
            the check itself, commits your work, and then offers the next task.

            The spec files are choo's: do not change any task's check, its dependencies, the plan, the other task \
            files or other units' files, and do not reset, rebase or switch the branch. choo undoes such changes and \
            the turn does not count.

            If you cannot finish, leave the status as it is and say in your last message what stopped you.

            """
        return text
    }

    /// The prompt that continues the agent's conversation on task `task` of `unit` after a turn
    /// that did not count: what went wrong and what choo found, then the task's check and file
    /// again. The conversation already holds the task and the rules.
    public func continuation(
        for unit: Unit,
        task number: Int,
        retry: Retry,
        notices: [String] = []
    ) throws(PromptError) -> String {
        guard let task = unit.task(number) else {
            throw .unknownTask(unit: unit.id, number: number, available: unit.tasks.compactMap(\.number).sorted())
        }
        var text = "Your last turn on task #\(number) did not count (this is attempt \(retry.attempt) of "
        text += "\(retry.maxAttempts)).\n\n" + retry.reason + "\n"
        if let output = retry.output, !output.isEmpty {
            text += "\nOutput of the failing command:\n\n```\n\(QuotedOutput.quote(output, limit: outputLimit))\n```\n"
        }
        if !notices.isEmpty {
            text +=
                "\nWhat choo found after your last turn:\n\n" + notices.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        text += "\nYour earlier changes are still in the worktree. Fix this, run the check "
        text += "`\(task.backpressure ?? "")` from the repository root until it exits 0, then set `status: complete` "
        text += "in the frontmatter of `\(task.file)`. The rules from the start of this conversation still hold: "
        text += "change no spec file's checks, do not commit, reset or switch the branch.\n"
        return text
    }

    /// The tasks offered: the ready ones, or the one asked for.
    func offeredTasks(of unit: Unit, only number: Int?) throws(PromptError) -> [TaskSpec] {
        let ready = unit.readyTasks
        guard let number else {
            if !ready.isEmpty { return ready }
            throw .noReadyTasks(unit: unit.id, detail: Self.whyNothingReady(unit))
        }
        guard let task = unit.task(number) else {
            throw .unknownTask(unit: unit.id, number: number, available: unit.tasks.compactMap(\.number).sorted())
        }
        if ready.contains(task) { return [task] }
        if task.status == .complete { throw .taskNotReady(unit: unit.id, number: number, detail: "it is complete") }
        if task.status == .failed { throw .taskNotReady(unit: unit.id, number: number, detail: "it is marked failed") }
        let waiting = task.dependsOn.filter { unit.task($0)?.status != .complete }.map { "#\($0)" }
        throw .taskNotReady(
            unit: unit.id,
            number: number,
            detail: "it waits for \(waiting.joined(separator: ", ")) to be complete"
        )
    }

    private static func whyNothingReady(_ unit: Unit) -> String {
        if unit.tasks.allSatisfy({ $0.status == .complete }) { return "all \(unit.tasks.count) tasks are complete" }
        let failed = unit.tasks.filter { $0.status == .failed }.map(\.displayName)
        if !failed.isEmpty { return "failed tasks hold up the rest: \(failed.joined(separator: "; "))" }
        return "every open task waits for another task that is not complete"
    }
}
