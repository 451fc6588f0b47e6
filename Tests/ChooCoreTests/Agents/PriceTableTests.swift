import Testing

@testable import ChooCore

/// The price table: the shipped prices, looking a model up, overrides from `.choo.yaml`, and costs.
struct PriceTableTests {
    /// A small table with round prices, so costs are easy to check by hand.
    static let table = PriceTable(
        asOf: "2026-01-01",
        entries: [
            "model-a": .init(
                price: .init(input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5),
                asOf: "2026-01-01",
                source: "test"
            ),
            "model-a-mini": .init(price: .init(input: 1, output: 5), asOf: "2026-01-01", source: "test"),
            "model": .init(price: .init(input: 100, output: 100), asOf: "2026-01-01", source: "test"),
        ]
    )

    @Test("the shipped table parses, is dated, and every entry has a date, a source and a price")
    func shippedTableParses() throws {
        let table = try PriceTable(json: PriceTable.shippedJSON)
        #expect(!table.entries.isEmpty)
        #expect(table.asOf.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil)
        #expect(PriceTable.shipped.asOf == table.asOf)
        #expect(PriceTable.shipped.entries == table.entries)
        for (key, entry) in table.entries {
            #expect(entry.asOf?.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, "\(key) has no date")
            #expect(entry.source.hasPrefix("https://"), "\(key) has no source")
            #expect(entry.price != ChooConfig.ModelPrice(), "\(key) has no price")
            let prices = [entry.price.input, entry.price.output, entry.price.cacheRead, entry.price.cacheWrite]
            #expect(prices.allSatisfy { ($0 ?? 0) >= 0 }, "\(key) has a negative price")
        }
    }

