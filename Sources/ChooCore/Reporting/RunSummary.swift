extension Orchestrator.Outcome {
    /// What is missing from the run journal, when it could not record every event.
    public var journalWarning: String? {
        guard journalWriteFailures.count > 0 else { return nil }
        return "the run journal could not record \(plural(journalWriteFailures.count, "event")), so `choo history`, "
            + "`status` and `logs` miss them; the first: \(journalWriteFailures.first ?? "?")"
    }

    /// The closing summary, from the run's state: counts, duration, why units failed, what blocked
    /// the others, what each unit stopped before it finished had committed, files in the user's
    /// checkout that changed during the run, and where the agent logs are.
    public func text(style: TextStyle) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let complete = state.ids(.complete)
        let failed = state.ids(.failed)
        let blocked = state.ids(.blocked)
        let stopped = state.ids(.running, .interrupted)
        let notStarted = state.ids(.queued)
        var out = "\n"
        let verdict: String
        if state.outcome == .interrupted || (state.outcome == nil && state.stopRequested) {
            verdict = style.yellow("Interrupted")
        } else if state.outcome == .complete {
            verdict = style.green("Done")
        } else {
            verdict = style.red("Finished with failures")
        }
        out += style.bold(verdict) + " in " + RunState.clock(seconds) + ": "
        out += "\(plural(state.units.count, "unit")), \(complete.count) complete, "
        out += "\(failed.count) failed, \(blocked.count) blocked"
        if !stopped.isEmpty { out += ", \(stopped.count) stopped" }
        if !notStarted.isEmpty { out += ", \(notStarted.count) not started" }
        out += "\n"
        for unit in failed {
            out += "  " + style.red("✗") + " \(unit): \(state.unit(unit)?.failure?.reason ?? "failed")\n"
        }
        for unit in blocked {
            let blockers = state.unit(unit)?.blockedBy ?? []
            out += "  " + style.yellow("-") + " \(unit): blocked by \(blockers.joined(separator: ", "))\n"
        }
        for unit in stopped {
            let committed = state.unit(unit)?.committedTasks ?? []
            let work =
                committed.isEmpty
                ? "nothing committed yet"
                : "task " + committed.map { "#\($0)" }.joined(separator: ", ") + " committed on ralph/\(unit)"
            out += "  " + style.yellow("■") + " \(unit): stopped; \(work)\n"
        }
        if !notStarted.isEmpty {
            out += "  not started: \(notStarted.joined(separator: ", "))\n"
        }
        if !complete.isEmpty {
            out += "Landed on \(targetBranch): \(complete.joined(separator: ", "))\n"
        }
        if !checkoutChanges.isEmpty {
            out += style.yellow("Files in your checkout changed during this run") + " (choo did not make these changes "
            out += "and has not reverted them):\n"
            for change in checkoutChanges { out += "  \(change.path)  (\(change.kind.rawValue))\n" }
            out += "They are in \(checkoutPath). Check what the agents did (see their logs), then commit, stash or "
            out += "undo these changes; until then the next run refuses to start if one is tracked or in the spec "
            out += "tree.\n"
        }
        let spent = state.spend
        if !spent.isEmpty {
            let tokens = spent.tokens
            out += "Agents spent: " + spent.summary + " (input \(Spend.tokens(tokens.input)), output "
            out += "\(Spend.tokens(tokens.output)), cache read \(Spend.tokens(tokens.cacheRead)), cache write "
            out += "\(Spend.tokens(tokens.cacheWrite)))"
            if spent.estimated { out += "; ~ marks a cost estimated from choo's price table" }
            if spent.unpriced > 0 { out += "; some models have no price (set `prices` in .choo.yaml)" }
            out += "\n"
        }
        if let budget = state.budgetReached {
            out += style.yellow("Budget reached") + ": " + (budget.message ?? budget.details.budget) + "\n"
        }
        for (provider, pause) in state.pauses.sorted(by: { $0.key < $1.key }) where state.outcome != .complete {
            out += style.yellow("\(provider) is at its usage limit") + " until "
            out += Timestamp(pause.until.date).description + "; the next run waits for it before its first turn\n"
        }
        if let checkoutProblem { out += style.yellow("warning") + ": \(checkoutProblem)\n" }
        if let journalWarning { out += style.yellow("warning") + ": \(journalWarning)\n" }
        out += "Agent logs: \(logFolder)\n"
        if state.outcome != .complete {
            out += "Work that did not land stays on its ralph/<unit> branch and worktree. Run the same command "
            out += "again to resume: committed tasks are not redone.\n"
        }
        return out
    }
}
