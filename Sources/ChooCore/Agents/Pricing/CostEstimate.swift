/// What some agent work cost in US dollars, and where the figure comes from.
///
/// Every figure is an estimate: a CLI's own cost is computed from the CLI's price table, not
/// read from a bill, and a subscription is not billed by the token at all.
public struct CostEstimate: Sendable, Hashable {
    /// Where a cost comes from.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// What the CLI itself reported (Claude's `total_cost_usd`).
        case reported
        /// Estimated by choo from the tokens and the price table (``PriceTable``).
        case table
    }

    /// The cost in US dollars.
    public var usd: Double
    /// Where ``usd`` comes from.
    public var source: Source

    /// Creates a cost.
    public init(usd: Double, source: Source) {
        self.usd = usd
        self.source = source
    }

    /// Both costs added; the sum is ``Source/reported`` only when both are, since any part priced
    /// from the table makes the whole a table estimate.
    public static func + (lhs: CostEstimate, rhs: CostEstimate) -> CostEstimate {
        CostEstimate(
            usd: lhs.usd + rhs.usd,
            source: lhs.source == .reported && rhs.source == .reported ? .reported : .table
        )
    }
}
