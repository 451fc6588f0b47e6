/// A cheap look at YAML text before it is parsed, to refuse shapes that would make the parser
/// overflow its stack or run for ever.
///
/// - Nesting deeper than ``depthLimit`` (flow collections, block indentation and `- ` markers
///   counted together, an upper bound of the real depth): Yams builds nodes recursively.
/// - A complex key (`? key`, a `[list]` or `{mapping}` or `*alias` as a key) in text that also
///   defines an anchor: Yams hashes every key to find duplicates, and an aliased key can stand for
///   an exponentially large tree (a "billion laughs"). Aliases as values are fine: they are shared,
///   not copied.
///
/// The scan is lexical and errs on the side of accepting: it never refuses the flat `key: value`
/// frontmatter spec files hold, and leaves every real syntax error to the parser.
struct YAMLPreScan {
    /// The deepest nesting accepted.
    static let depthLimit = 256

    /// What the scan refuses.
    enum Problem: Sendable, Hashable {
        /// Nesting deeper than ``depthLimit``, reached on `line` (1-based, in the YAML text).
        case tooDeep(line: Int)
        /// A complex key on `line` in text that defines an anchor on `anchorLine`.
        case complexKeyWithAnchor(line: Int, anchorLine: Int)

        /// The line the problem is on, in a file whose YAML starts after `lineOffset` lines.
        func line(offset lineOffset: Int) -> Int {
            switch self {
            case .tooDeep(let line), .complexKeyWithAnchor(let line, _): line + lineOffset
            }
        }

        /// What is wrong, for a file whose YAML starts after `lineOffset` lines.
        func message(offset lineOffset: Int) -> String {
            switch self {
            case .tooDeep:
                return "it is nested more than \(YAMLPreScan.depthLimit) levels deep; choo does not parse it"
            case .complexKeyWithAnchor(_, let anchorLine):
                return "it uses a list, mapping or alias as a key and defines an anchor (`&`) on line "
                    + "\(anchorLine + lineOffset); choo does not parse that, since expanding aliased keys can "
                    + "take forever"
            }
        }

        /// What to do about it.
        var hint: String {
            "write plain `key: value` lines: text, numbers and flat lists, without anchors or complex keys"
        }
    }

    /// The first problem in `yaml`, or `nil` when the parser may have it.
    static func check(_ yaml: String) -> Problem? {
        var scan = YAMLPreScan(bytes: Array(yaml.utf8))
        return scan.run()
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var flowDepth = 0
    private var anchorLine: Int?
    private var complexKeyLine: Int?
    /// Whether the node that just ended was a flow collection or an alias: a `:` after it makes it a key.
    private var afterCollectionOrAlias = false

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private mutating func run() -> Problem? {
        while index < bytes.count {
            if let problem = scanLine() { return problem }
            if let complexKeyLine, let anchorLine {
                return .complexKeyWithAnchor(line: complexKeyLine, anchorLine: anchorLine)
            }
        }
        return nil
    }

    /// Scans one line (and, for quoted and block scalars, the lines they span), up to the next line's start.
    private mutating func scanLine() -> Problem? {
        var indent = 0
        while index < bytes.count, bytes[index] == Self.space {
            indent += 1
            index += 1
        }
        var indicators = 0
        var atNodeStart = true
        func tooDeep() -> Bool { flowDepth + indent + indicators > Self.depthLimit }
        while index < bytes.count, bytes[index] != Self.newline {
            let byte = bytes[index]
            if byte == Self.space || byte == Self.tab || byte == Self.carriageReturn {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#"), index == 0 || isBlank(bytes[index - 1]) {
                skipToEndOfLine()
                break
            }
            if isIndicator(byte, ":") {
                if afterCollectionOrAlias { complexKeyLine = complexKeyLine ?? line }
                index += 1
                indicators += 1
                atNodeStart = true
                afterCollectionOrAlias = false
                if tooDeep() { return .tooDeep(line: line) }
                continue
            }
            if flowDepth > 0, byte == UInt8(ascii: ",") {
                index += 1
                atNodeStart = true
                afterCollectionOrAlias = false
                continue
            }
            if flowDepth > 0, byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                flowDepth -= 1
                index += 1
                atNodeStart = false
                afterCollectionOrAlias = true
                continue
            }
            guard atNodeStart else {
                // Inside a plain scalar.
                afterCollectionOrAlias = false
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                skipQuoted(byte)
                atNodeStart = false
                afterCollectionOrAlias = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flowDepth += 1
                index += 1
                if tooDeep() { return .tooDeep(line: line) }
            case UInt8(ascii: "&"):
                anchorLine = anchorLine ?? line
                skipName()
            case UInt8(ascii: "!"):
                skipName()
            case UInt8(ascii: "*"):
                skipName()
                atNodeStart = false
                afterCollectionOrAlias = true
            case UInt8(ascii: "-") where isIndicator(byte, "-"), UInt8(ascii: "?") where isIndicator(byte, "?"):
                if byte == UInt8(ascii: "?") { complexKeyLine = complexKeyLine ?? line }
                index += 1
                indicators += 1
                afterCollectionOrAlias = false
                if tooDeep() { return .tooDeep(line: line) }
            case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                skipToEndOfLine()
                skipBlockScalar(parentIndent: indent)
                return nil
            default:
                atNodeStart = false
                afterCollectionOrAlias = false
                index += 1
            }
        }
        if index < bytes.count {
            index += 1
            line += 1
        }
        return nil
    }

