/// The result of checking a spec tree and its configuration, as `choo validate` prints it.
public struct DiagnosticsReport: Sendable, Encodable {
    /// Every problem, sorted for display.
    public var diagnostics: [Diagnostic]
    /// The tasks root, relative to the repository.
    public var tasksDirectory: String
    /// Units found.
    public var unitCount: Int
    /// Task files found.
    public var taskCount: Int

    /// Creates a report.
    public init(diagnostics: [Diagnostic], tasksDirectory: String, unitCount: Int, taskCount: Int) {
        self.diagnostics = diagnostics.sortedForDisplay()
        self.tasksDirectory = tasksDirectory
        self.unitCount = unitCount
        self.taskCount = taskCount
    }

    /// Number of diagnostics with `severity`.
    public func count(_ severity: Diagnostic.Severity) -> Int {
        diagnostics.count { $0.severity == severity }
    }

    /// True when there are no errors (warnings and notes do not fail).
    public var isValid: Bool { count(.error) == 0 }

    /// One line per diagnostic (with its hint), then a summary line.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        for diagnostic in diagnostics {
            var line = diagnostic.description
            switch diagnostic.severity {
            case .error: line = line.replacingFirst("error:", with: style.red(style.bold("error:")))
            case .warning: line = line.replacingFirst("warning:", with: style.yellow(style.bold("warning:")))
            case .note: line = line.replacingFirst("note:", with: style.dim("note:"))
            }
            lines.append(line)
        }
        lines.append(summary(style: style))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `specs/tasks: 12 units, 60 tasks; 2 errors, 1 warning`.
    public func summary(style: TextStyle) -> String {
        let errors = count(.error)
        let warnings = count(.warning)
        let notes = count(.note)
        var parts = [plural(errors, "error"), plural(warnings, "warning")]
        if notes > 0 { parts.append(plural(notes, "note")) }
        let found = "\(tasksDirectory): \(plural(unitCount, "unit")), \(plural(taskCount, "task"))"
        let verdict = errors == 0 ? style.green("valid") : style.red("invalid")
        return "\(found); \(parts.joined(separator: ", ")): \(verdict)"
    }

    enum CodingKeys: String, CodingKey {
        case valid, errors, warnings, notes, diagnostics, units, tasks
        case tasksDirectory = "tasks_dir"
    }

    /// Encodes the stable `--json` shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isValid, forKey: .valid)
        try container.encode(count(.error), forKey: .errors)
        try container.encode(count(.warning), forKey: .warnings)
        try container.encode(count(.note), forKey: .notes)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(unitCount, forKey: .units)
        try container.encode(taskCount, forKey: .tasks)
        try container.encode(tasksDirectory, forKey: .tasksDirectory)
    }
}

func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
