import Yams

/// Typed, line-aware access to the keys of one file's frontmatter.
///
/// Every problem (wrong type, YAML that does not parse, a value that is not a mapping) becomes a
/// diagnostic naming the file, the line, and the unit or task, rather than an error thrown at the
/// first bad key. Unknown keys are ignored.
struct FrontmatterFields {
    private var values: [String: Node] = [:]
    private var keyLines: [String: Int] = [:]
    private let lineOffset: Int
    private let context: DiagnosticContext
    /// Problems found while reading, in the order they were found.
    private(set) var diagnostics: [Diagnostic] = []
    /// Keys whose value had the wrong type or an unknown value.
    private(set) var invalidKeys: Set<String> = []

    /// Where the file's diagnostics point.
    struct DiagnosticContext {
        var file: String
        var unit: String?
        var task: Int?
    }

    /// Parses the YAML of `frontmatter`; a file without frontmatter has no keys.
    init(_ frontmatter: Frontmatter, context: DiagnosticContext) {
        self.context = context
        self.lineOffset = frontmatter.yamlFirstLine - 1
        guard let yaml = frontmatter.yaml else { return }
        if let problem = YAMLPreScan.check(yaml) {
            report(
                .frontmatterSyntax,
                "the frontmatter cannot be read: \(problem.message(offset: lineOffset))",
                line: problem.line(offset: lineOffset),
                hint: problem.hint
            )
            return
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, Resolver.basic, Constructor.default, .utf8)
        } catch {
            let (message, line) = Self.describe(error, lineOffset: lineOffset)
            report(
                .frontmatterSyntax,
                "the frontmatter is not valid YAML: \(message)",
                line: line,
                hint: "fix the YAML between the two `---` lines"
            )
            return
        }
        guard let root else { return }
        guard case .mapping(let mapping) = root else {
            if case .scalar(let scalar) = root, scalar.string.trimmingWhitespace().isEmpty { return }
            report(
                .frontmatterNotMapping,
                "the frontmatter must be a set of `key: value` lines",
                line: line(of: root),
                hint: "write keys such as `status: pending`, one per line"
            )
            return
        }
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else { continue }
            values[keyScalar.string] = value
            keyLines[keyScalar.string] = line(of: key)
        }
    }

    /// The 1-based line of `key` in the file, when present.
    func line(of key: String) -> Int? { keyLines[key] }

    /// Whether the frontmatter names `key` at all (even with a null value).
    func contains(_ key: String) -> Bool { values[key] != nil }

    /// The lines of every key that was present.
    var lines: [String: Int] { keyLines }

    /// A scalar as text. `null`, `~` and an empty value read as absent.
    mutating func string(_ key: String) -> String? {
        guard let node = values[key] else { return nil }
        switch node {
        case .scalar(let scalar):
            return Self.isNull(scalar) ? nil : scalar.string
        default:
            wrongType(key, expected: "a single text value", node: node)
            return nil
        }
    }

    /// A whole number. Quoted numbers are accepted.
    mutating func int(_ key: String) -> Int? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            wrongType(key, expected: "a whole number", node: node)
            return nil
        }
        if Self.isNull(scalar) { return nil }
        guard let value = Int(scalar.string.trimmingWhitespace()) else {
            wrongType(key, expected: "a whole number", node: node)
            return nil
        }
        return value
    }

    /// A list of text values; a single value counts as a list of one, null as empty.
    mutating func stringList(_ key: String) -> [String]? {
        guard let node = values[key] else { return nil }
        switch node {
        case .scalar(let scalar):
            return Self.isNull(scalar) ? [] : [scalar.string]
        case .sequence(let sequence):
            var result: [String] = []
            for element in sequence {
                guard case .scalar(let scalar) = element, !Self.isNull(scalar) else {
                    wrongType(key, expected: "a list of names, like [unit-a, unit-b]", node: element)
                    return nil
                }
                result.append(scalar.string)
            }
            return result
        default:
            wrongType(key, expected: "a list of names, like [unit-a, unit-b]", node: node)
            return nil
        }
    }

    /// A list of whole numbers; a single number counts as a list of one, null as empty.
    mutating func intList(_ key: String) -> [Int]? {
        guard let node = values[key] else { return nil }
        let elements: [Node]
        switch node {
        case .scalar(let scalar):
            if Self.isNull(scalar) { return [] }
            elements = [node]
        case .sequence(let sequence):
            elements = Array(sequence)
        default:
            wrongType(key, expected: "a list of task numbers, like [1, 2]", node: node)
            return nil
        }
        var result: [Int] = []
        for element in elements {
            guard case .scalar(let scalar) = element, let value = Int(scalar.string.trimmingWhitespace()) else {
                wrongType(key, expected: "a list of task numbers, like [1, 2]", node: element)
                return nil
            }
            result.append(value)
        }
        return result
    }

    /// A value of a string-backed enumeration; an unknown value is reported with the allowed ones.
    mutating func enumeration<T: RawRepresentable>(
        _ key: String,
        _ type: T.Type,
        allowed: [String],
        aliases: [String: T] = [:]
    ) -> T? where T.RawValue == String {
        guard let text = string(key) else { return nil }
        if let value = T(rawValue: text) ?? aliases[text] { return value }
        let near = allowed.first { $0.lowercased() == text.lowercased() || $0.hasPrefix(text) || text.hasPrefix($0) }
        let suggestion = near.map { "did you mean `\($0)`? " } ?? ""
        invalidKeys.insert(key)
        report(
            .unknownStatus,
            "unknown \(key) `\(text)`",
            line: line(of: key),
            hint: "\(suggestion)use one of: \(allowed.joined(separator: ", "))"
        )
        return nil
    }

    /// An RFC 3339 timestamp such as `2025-01-31T09:30:00Z`.
    mutating func timestamp(_ key: String) -> Timestamp? {
        guard let text = string(key) else { return nil }
        guard let value = Timestamp(rfc3339: text.trimmingWhitespace()) else {
            invalidKeys.insert(key)
            report(
                .badTimestamp,
                "\(key) `\(text)` is not an RFC 3339 timestamp",
                line: line(of: key),
                hint: "write it like 2025-01-31T09:30:00Z or 2025-01-31T10:30:00+01:00"
            )
            return nil
        }
        return value
    }

    mutating func report(_ rule: Diagnostic.Rule, _ message: String, line: Int?, hint: String?) {
        diagnostics.append(
            Diagnostic(
                .error,
                rule,
                message,
                hint: hint,
                file: context.file,
                line: line,
                unit: context.unit,
                task: context.task
            )
        )
    }

    private mutating func wrongType(_ key: String, expected: String, node: Node) {
        invalidKeys.insert(key)
        report(
            .wrongType,
            "`\(key)` must be \(expected), but it is \(Self.describe(node))",
            line: line(of: node) ?? line(of: key),
            hint: nil
        )
    }

    private func line(of node: Node) -> Int? {
        node.mark.map { $0.line + lineOffset }
    }

    private static func isNull(_ scalar: Node.Scalar) -> Bool {
        guard scalar.style == .plain else { return false }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "`\(scalar.string)`"
        case .mapping: "a mapping of keys"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The message and the 1-based file line of a Yams error, given the line the YAML text starts after.
    /// When libyaml names the construct it was reading (e.g. a list opened earlier), the message
    /// says where that started.
    static func describe(_ error: any Error, lineOffset: Int) -> (String, Int?) {
        guard let yamlError = error as? YamlError else { return ("\(error)", nil) }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            guard let context else { return (problem, mark.line + lineOffset) }
            let started = context.mark.line + lineOffset
            return ("\(problem) (\(context.text) that starts on line \(started))", mark.line + lineOffset)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (
                "the key \(duplicates.joined(separator: ", ")) appears more than once", context.mark.line + lineOffset
            )
        case .reader(let problem, _, _, _):
            return (problem, nil)
        default:
            return ("\(yamlError)", nil)
        }
    }
}
