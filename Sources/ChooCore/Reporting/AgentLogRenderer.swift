import Foundation

/// An agent log (``AgentLogFile``) made readable, for `choo logs`: a line saying whose turn it was,
/// the prompt's first lines, then what the agent did. A stream format's lines go through its
/// decoder (``ClaudeStreamDecoder``, ``CodexJSONLDecoder``) and show as tool calls (`▸ Edit
/// Sources/Greeter.swift`, `✗ Bash swift test failed`), the agent's text, API retries, usage limits
/// with their reset, and the result (turns, duration, tokens by kind, cost); lines that are not
/// the CLI's JSON show as they are. Plain text output shows as it is. Last comes how the
/// invocation ended.
///
/// It renders as the file grows: ``append(_:)`` gives the lines for what the bytes so far complete,
/// ``finish()`` the rest, so `--follow` prints the same as reading the finished file.
public struct AgentLogRenderer: Sendable {
    /// How many lines of the prompt are shown.
    public var promptLines: Int
    /// The zone reset times are shown in.
    public var timeZone: TimeZone

    private var reader = AgentLogFile.Reader()
    private var decoder: (any AgentStreamDecoder)?
    private var tools: [String: String] = [:]
    private var ended = false

    /// The longest line shown of a line that is not the CLI's JSON, in characters.
    static let longestUnreadable = 2000

    /// A renderer at the start of a log.
    public init(promptLines: Int = 12, timeZone: TimeZone = .current) {
        self.promptLines = promptLines
        self.timeZone = timeZone
    }

    /// The whole log in `bytes`, rendered.
    public static func render(
        _ bytes: some Collection<UInt8>,
        promptLines: Int = 12,
        timeZone: TimeZone = .current
    ) -> [String] {
        var renderer = AgentLogRenderer(promptLines: promptLines, timeZone: timeZone)
        return renderer.append(bytes) + renderer.finish()
    }

    /// The lines that `bytes`, appended to the log read so far, complete.
    public mutating func append(_ bytes: some Collection<UInt8>) -> [String] {
        reader.append(bytes).flatMap { render($0) }
    }

    /// The rest, once the log has ended (or stopped growing): its last pieces, and a note when
    /// it has no exit section.
    public mutating func finish() -> [String] {
        var lines = reader.finish().flatMap { render($0) }
        if !ended {
            lines += ["", "(no exit yet: the invocation is still running, or choo stopped before it ended)"]
        }
        return lines
    }

    /// The lines for one piece of the log.
    mutating func render(_ piece: AgentLogFile.Piece) -> [String] {
        switch piece {
        case .header(let header):
            switch header.format {
            case .claudeStream: decoder = ClaudeStreamDecoder()
            case .codexJSONL: decoder = CodexJSONLDecoder()
            case .geminiStream, .text: decoder = nil
            }
            return Self.title(header)
        case .prompt(let prompt):
            return self.prompt(prompt) + ["", "## output", ""]
        case .output(.stderr(let line)):
            return ["stderr| " + line]
        case .output(.stdout(let line)):
            guard decoder != nil else { return [line] }
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard trimmed.contains(where: { $0 != " " && $0 != "\t" }) else { return [] }
            return (decoder?.decode(trimmed) ?? []).flatMap { render($0) }
        case .exit(let exit):
            ended = true
            return ["", "## exit", "", exit]
        }
    }

    private static func title(_ header: AgentLogFile.Header) -> [String] {
        var parts = ["unit " + (header.unit ?? "?")]
        if header.turn == nil || header.turn == "task" {
            parts.append("task " + (header.task.map(String.init) ?? "-"))
        } else {
            parts.append("\(header.turn ?? "") turn")
        }
        if let attempt = header.attempt { parts.append("attempt \(attempt)") }
        var provider = header.provider.map { "provider " + $0 } ?? ""
        if header.format != .text { provider += (provider.isEmpty ? "" : " ") + "(\(header.format.rawValue))" }
        if !provider.isEmpty { parts.append(provider) }
        var lines = [parts.joined(separator: ", ")]
        if let session = header.session { lines.append("resumes session \(session)") }
        if let command = header.command { lines.append("command: \(command)") }
        return lines
    }

    private func prompt(_ prompt: String) -> [String] {
        var lines = prompt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let count = lines.count
        let bytes = prompt.utf8.count
        var shown = [
            "", "## prompt (\(bytes) byte\(bytes == 1 ? "" : "s"), \(count) line\(count == 1 ? "" : "s"))", "",
        ]
        shown += lines.prefix(promptLines)
        if count > promptLines {
            let rest = count - promptLines
            shown.append("… \(rest) more line\(rest == 1 ? "" : "s") (`choo logs --raw` shows the whole prompt)")
        }
        return shown
    }

    private mutating func render(_ event: AgentEvent) -> [String] {
        switch event {
        case .sessionStarted(let id, let model):
            return ["session \(id)" + (model.map { " (\($0))" } ?? "")]
        case .toolStarted(let id, let name, let target):
            let label = name + (target.map { " " + Self.oneLine($0) } ?? "")
            tools[id] = label
            return ["▸ " + label]
        case .toolFinished(let id, let failed):
            let label = tools.removeValue(forKey: id) ?? "tool call \(id)"
            return failed ? ["✗ \(label) failed"] : []
        case .text(let text):
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        case .usage:
            return []
        case .apiRetry(let status, let attempt, let delay):
            let details = [
                status.map { "status \($0)" }, attempt.map { "attempt \($0)" }, delay.map { "waiting \($0) ms" },
            ]
            .compactMap { $0 }
            return ["· API retry" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")]
        case .rateLimit(let report):
            guard report.status != "allowed" else { return [] }
            var line = report.rejected ? "· usage limit reached" : "· usage limit: \(report.status)"
            if let window = report.window { line += " (\(window))" }
            if let resetsAt = report.resetsAt { line += ", resets \(time(resetsAt))" }
            return [line]
        case .result(let result):
            return Self.result(result)
        case .unreadable(let line):
            guard line.count > Self.longestUnreadable else { return [line] }
            return [String(line.prefix(Self.longestUnreadable)) + "… (\(line.utf8.count) bytes in all)"]
        }
    }

    private static func result(_ result: AgentResult) -> [String] {
        var parts = [result.isError ? "error" : "success"]
        if let kind = result.kind, kind != parts[0] { parts[0] += " (\(kind))" }
        if let reason = result.reason, reason != "completed" { parts.append(reason) }
        if let status = result.apiStatus { parts.append("HTTP \(status)") }
        if let turns = result.turns { parts.append("\(turns) turn\(turns == 1 ? "" : "s")") }
        if let milliseconds = result.durationMilliseconds {
            parts.append(String(format: "%.1f s", Double(milliseconds) / 1000))
        }
        if let usage = result.usage {
            parts.append(
                "tokens: \(usage.input) input, \(usage.output) output, \(usage.cacheRead) cache read, "
                    + "\(usage.cacheWrite) cache write"
            )
        }
        if let cost = result.costUSD { parts.append(String(format: "$%.4f reported", cost)) }
        var lines = ["= result: " + parts.joined(separator: ", ")]
        if result.isError, let message = result.message, !message.isEmpty {
            lines += message.split(separator: "\n").map { "  " + $0 }
        }
        return lines
    }

    private static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let cut = first.count > 200 ? String(first.prefix(200)) + "…" : first
        return cut + (first.count < text.trimmingCharacters(in: .newlines).count ? " …" : "")
    }

    private func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " (\(timeZone.identifier))"
    }
}
