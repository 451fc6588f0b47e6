import Foundation

/// The unit's agent turns: one invocation of its agent, with a log per turn in the run's log folder
/// (`logs/run-<N>/<unit>/<NNN>-<turn>-attempt<A>.log`) that never keeps a token the agent printed.
struct AgentTurns: UnitPart {
    let work: UnitWork

    /// Runs the unit's agent once with `prompt`, for `turn` (of `task`, try `attempt`), logging
    /// the prompt, the output and how it ended in a file of its own in this run's log folder.
    func invoke(task: Int?, attempt: Int, turn: AgentTurn, prompt: String) async throws -> ProcessOutcome {
        guard let provider = context.providers[unit] else { throw UnitStop.failed("no agent configured for the unit") }
        let (arguments, input) = try provider.invocation(prompt: prompt)
        // One agent runs in a unit at a time: the unit's logs so far in this run number the next.
        let folder = context.logFolder + "/" + unit
        let files = context.effects.files
        try files.createDirectory(folder)
        let earlier = (try? files.names(in: folder))?.count { $0.hasSuffix(".log") } ?? 0
        let logFile =
            folder + "/" + AgentLog.fileName(sequence: earlier + 1, turn: turn, task: task, attempt: attempt)
        let header =
            "# choo agent log\n# unit: \(unit)\n# turn: \(turn.rawValue)\n# task: \(task.map(String.init) ?? "-")\n"
            + "# attempt: \(attempt)\n"
            + "# command: \(([provider.executable] + arguments.map { $0 == prompt ? "<prompt>" : $0 }).joined(separator: " "))\n"
            + "\n## prompt\n\n\(prompt)\n\n## output\n\n"
        try files.write(header, to: logFile)
        var spec = ProcessSpec(executable: provider.executable, arguments: arguments, workingDirectory: worktree)
        spec.standardInput = input
        spec.timeout = context.config.agentTimeout
        spec.idleTimeout = context.config.agentIdleTimeout
        spec.logFile = logFile
        context.bus.publish(
            Event(
                .taskClaudeInvoke(.init(provider: provider.name, attempt: attempt, logFile: logFile)),
                unit: unit,
                task: task
            )
        )
        let bus = context.bus
        let outcome = try await work.worktree.run(
            spec,
            onStart: { pid in
                bus.publish(Event(.taskAgentStarted(.init(pid: Int(pid))), unit: unit, task: task))
            },
            onOutput: { _ in }
        )
        let footer = "\n## exit\n\n\(OutcomeText.describe(outcome)) after \(OutcomeText.seconds(outcome.duration))\n"
        if var log = try? files.readBytes(logFile) {
            // The agent sees the environment, tokens included; its log must not keep one it printed.
            if let redact = context.github?.redact {
                let text = String(decoding: log, as: UTF8.self)
                let clean = redact(text)
                if clean != text { log = Array(clean.utf8) }
            }
            try? files.write(log + Array(footer.utf8), to: logFile, executable: false)
        }
        context.bus.publish(
            Event(
                .taskClaudeDone(.init(exit: OutcomeText.describe(outcome), logFile: logFile)),
                unit: unit,
                task: task,
                error: outcome.succeeded ? nil : "agent \(OutcomeText.describeAgent(outcome, config: context.config))"
            )
        )
        return outcome
    }
}
