import Foundation

extension Event {
    /// `agent.session`: the agent's conversation has an id (a retry can continue it).
    public struct AgentSession: Sendable, Hashable, Codable {
        /// The provider.
        public var provider: String
        /// The conversation's id as the CLI reported it (Claude gives a resumed one a new id).
        public var session: String
        /// Whether the invocation continued an earlier conversation.
        public var resumed: Bool
        /// The model, when the CLI says.
        public var model: String?

        /// Creates the details.
        public init(provider: String, session: String, resumed: Bool, model: String? = nil) {
            self.provider = provider
            self.session = session
            self.resumed = resumed
            self.model = model
        }
    }

    /// `agent.tool`: the agent started a tool call: its name and what it works on.
    public struct AgentTool: Sendable, Hashable, Codable {
        /// The tool: `Edit`, `Bash`, `command_execution`, ...
        public var tool: String
        /// The file path, command or pattern it works on, when known.
        public var target: String?

        /// Creates the details.
        public init(tool: String, target: String? = nil) {
            self.tool = tool
            self.target = target
        }

        /// `Edit Sources/Greeter.swift`: the tool and its target, as a person reads it.
        public var summary: String {
            guard let target, !target.isEmpty else { return tool }
            let line = target.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            return tool + " " + (line.count > 120 ? String(line.prefix(119)) + "…" : line)
        }
    }

    /// `agent.usage`: the tokens (and cost) of one agent invocation so far; `final` once it ended.
    public struct AgentUsage: Sendable, Hashable, Codable {
        public var inputTokens: Int
        public var outputTokens: Int
        public var cacheReadTokens: Int
        public var cacheWriteTokens: Int
        /// The cost in US dollars, when known.
        public var costUSD: Double?
        /// Where the cost comes from: `reported` (the CLI's own figure) or `table` (choo's price
        /// table, an estimate); `nil` when the cost is unknown.
        public var costSource: String?
        /// Whether the invocation has ended: these are its totals.
        public var final: Bool
        /// The model the cost was priced for, when known.
        public var model: String?
        /// The turns the agent took, when the CLI says.
        public var turns: Int?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cacheReadTokens = "cache_read_tokens"
            case cacheWriteTokens = "cache_write_tokens"
            case costUSD = "cost_usd"
            case costSource = "cost_source"
            case final
            case model
            case turns
        }

        /// Creates the details.
        public init(
            usage: TokenUsage,
            costUSD: Double? = nil,
            costSource: String? = nil,
            final: Bool,
            model: String? = nil,
            turns: Int? = nil
        ) {
            self.inputTokens = usage.input
            self.outputTokens = usage.output
            self.cacheReadTokens = usage.cacheRead
            self.cacheWriteTokens = usage.cacheWrite
            self.costUSD = costUSD
            self.costSource = costSource
            self.final = final
            self.model = model
            self.turns = turns
        }

        /// The tokens by kind.
        public var usage: TokenUsage {
            TokenUsage(
                input: inputTokens,
                output: outputTokens,
                cacheRead: cacheReadTokens,
                cacheWrite: cacheWriteTokens
            )
        }
    }

    /// `agent.retry`: the agent's CLI is retrying an API call itself (overload, a transient error).
    public struct AgentRetry: Sendable, Hashable, Codable {
        /// The HTTP status it got (429, 529, ...), when it says.
        public var status: Int?
        /// Which try this is.
        public var attempt: Int?
        /// How long it waits before it, in milliseconds.
        public var delayMilliseconds: Int?

        enum CodingKeys: String, CodingKey {
            case status
            case attempt
            case delayMilliseconds = "delay_ms"
        }

        /// Creates the details.
        public init(status: Int?, attempt: Int?, delayMilliseconds: Int?) {
            self.status = status
            self.attempt = attempt
            self.delayMilliseconds = delayMilliseconds
        }
    }

    /// `agent.limit`: a provider's usage limit was reached; every unit using it waits until `until`.
    public struct AgentLimit: Sendable, Hashable, Codable {
        /// The provider.
        public var provider: String
        /// When its units go on (the reset plus jitter, or the default wait).
        public var until: Timestamp
        /// Whether the CLI said when the limit resets (otherwise `until` is `limits.default_wait`).
        public var resetKnown: Bool
        /// Which limit (`five_hour`, `seven_day`, ...), when known.
        public var window: String?
        /// What the CLI said.
        public var message: String?

        enum CodingKeys: String, CodingKey {
            case provider
            case until
            case resetKnown = "reset_known"
            case window
            case message
        }

        /// Creates the details.
        public init(provider: String, until: Timestamp, resetKnown: Bool, window: String? = nil, message: String? = nil)
        {
            self.provider = provider
            self.until = until
            self.resetKnown = resetKnown
            self.window = window
            self.message = message
        }
    }

    /// `agent.limit.over`: a provider's units go on after its usage limit.
    public struct AgentLimitOver: Sendable, Hashable, Codable {
        /// The provider.
        public var provider: String

        /// Creates the details.
        public init(provider: String) {
            self.provider = provider
        }
    }

    /// `run.budget.reached`: a budget was reached; the run starts no new agent turn and stops.
    public struct BudgetReached: Sendable, Hashable, Codable {
        /// The setting: `budget.max_cost_usd`, `budget.per_unit.max_tokens`, ...
        public var budget: String
        /// Its value.
        public var limit: Double
        /// What was spent when it was reached (dollars or tokens, as the setting counts).
        public var spent: Double

        /// Creates the details.
        public init(budget: String, limit: Double, spent: Double) {
            self.budget = budget
            self.limit = limit
            self.spent = spent
        }
    }
}
