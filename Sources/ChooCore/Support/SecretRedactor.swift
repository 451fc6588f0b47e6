import Foundation

/// Takes secrets out of text before choo keeps it (agent logs, events): the values of the
/// environment's secret-looking variables (`*_TOKEN`, `*_KEY`, `*_SECRET`, `*PASSWORD*`, ...),
/// secrets choo holds itself (the GitHub token), and anything shaped like a well-known token
/// (`ghp_…`, `github_pat_…`, `sk-ant-…`, `sk-proj-…`, `AKIA…`), each replaced by `***`.
///
/// Agents see the environment, tokens included, and print what they see; their logs are written
/// through this, line by line, so a secret never reaches the disk.
public struct SecretRedactor: Sendable {
    /// The exact values taken out, longest first (so one inside another goes with it).
    public let values: [String]

    /// Variables whose names end with one of these hold secrets.
    static let secretSuffixes = ["_TOKEN", "_KEY", "_SECRET", "_PASSWORD", "_PASS", "_CREDENTIALS", "_PAT"]
    /// Values shorter than this are not taken out: they would match ordinary words.
    static let shortest = 8
    /// Prefixes of tokens that look like nothing else, and the characters their bodies use.
    static let tokenPrefixes = [
        "ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_", "sk-ant-", "sk-proj-", "xoxb-", "xoxp-", "AKIA",
    ]

    /// A redactor for `secrets` and the secret-looking variables of `environment`.
    public init(secrets: [String] = [], environment: [String: String] = [:]) {
        var found = Set(secrets.filter { $0.count >= Self.shortest })
        for (name, value) in environment where Self.looksSecret(name) {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count >= Self.shortest { found.insert(trimmed) }
        }
        values = found.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Whether a variable called `name` holds a secret.
    static func looksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        if upper.contains("PASSWORD") || upper.contains("SECRET") { return true }
        return secretSuffixes.contains { upper.hasSuffix($0) } || upper == "GH_TOKEN"
    }

    /// This redactor and `other`'s values together.
    public func adding(_ secrets: [String]) -> SecretRedactor {
        SecretRedactor(secrets: values + secrets)
    }

    /// `text` with every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        var result = text
        for value in values where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: "***")
        }
        return Self.redactTokenShapes(result)
    }

    /// `text` with every well-known token shape replaced by `***`: a known prefix followed by at
    /// least 16 letters, digits, `_` or `-`.
    static func redactTokenShapes(_ text: String) -> String {
        guard tokenPrefixes.contains(where: { text.contains($0) }) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let (range, prefix) = nextPrefix(in: rest) {
            let body = rest[range.upperBound...].prefix {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-")
            }
            let boundary =
                range.lowerBound == rest.startIndex ? output.last : rest[rest.index(before: range.lowerBound)]
            let standsAlone = boundary.map { !($0.isLetter || $0.isNumber) } ?? true
            output += rest[..<range.lowerBound]
            if body.count >= 16, standsAlone {
                output += "***"
            } else {
                output += prefix + body
            }
            rest = rest[body.endIndex...]
        }
        output += rest
        return output
    }

    private static func nextPrefix(in text: Substring) -> (Range<Substring.Index>, String)? {
        var best: (Range<Substring.Index>, String)?
        for prefix in tokenPrefixes {
            guard let range = text.range(of: prefix) else { continue }
            if let found = best, found.0.lowerBound <= range.lowerBound { continue }
            best = (range, prefix)
        }
        return best
    }
}