    @Test("the shipped table prices Claude Opus 4.5 as its page says, under the alias and the dated id")
    func shippedOpus() throws {
        let usage = TokenUsage(input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000, cacheWrite: 1_000_000)
        for model in ["claude-opus-4-5", "claude-opus-4-5-20251101"] {
            let price = try #require(PriceTable.shipped.price(forModel: model, provider: "claude"))
            #expect(price.key == "claude-opus-4-5")
            #expect(price.price == ChooConfig.ModelPrice(input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25))
            #expect(
                PriceTable.shipped.cost(of: usage, model: model, provider: "claude")
                    == .init(usd: 36.75, source: .table)
            )
        }
    }

    @Test("a malformed table is an error, not an empty table")
    func malformedTable() {
        #expect(throws: PriceTable.ReadError.self) { try PriceTable(json: "{\"models\": {}}") }
        #expect(throws: PriceTable.ReadError.self) {
            try PriceTable(json: "{\"as_of\": \"2026-01-01\", \"models\": {\"m\": {\"input\": 1}}}")
        }
    }

    @Test("cost is the tokens of each kind times their price, per million")
    func arithmetic() throws {
        let usage = TokenUsage(input: 1_000, output: 2_000, cacheRead: 300_000, cacheWrite: 40_000)
        let cost = try #require(Self.table.cost(of: usage, model: "model-a", provider: "claude"))
        // 1,000·2 + 2,000·10 + 300,000·0.2 + 40,000·2.5 = 2,000 + 20,000 + 60,000 + 100,000 = 182,000 per million.
        #expect(abs(cost.usd - 0.182) < 1e-12)
        #expect(cost.source == .table)
        #expect(
            Self.table.cost(of: TokenUsage(), model: "model-a", provider: "claude") == .init(usd: 0, source: .table)
        )
    }

    @Test("an unknown model, or no model, with no entry for the provider has no price and no cost")
    func unknownModel() {
        #expect(Self.table.price(forModel: "model-b", provider: "codex") == nil)
        #expect(Self.table.price(forModel: nil, provider: "codex") == nil)
        #expect(Self.table.cost(of: TokenUsage(input: 10), model: "model-b", provider: "codex") == nil)
        #expect(PriceTable.shipped.cost(of: TokenUsage(input: 10), model: "gpt-1", provider: "codex") == nil)
    }

    @Test("a kind of token that was used and has no price makes the cost unknown; an unused one does not")
    func kindWithoutPrice() throws {
        #expect(Self.table.cost(of: TokenUsage(input: 10, cacheRead: 1), model: "model-a-mini", provider: "p") == nil)
        let cost = try #require(
            Self.table.cost(of: TokenUsage(input: 1_000_000, output: 1_000_000), model: "model-a-mini", provider: "p")
        )
        #expect(cost == .init(usd: 6, source: .table))
    }

    @Test(
        "a dated model id finds the entry without its date; nothing else counts as a prefix",
        arguments: [
            ("model-a-20251101", "model-a"),
            ("model-a-2025-11-01", "model-a"),
            ("model-a@20251101", "model-a"),
            ("model-a-mini-20250101", "model-a-mini"),
            ("MODEL-A", "model-a"),
            ("model-a-mini", "model-a-mini"),
        ]
    )
    func prefixMatching(model: String, key: String) {
        #expect(Self.table.price(forModel: model, provider: "p")?.key == key)
    }

    @Test(
        "an id that only starts with a key is not that key's model",
        arguments: [
            "model-a-max", "model-a-2", "model-a-202511", "model-a-2025-1101", "model-a@2025-11-01", "model-", "mode",
        ]
    )
    func notAPrefixMatch(model: String) {
        #expect(Self.table.price(forModel: model, provider: "p") == nil)
    }

    @Test("the longest key a dated id belongs to wins")
    func longestKeyWins() {
        let table = PriceTable(
            asOf: "2026-01-01",
            entries: [
                "m-1": .init(price: .init(input: 1), asOf: nil, source: "test"),
                "m-1-20250101": .init(price: .init(input: 2), asOf: nil, source: "test"),
            ]
        )
        #expect(table.price(forModel: "m-1-20250101", provider: "p")?.key == "m-1-20250101")
        #expect(table.price(forModel: "m-1-20260101", provider: "p")?.key == "m-1")
    }

    @Test("an override by model id changes the prices it gives, keeps the rest, and reaches the dated ids")
    func overrideByModel() throws {
        let merged = PriceTable.shipped.merging(["claude-opus-4-5": ChooConfig.ModelPrice(cacheWrite: 10)])
        for model in ["claude-opus-4-5", "claude-opus-4-5-20251101", "claude-opus-4-5-20990101"] {
            let price = try #require(merged.price(forModel: model, provider: "claude")).price
            #expect(price == ChooConfig.ModelPrice(input: 5, output: 25, cacheRead: 0.5, cacheWrite: 10), "\(model)")
        }
        #expect(merged.entries["claude-opus-4-5"]?.source == PriceTable.configSource)
        #expect(merged.entries["claude-opus-4-5"]?.asOf == nil)
        #expect(merged.entries["claude-opus-4-6"] == PriceTable.shipped.entries["claude-opus-4-6"])
        #expect(merged.asOf == PriceTable.shipped.asOf)
    }

    @Test("an override adds a model the table does not know")
    func overrideAddsModel() throws {
        let merged = Self.table.merging(["model-b": ChooConfig.ModelPrice(input: 3, output: 4)])
        let cost = try #require(
            merged.cost(of: TokenUsage(input: 1_000_000, output: 1_000_000), model: "model-b-20260101", provider: "p")
        )
        #expect(cost == .init(usd: 7, source: .table))
    }

    @Test("an override keyed by provider name prices that provider's work when its model is not known")
    func overrideByProvider() throws {
        let merged = Self.table.merging(["gemini": ChooConfig.ModelPrice(input: 1, output: 2)])
        let usage = TokenUsage(input: 1_000_000, output: 1_000_000)
        let unnamed = try #require(merged.price(forModel: nil, provider: "gemini"))
        #expect(unnamed.key == "gemini")
        #expect(merged.cost(of: usage, model: "gemini-9", provider: "gemini") == .init(usd: 3, source: .table))
        // A model the table knows keeps its own price.
        #expect(merged.price(forModel: "model-a", provider: "gemini")?.key == "model-a")
        #expect(merged.price(forModel: nil, provider: "codex") == nil)
    }

    @Test("costs add up, and a sum with any table estimate in it is a table estimate")
    func addingCosts() {
        let reported = CostEstimate(usd: 1.5, source: .reported)
        let table = CostEstimate(usd: 0.25, source: .table)
        #expect(reported + reported == CostEstimate(usd: 3, source: .reported))
        #expect(reported + table == CostEstimate(usd: 1.75, source: .table))
        #expect(table + reported == CostEstimate(usd: 1.75, source: .table))
    }
}
