import Foundation

/// What an agent CLI reports while it works, in one shape whatever CLI printed it: the typed stream
/// the provider decoders (``ClaudeStreamDecoder``, ``CodexJSONLDecoder``) make from the CLI's lines.
public enum AgentEvent: Sendable, Hashable {
    /// The agent's conversation started (or resumed, under a new id): what a retry resumes.
    case sessionStarted(id: String, model: String?)
    /// A tool call started: its name and what it works on (a file path, a command, a pattern).
    case toolStarted(id: String, name: String, target: String?)
    /// A tool call ended.
    case toolFinished(id: String, failed: Bool)
    /// Text the agent wrote (its messages, not tool output).
    case text(String)
    /// The invocation's tokens so far (totals, not a delta), and its cost when the CLI reports one.
    case usage(TokenUsage)
    /// The CLI is retrying an API call itself (overload, a transient error): life, not a failure.
    case apiRetry(status: Int?, attempt: Int?, delayMilliseconds: Int?)
    /// The CLI's report on the subscription's usage limits.
    case rateLimit(RateLimitReport)
    /// The invocation's end as the CLI reports it.
    case result(AgentResult)
    /// A line that is not the CLI's JSON (a banner, a fragment): kept in the log, skipped here.
    case unreadable(String)
}

/// Tokens by kind. `input` excludes cache reads and writes, whatever the CLI counts.
public struct TokenUsage: Sendable, Hashable {
    public var input = 0
    public var output = 0
    public var cacheRead = 0
    public var cacheWrite = 0

    /// Creates a count.
    public init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// Every token of every kind.
    public var total: Int { input + output + cacheRead + cacheWrite }

    /// Both counts added.
    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            input: lhs.input + rhs.input,
            output: lhs.output + rhs.output,
            cacheRead: lhs.cacheRead + rhs.cacheRead,
            cacheWrite: lhs.cacheWrite + rhs.cacheWrite
        )
    }
}

/// A usage-limit report: whether the account may go on, and when its window resets.
public struct RateLimitReport: Sendable, Hashable {
    /// The CLI's status: `allowed`, `allowed_warning`, `rejected`, ...; only `rejected` blocks.
    public var status: String
    /// When the limit resets, if the CLI says.
    public var resetsAt: Date?
    /// Which limit: `five_hour`, `seven_day`, ...
    public var window: String?

    /// Whether the account is blocked until ``resetsAt``.
    public var rejected: Bool { status == "rejected" }
}

/// How an agent invocation ended, as its CLI reports it.
public struct AgentResult: Sendable, Hashable {
    /// Whether the CLI reports an error (its `subtype` alone does not say).
    public var isError: Bool
    /// The CLI's own kind of ending (`success`, `error_max_turns`, `turn.failed`, ...).
    public var kind: String?
    /// Why it ended (`completed`, `max_turns`, `api_error`, ...), when the CLI says.
    public var reason: String?
    /// The HTTP status of an API error (429, 529, 401, ...).
    public var apiStatus: Int?
    /// The final message or error text.
    public var message: String?
    /// Turns the agent took.
    public var turns: Int?
    /// How long the CLI says it ran, in milliseconds.
    public var durationMilliseconds: Int?
    /// The cost the CLI reports in US dollars (an estimate of the CLI's own).
    public var costUSD: Double?
    /// The invocation's tokens as the CLI totals them.
    public var usage: TokenUsage?
    /// The conversation's id at the end.
    public var sessionID: String?
}

/// Turns one CLI's output lines into ``AgentEvent``s. Decoders keep what they need across lines
/// (a message's usage seen before, a thread's totals) and never fail: what they cannot read
/// becomes ``AgentEvent/unreadable(_:)`` or is ignored when it is a kind they do not know.
public protocol AgentStreamDecoder: Sendable {
    /// The events in `line` (one line of output without its line break).
    mutating func decode(_ line: String) -> [AgentEvent]
}
