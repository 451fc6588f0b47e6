import Foundation

/// Whether an agent invocation ended at its provider's usage limit, and when the limit resets.
///
/// Structured signals first: Claude's `rate_limit_event` with status `rejected` (and its
/// `resetsAt`), or a result that is an API error with status 429 saying so. The known limit texts
/// count only when the turn did essentially nothing (no tool call, no turn, no cost), so an agent
/// that quotes the text while it works is not taken for a limit; for Codex, whose stream has no
/// structured signal, the terminal failure's text decides, with its reset time read as local time.
enum UsageLimitDetector {
    /// A usage limit that ended an invocation.
    struct Hit: Sendable, Hashable {
        /// When the limit resets, when known.
        var resetsAt: Date?
        /// Which limit (`five_hour`, ...), when known.
        var window: String?
        /// What the CLI said, in a line.
        var message: String?
    }

    /// The limit that ended an invocation whose stream said `summary` and whose process ended
    /// with `outcome`, read at `now` in `timeZone`; `nil` when it did not end at a limit.
    static func hit(
        summary: AgentStreamReader.Summary,
        outcome: ProcessOutcome,
        now: Date,
        timeZone: TimeZone = .current
    ) -> Hit? {
        // A turn stopped by choo (time limits, Ctrl-C) did not end at a limit, whatever it printed.
        guard outcome.stoppedBecause == nil else { return nil }
        let result = summary.result
        let failed = !outcome.succeeded || (result?.isError ?? false)
        guard failed else { return nil }
        let message = result?.message.map(firstLine)
        if let rejection = summary.rejection {
            let text = result?.message.flatMap { UsageLimitText.match(in: $0, now: now, timeZone: timeZone) }
            return Hit(resetsAt: rejection.resetsAt ?? text?.resetsAt, window: rejection.window, message: message)
        }
        // Claude's `blocking_limit` is the prompt-token limit, not the subscription's: not a pause.
        if result?.reason == "blocking_limit" { return nil }
        let didNothing =
            summary.toolCalls == 0 && (result?.turns ?? 0) <= 1 && (result?.costUSD ?? 0) == 0
        if let result, let text = result.message, result.isError,
            result.apiStatus == 429 || result.kind == "turn.failed" || didNothing,
            let match = UsageLimitText.match(in: text, now: now, timeZone: timeZone)
        {
            return Hit(resetsAt: match.resetsAt, message: message)
        }
        // Text mode, or a stream that ended without a result: the output, only when nothing at all
        // was done and little was said (a limit message is a line or two, an agent's work is not).
        guard result == nil, didNothing, outcome.output.utf8.count + outcome.errorOutput.utf8.count < 4096 else {
            return nil
        }
        let tail = String((outcome.output + "\n" + outcome.errorOutput).suffix(4096))
        guard let match = UsageLimitText.match(in: tail, now: now, timeZone: timeZone) else { return nil }
        let line = tail.split(separator: "\n").last { UsageLimitText.match(in: String($0), now: now) != nil }
        return Hit(resetsAt: match.resetsAt, message: line.map { firstLine(String($0)) })
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }
}
