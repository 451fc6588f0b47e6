import Foundation

/// How a unit's messages put processes, limits and durations into words.
enum OutcomeText {
    /// How a process ended: `exited 1`, `was stopped: it ran past its time limit`, ...
    static func describe(_ outcome: ProcessOutcome) -> String {
        switch (outcome.stoppedBecause, outcome.termination) {
        case (.timeout?, _): "was stopped: it ran past its time limit"
        case (.idle?, _): "was stopped: it printed nothing for too long"
        case (.toolIdle?, _): "was stopped: a call it made printed nothing for too long"
        case (.cancelled?, _): "was stopped by Ctrl-C"
        case (nil, .exited(let code)): "exited \(code)"
        case (nil, .signaled(let signal)): "was killed by signal \(signal)"
        }
    }

    /// How an agent invocation ended; a limit that stopped it is named with its value and setting,
    /// and with `lastActivity`, the last thing the agent was seen doing (`Bash swift test`).
    static func describeAgent(_ outcome: ProcessOutcome, config: ChooConfig, lastActivity: String? = nil) -> String {
        let after = lastActivity.map { "; the last thing it did: \($0)" } ?? ""
        switch outcome.stoppedBecause {
        case .timeout?:
            return "was stopped: it ran past its time limit of \(limit(config.agentTimeout)) (agent_timeout)" + after
        case .idle?:
            return "was stopped: it printed nothing for \(limit(config.agentIdleTimeout)) "
                + "(agent_idle_timeout; raise it in .choo.yaml if the agent works quietly for longer)" + after
        case .toolIdle?:
            return "was stopped: its call \(lastActivity.map { "`\($0)`" } ?? "") printed nothing for "
                + "\(limit(config.agentToolTimeout)) (agent_tool_timeout; raise it in .choo.yaml if a tool "
                + "such as a test suite runs quietly for longer)"
        default: return describe(outcome)
        }
    }

    /// A duration as a setting is written: `1h30m`, `15m`, `90s` is `1m30s`.
    static func limit(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds == 0 { return "\(duration.components.attoseconds / 1_000_000_000_000_000)ms" }
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }

    /// `12.3 s`.
    static func seconds(_ duration: Duration) -> String { String(format: "%.1f s", interval(duration)) }

    /// `duration` the way a person writes it: `2 h`, `1 h 30 min`, `5 min`, `0.3 s`.
    static func readable(_ duration: Duration) -> String {
        let seconds = interval(duration)
        guard seconds >= 60 else { return Self.seconds(duration) }
        let minutes = Int(seconds / 60)
        let (hours, rest) = (minutes / 60, minutes % 60)
        if hours == 0 { return "\(minutes) min" }
        return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
    }

    /// `duration` in seconds, as Foundation counts time.
    static func interval(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Glob patterns over repository-relative paths, as baseline checks and `verify.conflict_markers`
/// write them.
enum PathPattern {
    /// Whether `path` matches the glob `pattern`: against the file name when the pattern has no `/`,
    /// else against the whole repository-relative path (`*` does not cross folders).
    static func matches(_ pattern: String, path: String) -> Bool {
        if pattern.contains("/") { return fnmatch(pattern, path, FNM_PATHNAME) == 0 }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(pattern, name, 0) == 0
    }
}
