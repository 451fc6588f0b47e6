import Foundation

/// Model prices in US dollars per million tokens, to estimate what a CLI that reports no cost spent.
///
/// Start from ``shipped`` (dated, with a source per entry) and layer `.choo.yaml`'s `prices:` on top
/// with ``merging(_:)``. A model is found by its id, or by the id without a date suffix
/// (`claude-opus-4-5-20251101` finds `claude-opus-4-5`); a provider whose model is not known is
/// found by the provider's name, which only `prices:` can give.
public struct PriceTable: Sendable {
    /// One model's prices and where they come from.
    public struct Entry: Sendable, Equatable {
        /// The prices; `nil` for a kind of token whose price is not known.
        public var price: ChooConfig.ModelPrice
        /// The day the price was read from ``source`` (`YYYY-MM-DD`); `nil` for a price from `.choo.yaml`.
        public var asOf: String?
        /// Where the price comes from: the page it was read on, or `.choo.yaml`.
        public var source: String

        /// Creates an entry.
        public init(price: ChooConfig.ModelPrice, asOf: String?, source: String) {
            self.price = price
            self.asOf = asOf
            self.source = source
        }
    }

    /// Why a price table's JSON cannot be read.
    public struct ReadError: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The source of an entry that `.choo.yaml` set or changed.
    public static let configSource = ".choo.yaml"

    /// The table's date: the day its prices were last checked (`YYYY-MM-DD`).
    public var asOf: String
    /// The entries, by model id (or provider name, for entries from `.choo.yaml`).
    public var entries: [String: Entry]

    /// Creates a table.
    public init(asOf: String, entries: [String: Entry]) {
        self.asOf = asOf
        self.entries = entries
    }

    /// Reads a table from JSON shaped like the shipped one: `as_of` and `models`, each model with
    /// `input`, `output`, `cache_read`, `cache_write` (any may be missing), `as_of` and `source`.
    public init(json: String) throws(ReadError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(json.utf8))
        } catch {
            throw ReadError(description: "the price table is not valid: \(error)")
        }
        self.init(
            asOf: file.asOf,
            entries: file.models.mapValues { model in
                Entry(
                    price: ChooConfig.ModelPrice(
                        input: model.input,
                        output: model.output,
                        cacheRead: model.cacheRead,
                        cacheWrite: model.cacheWrite
                    ),
                    asOf: model.asOf,
                    source: model.source
                )
            }
        )
    }

    /// The price of `model` (a model id as the CLI reports it), else of `provider` by name, with
    /// the key of the entry that gave it; `nil` when neither is known.
    ///
    /// The entry is the model's own, or else the longest key that is the model id without a date
    /// suffix (`-20251101`, `-2025-08-07`, `@20251101`); nothing else counts, so `claude-opus-4`
    /// never prices `claude-opus-4-5`.
    public func price(forModel model: String?, provider: String) -> (price: ChooConfig.ModelPrice, key: String)? {
        if let model, let key = key(forModel: model), let entry = entries[key] { return (entry.price, key) }
        if let entry = entries[provider] { return (entry.price, provider) }
        return nil
    }

    /// This table with `overrides` (`.choo.yaml`'s `prices:`) on top: a price given there wins, a
    /// price not given keeps the table's, and a new key adds an entry.
    ///
    /// An override keyed by a model id also changes the entries for that id with a date suffix,
    /// so `claude-opus-4-5` in `.choo.yaml` prices `claude-opus-4-5-20251101` too.
    public func merging(_ overrides: [String: ChooConfig.ModelPrice]) -> PriceTable {
        var merged = self
        for (key, override) in overrides {
            let targets = [key] + entries.keys.filter { $0 != key && Self.isDated($0, variantOf: key) }
            for target in targets {
                let base = merged.entries[target]?.price ?? ChooConfig.ModelPrice()
                let price = ChooConfig.ModelPrice(
                    input: override.input ?? base.input,
                    output: override.output ?? base.output,
                    cacheRead: override.cacheRead ?? base.cacheRead,
                    cacheWrite: override.cacheWrite ?? base.cacheWrite
                )
                merged.entries[target] = Entry(price: price, asOf: nil, source: Self.configSource)
            }
        }
        return merged
    }

    /// What `usage` cost at the price of `model` (or `provider`), as a ``CostEstimate/Source/table``
    /// estimate; `nil` when the model has no price, or when a kind of token that was used has none
    /// (an unknown cost, rather than a cost that silently leaves those tokens out).
    public func cost(of usage: TokenUsage, model: String?, provider: String) -> CostEstimate? {
        guard let price = price(forModel: model, provider: provider)?.price else { return nil }
        let parts: [(tokens: Int, perMillion: Double?)] = [
            (usage.input, price.input),
            (usage.output, price.output),
            (usage.cacheRead, price.cacheRead),
            (usage.cacheWrite, price.cacheWrite),
        ]
        var total = 0.0
        for part in parts where part.tokens != 0 {
            guard let perMillion = part.perMillion else { return nil }
            total += Double(part.tokens) * perMillion
        }
        return CostEstimate(usd: total / 1_000_000, source: .table)
    }

    // MARK: - Matching

    /// The key of the entry for `model`: its own, or the longest key it is a dated variant of.
    private func key(forModel model: String) -> String? {
        if entries[model] != nil { return model }
        let id = model.lowercased()
        if let key = entries.keys.first(where: { $0.lowercased() == id }) { return key }
        return entries.keys.filter { Self.isDated(id, variantOf: $0.lowercased()) }.max { $0.count < $1.count }
    }

    /// Whether `model` is `key` followed by a date: `-YYYYMMDD`, `-YYYY-MM-DD` or `@YYYYMMDD`.
    static func isDated(_ model: String, variantOf key: String) -> Bool {
        guard !key.isEmpty, model.count > key.count, model.hasPrefix(key) else { return false }
        let rest = Array(model.dropFirst(key.count))
        guard let separator = rest.first, separator == "-" || separator == "@" else { return false }
        let date = rest.dropFirst()
        let digits = date.filter(\.isASCII).filter(\.isNumber)
        switch date.count {
        case 8: return digits.count == 8
        case 10:
            return separator == "-" && digits.count == 8 && date[date.startIndex + 4] == "-"
                && date[date.startIndex + 7] == "-"
        default: return false
        }
    }

    // MARK: - JSON

    /// The JSON file's shape.
    private struct File: Decodable {
        var asOf: String
        var models: [String: Model]

        enum CodingKeys: String, CodingKey {
            case asOf = "as_of"
            case models
        }
    }

    /// One model in the JSON file.
    private struct Model: Decodable {
        var input: Double?
        var output: Double?
        var cacheRead: Double?
        var cacheWrite: Double?
        var asOf: String
        var source: String

        enum CodingKeys: String, CodingKey {
            case input, output, source
            case cacheRead = "cache_read"
            case cacheWrite = "cache_write"
            case asOf = "as_of"
        }
    }
}
