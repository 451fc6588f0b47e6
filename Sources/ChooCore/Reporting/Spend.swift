import Foundation

/// What agents spent: tokens by kind and dollars, for one invocation, a task, a unit or a run.
///
/// Dollars are the CLIs' own figures where they report one (Claude) and choo's price table's
/// otherwise; ``estimated`` says the table was used, ``unpriced`` counts invocations whose cost is
/// not known at all (a model the table lacks), so a sum never hides that it is incomplete.
public struct Spend: Sendable, Hashable, Codable {
    /// Tokens by kind.
    public var tokens = TokenUsage()
    /// US dollars, of the invocations whose cost is known.
    public var costUSD: Double = 0
    /// Whether some of ``costUSD`` comes from choo's price table rather than the CLI.
    public var estimated = false
    /// How many invocations used tokens without a known cost.
    public var unpriced = 0

    /// Nothing spent.
    public init() {}

    /// One invocation's spend, from its usage event.
    public init(_ usage: Event.AgentUsage) {
        tokens = usage.usage
        if let cost = usage.costUSD {
            costUSD = cost
            estimated = usage.costSource == CostSource.table.rawValue
        } else if tokens.total > 0 {
            unpriced = 1
        }
    }

    /// Where a cost comes from.
    public enum CostSource: String, Sendable, Hashable {
        /// The CLI reported it (Claude's `total_cost_usd`, itself an estimate of the CLI's).
        case reported
        /// choo's price table: tokens times prices.
        case table
    }

    /// Whether nothing was spent.
    public var isEmpty: Bool { tokens.total == 0 && costUSD == 0 && unpriced == 0 }

    /// Both added.
    public static func + (lhs: Spend, rhs: Spend) -> Spend {
        var sum = lhs
        sum.tokens = lhs.tokens + rhs.tokens
        sum.costUSD += rhs.costUSD
        sum.estimated = lhs.estimated || rhs.estimated
        sum.unpriced += rhs.unpriced
        return sum
    }

    /// `1.2M tokens, $3.40` (with `~` before an estimated cost, and `+?` when some is unknown).
    public var summary: String {
        var text = Self.tokens(tokens.total) + " tokens"
        if costUSD > 0 || unpriced == 0 {
            text += ", " + (estimated ? "~" : "") + Self.dollars(costUSD)
        }
        if unpriced > 0 { text += costUSD > 0 ? " + unknown" : ", cost unknown" }
        return text
    }

    /// `950`, `12.3k`, `1.2M`.
    public static func tokens(_ count: Int) -> String {
        switch count {
        case ..<1000: "\(count)"
        case ..<1_000_000: String(format: "%.1fk", Double(count) / 1000)
        default: String(format: "%.1fM", Double(count) / 1_000_000)
        }
    }

    /// `$0.42`, `$12.30`, `$0.0031`.
    public static func dollars(_ amount: Double) -> String {
        amount > 0 && amount < 0.01 ? String(format: "$%.4f", amount) : String(format: "$%.2f", amount)
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheReadTokens = "cache_read_tokens"
        case cacheWriteTokens = "cache_write_tokens"
        case costUSD = "cost_usd"
        case estimated
        case unpriced
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokens.input, forKey: .inputTokens)
        try container.encode(tokens.output, forKey: .outputTokens)
        try container.encode(tokens.cacheRead, forKey: .cacheReadTokens)
        try container.encode(tokens.cacheWrite, forKey: .cacheWriteTokens)
        try container.encode(costUSD, forKey: .costUSD)
        try container.encode(estimated, forKey: .estimated)
        try container.encode(unpriced, forKey: .unpriced)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokens = TokenUsage(
            input: try container.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0,
            output: try container.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0,
            cacheRead: try container.decodeIfPresent(Int.self, forKey: .cacheReadTokens) ?? 0,
            cacheWrite: try container.decodeIfPresent(Int.self, forKey: .cacheWriteTokens) ?? 0
        )
        costUSD = try container.decodeIfPresent(Double.self, forKey: .costUSD) ?? 0
        estimated = try container.decodeIfPresent(Bool.self, forKey: .estimated) ?? false
        unpriced = try container.decodeIfPresent(Int.self, forKey: .unpriced) ?? 0
    }
}
