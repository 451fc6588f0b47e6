/// What an agent turn was for, which names its log file.
public enum AgentTurn: String, Sendable, Hashable, CaseIterable {
    /// Work on the unit's tasks.
    case task
    /// Making the unit's baseline checks pass.
    case baseline
    /// Resolving a merge conflict while landing.
    case conflict
    /// Addressing review feedback on the unit's pull request.
    case review
    /// Fixing the pull request's failing CI checks.
    case ci
}

/// The names of agent log files: `<run folder>/<unit>/<NNN>-<turn>[<task>]-attempt<A>.log`, e.g.
/// `003-task2-attempt1.log` or `004-conflict-attempt1.log`. `NNN` counts the unit's invocations in
/// the run, so no log is ever written over; each run has its own folder.
public enum AgentLog {
    /// The folder of run `run`'s logs under the worktree base.
    public static func runFolder(base: String, run: Int64) -> String {
        base + "/logs/run-\(run)"
    }

    /// The file name of the `sequence`th invocation of a unit in a run.
    public static func fileName(sequence: Int, turn: AgentTurn, task: Int?, attempt: Int) -> String {
        let number = String(sequence)
        let padded = String(repeating: "0", count: max(0, 3 - number.count)) + number
        let subject = turn == .task ? "task" + (task.map(String.init) ?? "") : turn.rawValue
        return "\(padded)-\(subject)-attempt\(attempt).log"
    }

    /// The turn a log file name says, or `nil` for a name choo did not make.
    public static func turn(ofFileName name: String) -> AgentTurn? {
        let parts = name.split(separator: "-")
        guard parts.count == 3, parts[0].allSatisfy(\.isNumber) else { return nil }
        if parts[1].hasPrefix("task") { return .task }
        return AgentTurn(rawValue: String(parts[1]))
    }
}

extension RunJournal.Invocation {
    /// The heading `choo logs` gives the turn: the run, what the turn was, the attempt, the file.
    public var title: String {
        let name = logFile.map { String($0.split(separator: "/").last ?? "") } ?? ""
        let turn = AgentLog.turn(ofFileName: name)
        let what =
            turn == nil || turn == .task ? "task \(task.map(String.init) ?? "-")" : "\(turn?.rawValue ?? "") turn"
        return "== run #\(run), \(what), attempt \(attempt.map(String.init) ?? "-"): " + (logFile ?? "(no log file)")
    }
}
