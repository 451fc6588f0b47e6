extension ChooConfig {
    /// `budget`: what a run, and each unit in it, may spend on agents before choo stops starting
    /// turns. Counts what this run spent; `nil` means no cap.
    public struct BudgetSettings: Sendable, Equatable {
        /// `budget.max_cost_usd`: the run's cap in US dollars.
        public var maxCostUSD: Double?
        /// `budget.max_tokens`: the run's cap in tokens of every kind.
        public var maxTokens: Int?
        /// `budget.per_unit.max_cost_usd`: each unit's cap in US dollars.
        public var unitMaxCostUSD: Double?
        /// `budget.per_unit.max_tokens`: each unit's cap in tokens of every kind.
        public var unitMaxTokens: Int?

        /// Creates budget settings; no caps by default.
        public init(
            maxCostUSD: Double? = nil,
            maxTokens: Int? = nil,
            unitMaxCostUSD: Double? = nil,
            unitMaxTokens: Int? = nil
        ) {
            self.maxCostUSD = maxCostUSD
            self.maxTokens = maxTokens
            self.unitMaxCostUSD = unitMaxCostUSD
            self.unitMaxTokens = unitMaxTokens
        }
    }

    /// `limits`: how choo waits out a provider's usage limit.
    public struct LimitSettings: Sendable, Equatable {
        /// `limits.default_wait`: how long to wait when the limit gives no reset time.
        public var defaultWait: Duration
        /// `limits.max_wait`: the longest wait choo sits out; a longer one stops the run gracefully.
        public var maxWait: Duration
        /// `limits.jitter`: the most added to a reset time, so units do not all start at once.
        public var jitter: Duration

        /// Creates limit settings with choo's defaults: 30m, 12h and 1m.
        public init(
            defaultWait: Duration = .seconds(30 * 60),
            maxWait: Duration = .seconds(12 * 3600),
            jitter: Duration = .seconds(60)
        ) {
            self.defaultWait = defaultWait
            self.maxWait = maxWait
            self.jitter = jitter
        }
    }

    /// One model's prices in US dollars per million tokens; `nil` where unknown.
    public struct ModelPrice: Sendable, Equatable {
        public var input: Double?
        public var output: Double?
        public var cacheRead: Double?
        public var cacheWrite: Double?

        /// Creates a price.
        public init(input: Double? = nil, output: Double? = nil, cacheRead: Double? = nil, cacheWrite: Double? = nil) {
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
        }
    }
}
