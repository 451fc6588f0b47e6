import Yams

/// Edits single top-level keys of a markdown file's frontmatter in place: sets them or removes them.
///
/// Only the lines of the keys it sets or removes change: comments, key order, the quoting of other keys,
/// unknown keys, line endings, a byte order mark and the body stay byte for byte. A key that is
/// absent is appended at the end of the block; a file without frontmatter gets a new block. The
/// result is parsed again to prove it is still valid YAML holding the new values.
public enum FrontmatterEditor {
    /// Why an edit was refused.
    public enum EditError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file's frontmatter opens but never closes.
        case unclosedFrontmatter
        /// The edited frontmatter would not parse back to the values set.
        case verificationFailed(String)

        public var description: String {
            switch self {
            case .unclosedFrontmatter: "the frontmatter opens with `---` but never closes"
            case .verificationFailed(let detail): "the edited frontmatter does not read back correctly: \(detail)"
            }
        }
    }

    /// Returns `text` with each key in `values` set; a `nil` value is written as `null`.
    public static func set(_ values: KeyValuePairs<String, String?>, in text: String) throws(EditError) -> String {
        var pairs: [(String, String?)] = []
        for (key, value) in values { pairs.append((key, value)) }
        return try set(pairs, in: text)
    }

    /// Returns `text` with each `(key, value)` set, in order; a `nil` value is written as `null`.
    public static func set(_ values: [(String, String?)], in text: String) throws(EditError) -> String {
        try apply(values.map { ($0.0, render($0.1), $0.1 ?? "null") }, in: text)
    }

    /// Returns `text` with `key` set to the integer `value`, written plain so YAML reads a number.
    public static func set(_ key: String, integer value: Int, in text: String) throws(EditError) -> String {
        try apply([(key, String(value), String(value))], in: text)
    }

    /// Sets each `(key, rendered)` line, then checks each key reads back as `expected`.
    private static func apply(_ entries: [(key: String, rendered: String, expected: String)], in text: String)
        throws(EditError) -> String
    {
        let hasBOM = text.utf8.starts(with: [0xEF, 0xBB, 0xBF])
        let content = hasBOM ? String(Substring(text.utf8.dropFirst(3))) : text
        var lines = splitLines(content)
        let newline = lines.first.map { $0.hasSuffix("\r\n") ? "\r\n" : "\n" } ?? "\n"

        if lines.first.map({ isFence($0) }) != true {
            var block = ["---" + newline]
            for entry in entries { block.append("\(entry.key): \(entry.rendered)" + newline) }
            block.append("---" + newline)
            lines = block + lines
        } else {
            guard let close = lines.indices.dropFirst().first(where: { isFence(lines[$0]) }) else {
                throw .unclosedFrontmatter
            }
            var end = close
            for entry in entries {
                let replacement = "\(entry.key): \(entry.rendered)"
                if let line = (1 ..< end).first(where: { keyName(of: lines[$0]) == entry.key }) {
                    let comment = trailingComment(of: lines[line])
                    let terminator = terminatorOf(lines[line]) ?? newline
                    // Drop continuation lines of the old value (indented or list items).
                    var next = line + 1
                    while next < end, isContinuation(lines[next]) { next += 1 }
                    lines.replaceSubrange(line ..< next, with: [replacement + comment + terminator])
                    end -= next - line - 1
                } else {
                    if end > 0, terminatorOf(lines[end - 1]) == nil { lines[end - 1] += newline }
                    lines.insert(replacement + newline, at: end)
                    end += 1
                }
            }
        }
        let result = (hasBOM ? "\u{FEFF}" : "") + lines.joined()
        try verify(result, entries.map { ($0.key, $0.expected) })
        return result
    }

    /// Returns `text` without the top-level `keys`: each one's line goes, with the lines that
    /// continue its value (indented lines and list items, and blank lines between them). Every
    /// other byte stays. Absent keys, or a file without frontmatter, leave `text` as it is. The
    /// result is parsed again to prove it is still valid YAML without those keys.
    public static func remove(_ keys: [String], in text: String) throws(EditError) -> String {
        let hasBOM = text.utf8.starts(with: [0xEF, 0xBB, 0xBF])
        let content = hasBOM ? String(Substring(text.utf8.dropFirst(3))) : text
        var lines = splitLines(content)
        guard lines.first.map({ isFence($0) }) == true else { return text }
        guard let close = lines.indices.dropFirst().first(where: { isFence(lines[$0]) }) else {
            throw .unclosedFrontmatter
        }
        let removing = Set(keys)
        var end = close
        var line = 1
        var removed = false
        while line < end {
            guard let key = keyName(of: lines[line]), removing.contains(key) else {
                line += 1
                continue
            }
            // The value goes on through continuation lines; blank lines count only between them.
            var next = line + 1
            var last = next
            while next < end {
                if isContinuation(lines[next]) {
                    next += 1
                    last = next
                } else if stripped(lines[next]).allSatisfy({ $0 == " " || $0 == "\t" }) {
                    next += 1
                } else {
                    break
                }
            }
            lines.removeSubrange(line ..< last)
            end -= last - line
            removed = true
        }
        guard removed else { return text }
        let result = (hasBOM ? "\u{FEFF}" : "") + lines.joined()
        if let mapping = try mapping(of: result) {
            for key in keys where mapping[.scalar(.init(key))] != nil {
                throw .verificationFailed("`\(key)` is still there")
            }
        }
        return result
    }

    /// The frontmatter of `text` as a YAML mapping; `nil` when it is empty.
    private static func mapping(of text: String) throws(EditError) -> Node.Mapping? {
        let yaml: String
        do {
            guard let block = try Frontmatter.split(text).yaml else {
                throw EditError.verificationFailed("no frontmatter")
            }
            yaml = block
        } catch {
            throw .verificationFailed("\(error)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, Resolver.basic, Constructor.default, .utf8)
        } catch {
            throw .verificationFailed("\(error)")
        }
        switch node {
        case nil: return nil
        case .mapping(let mapping)?: return mapping
        default: throw .verificationFailed("not a mapping")
        }
    }

    private static func verify(_ text: String, _ values: [(String, String)]) throws(EditError) {
        guard let mapping = try mapping(of: text) else { throw .verificationFailed("not a mapping") }
        for (key, expected) in values {
            guard let found = mapping[.scalar(.init(key))] else { throw .verificationFailed("`\(key)` missing") }
            guard case .scalar(let scalar) = found, scalar.string == expected else {
                throw .verificationFailed("`\(key)` does not read back as `\(expected)`")
            }
        }
    }

    /// How a value is written: plain when YAML reads it back as the same text, else double-quoted.
    static func render(_ value: String?) -> String {
        guard let value else { return "null" }
        let plainSafe = value.unicodeScalars.allSatisfy { scalar in
            (scalar.properties.isAlphabetic || ("0" ... "9").contains(Character(scalar))
                || "_./+-".unicodeScalars.contains(scalar))
                && scalar.isASCII
        }
        let first = value.first
        let looksSpecial =
            ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(value.lowercased())
            || Double(value) != nil || Int(value) != nil || first == "-"
            || [".inf", ".nan", "+.inf", "-.inf"].contains(value.lowercased()) || value.allSatisfy { $0 == "." }
        // Timestamps and times contain ':'; they are safe plain when no ": " or " #" appears.
        let timestampLike =
            value.count >= 10 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-:.+".contains($0)) }
            && !value.contains(": ")
        if !value.isEmpty, (plainSafe && !looksSpecial) || (timestampLike && first?.isNumber == true) {
            return value
        }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\"" + escaped + "\""
    }

    /// The lines of `text`, each with its terminator (the last may have none).
    private static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            current.unicodeScalars.append(scalar)
            if scalar == "\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private static func terminatorOf(_ line: String) -> String? {
        if line.hasSuffix("\r\n") { return "\r\n" }
        return line.hasSuffix("\n") ? "\n" : nil
    }

    private static func stripped(_ line: String) -> Substring {
        var text = Substring(line)
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" {
            text = Substring(text.unicodeScalars.dropLast())
        }
        return text
    }

    private static func isFence(_ line: String) -> Bool {
        let text = stripped(line)
        return text.hasPrefix("---") && text.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The top-level key a line sets, if it is a `key:` line at column 0.
    private static func keyName(of line: String) -> String? {
        let text = stripped(line)
        guard let first = text.first, first != " ", first != "\t", first != "#", first != "-" else { return nil }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let after = text.index(after: colon)
        guard after == text.endIndex || text[after] == " " || text[after] == "\t" else { return nil }
        var key = String(text[..<colon])
        if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
            key = String(key.dropFirst().dropLast())
        }
        return key
    }

    /// A ` # comment` after a plain value, kept when the value is replaced.
    private static func trailingComment(of line: String) -> String {
        let text = stripped(line)
        guard let colon = text.firstIndex(of: ":") else { return "" }
        let value = text[text.index(after: colon)...]
        if value.contains("\"") || value.contains("'") { return "" }
        guard let hash = value.range(of: " #") else { return "" }
        var start = hash.lowerBound
        while start > value.startIndex,
            value[value.index(before: start)] == " " || value[value.index(before: start)] == "\t"
        {
            start = value.index(before: start)
        }
        return String(value[start...])
    }

    private static func isContinuation(_ line: String) -> Bool {
        let text = stripped(line)
        guard let first = text.first else { return false }
        return first == " " || first == "\t" || first == "-" && !text.hasPrefix("---")
    }
}
