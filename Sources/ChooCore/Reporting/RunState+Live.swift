import Foundation

extension RunState {
    /// The live block redrawn in place on a terminal: a status line, then one line per running unit
    /// with its task, how long the task's attempt and the unit have been running, and its log.
    public func liveLines(now: Date, style: TextStyle, relativeTo folder: String? = nil) -> [String] {
        let elapsed = startedAt.map { Self.clock(now.timeIntervalSince($0)) } ?? "00:00"
        var header = style.bold("choo") + "  \(count(.running)) running · "
        header += style.green("\(count(.complete)) done") + " · "
        header += (count(.failed) > 0 ? style.red("\(count(.failed)) failed") : "0 failed") + " · "
        header += "\(count(.blocked)) blocked · \(count(.queued)) queued   " + style.dim(elapsed)
        let spent = spend
        if !spent.isEmpty { header += "   " + style.dim(spent.summary) }
        var lines = [header]
        for (provider, pause) in pauses.sorted(by: { $0.key < $1.key }) {
            let left = Self.clock(pause.until.date.timeIntervalSince(now))
            let reset = pause.resetKnown ? "resets" : "tries again"
            lines.append(
                "  " + style.yellow("⏸ \(provider) usage limit") + ": its units wait; \(reset) at "
                    + Self.time(pause.until.date) + " (in \(left))"
            )
        }
        if let budget = budgetReached {
            lines.append("  " + style.yellow("■ budget reached") + ": " + (budget.message ?? budget.details.budget))
        }
        let width = min(max(units.map(\.id.count).max() ?? 0, 8), 32)
        for unit in units where unit.state == .running {
            var line =
                "  " + style.yellow("▶") + " " + unit.id.padded(to: width) + "  " + unit.doing(now: now, style: style)
            if let doing = unit.agentActivity { line += " · " + doing }
            let spent = unit.spend
            if !spent.isEmpty { line += " · " + style.dim(spent.summary) }
            if let since = unit.startedAt {
                line += " · " + style.dim("unit \(Self.clock(now.timeIntervalSince(since)))")
            }
            if let log = unit.logFile { line += "  " + style.dim(EventLine.shorten(log, relativeTo: folder)) }
            lines.append(line)
        }
        return lines
    }

    /// `14:05`: a moment's local time of day.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    /// `mm:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if total >= 3600 { return "\(total / 3600):\(pad(total % 3600 / 60)):\(pad(total % 60))" }
        return "\(pad(total / 60)):\(pad(total % 60))"
    }
}

extension RunState.UnitState {
    /// What the unit does now, for the live block: its task and attempt with the attempt's time, or
    /// its phase; `(agent)` when an agent turn runs outside a task.
    func doing(now: Date, style: TextStyle) -> String {
        if case .waitingForLimit(let provider, let until)? = activity {
            return phase.label + " " + style.yellow("waits for \(provider)'s usage limit")
                + style.dim(" (\(RunState.clock(until.timeIntervalSince(now))) left)")
        }
        guard let task = currentTask else {
            return phase.label + (activity == .agent ? " (agent)" : "")
        }
        var text = "task #\(task.number)" + (task.attempts > 0 ? " attempt \(task.attempts)" : "")
        if let since = task.attemptStartedAt {
            text += " " + style.dim("(\(RunState.clock(now.timeIntervalSince(since))))")
        }
        if case .checking = activity { text += " checking" }
        return text
    }
}
