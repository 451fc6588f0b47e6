/// One problem found in user input: the spec tree or `.choo.yaml`.
///
/// Diagnostics are collected, never thrown one at a time, so a person sees every problem in one
/// pass. Each names where it is (file relative to the repository, line, unit, task), what is
/// wrong, and what to do about it.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How serious a diagnostic is. Only errors fail a command.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Whether this diagnostic fails the command.
    public var severity: Severity
    /// The rule that was broken, a stable identifier (also the key in `--json` output).
    public var rule: Rule
    /// What is wrong, in words a person can act on.
    public var message: String
    /// What to do about it, when there is something specific to say.
    public var hint: String?
    /// The file, relative to the repository root (absolute when outside it).
    public var file: String?
    /// The 1-based line in `file`, where one applies.
    public var line: Int?
    /// The unit concerned, if any.
    public var unit: String?
    /// The task number concerned, if any.
    public var task: Int?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity,
        _ rule: Rule,
        _ message: String,
        hint: String? = nil,
        file: String? = nil,
        line: Int? = nil,
        unit: String? = nil,
        task: Int? = nil
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.unit = unit
        self.task = task
    }
}

extension Diagnostic {
    /// The stable identifiers of every rule choo checks.
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        // The tasks folder itself.
        case tasksDirMissing = "tasks-dir-missing"
        case tasksDirNotFolder = "tasks-dir-not-a-folder"
        case noUnits = "no-units"
        case folderSkipped = "folder-skipped"
        case fileIgnored = "file-ignored"
        // Reading and parsing files.
        case unreadableFile = "unreadable-file"
        case unclosedFrontmatter = "unclosed-frontmatter"
        case frontmatterSyntax = "frontmatter-syntax"
        case frontmatterNotMapping = "frontmatter-not-a-mapping"
        case wrongType = "wrong-type"
        // Units.
        case unsafeUnitName = "unsafe-unit-name"
        case unitNameMismatch = "unit-name-mismatch"
        case unknownUnitDependency = "unknown-unit-dependency"
        case unitSelfDependency = "unit-self-dependency"
        case unitCycle = "unit-cycle"
        case unknownProvider = "unknown-provider"
        // Tasks.
        case missingTaskNumber = "missing-task-number"
        case duplicateTaskNumber = "duplicate-task-number"
        case taskNumberGap = "task-number-gap"
        case missingBackpressure = "missing-backpressure"
        case taskSelfDependency = "task-self-dependency"
        case unknownTaskDependency = "unknown-task-dependency"
        case taskCycle = "task-cycle"
        // Values.
        case unknownStatus = "unknown-status"
        case badTimestamp = "bad-timestamp"
        // .choo.yaml.
        case configUnreadable = "config-unreadable"
        case configSyntax = "config-syntax"
        case configType = "config-type"
        case configValue = "config-value"
        case configUnknownKey = "config-unknown-key"
        case configNotUsedYet = "config-not-used-yet"
        // This machine.
        case agentNotFound = "agent-not-found"
    }
}

extension Diagnostic: CustomStringConvertible {
    /// The compiler-style rendering: `file:line: severity: message (unit X, task #N) [rule]`,
    /// then the hint on its own indented line.
    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" }
            location += ": "
        }
        var subject: [String] = []
        if let unit { subject.append("unit \(unit)") }
        if let task { subject.append("task #\(task)") }
        let about = subject.isEmpty ? "" : " (\(subject.joined(separator: ", ")))"
        var text = "\(location)\(severity.rawValue): \(message)\(about) [\(rule.rawValue)]"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted for display: by file, then line, then severity, then message.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted { lhs, rhs in
            if (lhs.file ?? "") != (rhs.file ?? "") { return (lhs.file ?? "") < (rhs.file ?? "") }
            if (lhs.line ?? 0) != (rhs.line ?? 0) { return (lhs.line ?? 0) < (rhs.line ?? 0) }
            if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
            return lhs.message < rhs.message
        }
    }
}