    /// Whether the byte at `index` is `character` used as an indicator: followed by a blank, the end,
    /// or (in a flow collection, for `:`) a flow punctuation mark.
    private func isIndicator(_ byte: UInt8, _ character: Unicode.Scalar) -> Bool {
        guard byte == UInt8(ascii: character) else { return false }
        guard index + 1 < bytes.count else { return true }
        let next = bytes[index + 1]
        if isBlank(next) || next == Self.newline || next == Self.carriageReturn { return true }
        return flowDepth > 0 && character == ":"
            && (next == UInt8(ascii: ",") || next == UInt8(ascii: "]") || next == UInt8(ascii: "}"))
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == Self.space || byte == Self.tab }

    private mutating func skipToEndOfLine() {
        while index < bytes.count, bytes[index] != Self.newline { index += 1 }
    }

    /// Skips an anchor, alias or tag name: up to a blank, a line end or flow punctuation.
    private mutating func skipName() {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if isBlank(byte) || byte == Self.newline || byte == Self.carriageReturn { return }
            if flowDepth > 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                return
            }
            index += 1
        }
    }

    /// Skips a quoted scalar from its opening `quote`, across lines, to just after its closing quote.
    private mutating func skipQuoted(_ quote: UInt8) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.newline { line += 1 }
            if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                if index + 1 < bytes.count, bytes[index + 1] == Self.newline { line += 1 }
                index += 2
                continue
            }
            index += 1
            if byte == quote {
                // '' inside single quotes is an escaped quote.
                if quote == UInt8(ascii: "'"), index < bytes.count, bytes[index] == quote {
                    index += 1
                    continue
                }
                return
            }
        }
    }

    /// Skips the lines of a block scalar (`|` or `>`): blank lines and lines indented past `parentIndent`.
    private mutating func skipBlockScalar(parentIndent: Int) {
        while index < bytes.count {
            // At the newline ending the previous line.
            var probe = index + 1
            var indent = 0
            while probe < bytes.count, bytes[probe] == Self.space {
                indent += 1
                probe += 1
            }
            let blank =
                probe >= bytes.count || bytes[probe] == Self.newline
                || (bytes[probe] == Self.carriageReturn
                    && (probe + 1 >= bytes.count || bytes[probe + 1] == Self.newline))
            guard blank || indent > parentIndent else {
                index += 1
                line += 1
                return
            }
            index = probe
            line += 1
            skipToEndOfLine()
        }
    }
}
