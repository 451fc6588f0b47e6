/// How `choo run --dry-run` shows a plan, as text and as JSON.
public struct PlanReport: Sendable, Encodable {
    /// The plan shown.
    public var plan: Plan
    /// The tasks root, relative to the repository.
    public var tasksDirectory: String
    /// The agent of each unit in the plan, when known.
    public var agents: UnitAgents?

    /// Creates a report.
    public init(plan: Plan, tasksDirectory: String, agents: UnitAgents? = nil) {
        self.plan = plan
        self.tasksDirectory = tasksDirectory
        self.agents = agents
    }

    /// When the plan has no unit to run, the line that says so (the selected unit, or every unit, is
    /// complete); `nil` when there is work.
    public func nothingToRun(style: TextStyle) -> String? {
        guard plan.entries.isEmpty else { return nil }
        if let selected = plan.selectedUnit { return "Unit \(style.cyan(selected)) is complete: nothing to run.\n" }
        return "Nothing to run: all \(plural(plan.completeUnits.count, "unit")) in \(tasksDirectory) are complete.\n"
    }

    /// The human-readable plan.
    public func text(style: TextStyle) -> String {
        var out = ""
        let scope = plan.selectedUnit.map { " for unit \(style.cyan($0)) and the units it needs" } ?? ""
        if let nothing = nothingToRun(style: style) {
            return nothing + style.dim("Dry run: nothing was started and no file or git ref was changed.") + "\n"
        }
        out += style.bold("Plan\(scope): \(plural(plan.entries.count, "unit")) to run, ")
        out += style.bold("\(plural(plan.remainingTasks, "task")) remaining") + "\n"
        out += "Tasks root: \(tasksDirectory)\n"
        out += "Parallelism: \(plan.parallelism) (at most \(plan.effectiveParallelism) at once in this graph)\n"
        out += agentLines(style: style)
        if !plan.completeUnits.isEmpty {
            out += "Complete, left out: \(plural(plan.completeUnits.count, "unit"))"
            out += style.dim(" (" + abbreviated(plan.completeUnits) + ")") + "\n"
        }
        let width = min(max(plan.entries.map(\.id.count).max() ?? 0, 8), 40)
        for (index, level) in plan.levels.enumerated() {
            out += "\n" + style.bold("Level \(index + 1)") + style.dim(" (\(plural(level.count, "unit")))") + "\n"
            for id in level {
                guard let entry = plan.entry(id) else { continue }
                var line = "  \(style.cyan(id.padded(to: width)))  "
                var tasks = plural(entry.remainingTasks, "task")
                if entry.remainingTasks < entry.totalTasks {
                    tasks = "\(entry.remainingTasks) of \(entry.totalTasks) tasks"
                }
                line += (tasks + " left").padded(to: 19)
                line += "  path \(entry.remainingCriticalPath)".padded(to: 10)
                if !entry.waitsFor.isEmpty { line += "  after " + entry.waitsFor.joined(separator: ", ") }
                if entry.status != .pending { line += style.dim("  [\(entry.status.rawValue)]") }
                out += line.trimmingTrailingSpaces() + "\n"
            }
        }
        out += "\nOrder: " + plan.order.joined(separator: ", ") + "\n"
        out += "Critical path: " + style.bold(plan.criticalPath.joined(separator: " -> "))
        out += " (\(plural(plan.criticalPathTasks, "task")))\n"
        out += style.dim("`path` is the remaining tasks on the longest chain from a unit; longer chains start first.")
        out += "\n" + style.dim("Dry run: nothing was started and no file or git ref was changed.") + "\n"
        for missing in agents?.missing ?? [] {
            out += style.red("warning:") + " `choo run` would stop before starting anything: \(missing)\n"
        }
        return out
    }

    /// A line per agent: the provider, which setting chose it, where its executable is (or that it
    /// cannot be started), and for which units.
    private func agentLines(style: TextStyle) -> String {
        guard let agents, !agents.assignments.isEmpty else { return "" }
        var groups: [(key: String, units: [String])] = []
        for assignment in agents.assignments {
            var key = "\(assignment.choice.name) (\(assignment.choice.source))"
            if let problem = assignment.problem {
                key += ", " + style.red(problem.summary)
            } else if let executable = assignment.provider?.executable {
                key += " at \(executable)"
            }
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].units.append(assignment.unit)
            } else {
                groups.append((key, [assignment.unit]))
            }
        }
        if groups.count == 1 { return "Agent: \(groups[0].key), for every unit\n" }
        return groups.map { "Agent: \($0.key), for " + abbreviated($0.units) + "\n" }.joined()
    }

    private func abbreviated(_ ids: [String]) -> String {
        ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + ", …"
    }

    private struct AgentJSON: Encodable {
        var assignment: UnitAgents.Assignment

        enum CodingKeys: String, CodingKey {
            case provider, executable, problem
            case chosenBy = "chosen_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(assignment.choice.name, forKey: .provider)
            try container.encode(assignment.choice.source.description, forKey: .chosenBy)
            try container.encode(assignment.provider?.executable, forKey: .executable)
            let missing = assignment.problem.flatMap { problem in
                assignment.provider.map {
                    UnitAgents.MissingAgent(
                        provider: $0.name,
                        executable: $0.executable,
                        reason: problem,
                        units: [assignment.unit]
                    ).description
                }
            }
            try container.encode(missing, forKey: .problem)
        }
    }

    private struct EntryJSON: Encodable {
        var entry: Plan.Entry
        var agent: UnitAgents.Assignment?

        enum CodingKeys: String, CodingKey {
            case id, title, status, level
            case remainingTasks = "remaining_tasks"
            case totalTasks = "total_tasks"
            case waitsFor = "waits_for"
            case satisfiedBy = "satisfied_by"
            case remainingCriticalPath = "remaining_critical_path"
            case agent
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.id, forKey: .id)
            try container.encode(entry.title, forKey: .title)
            try container.encode(entry.status, forKey: .status)
            try container.encode(entry.level, forKey: .level)
            try container.encode(entry.remainingTasks, forKey: .remainingTasks)
            try container.encode(entry.totalTasks, forKey: .totalTasks)
            try container.encode(entry.waitsFor, forKey: .waitsFor)
            try container.encode(entry.satisfiedBy, forKey: .satisfiedBy)
            try container.encode(entry.remainingCriticalPath, forKey: .remainingCriticalPath)
            if let agent { try container.encode(AgentJSON(assignment: agent), forKey: .agent) }
        }
    }

    private struct CriticalPathJSON: Encodable {
        var units: [String]
        var tasks: Int
    }

    enum CodingKeys: String, CodingKey {
        case units, levels, order, parallelism
        case tasksDirectory = "tasks_dir"
        case effectiveParallelism = "effective_parallelism"
        case criticalPath = "critical_path"
        case completeUnits = "complete_units"
        case selectedUnit = "selected_unit"
        case remainingTasks = "remaining_tasks"
        case dryRun = "dry_run"
    }

    /// Encodes the stable `--json` shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tasksDirectory, forKey: .tasksDirectory)
        try container.encode(true, forKey: .dryRun)
        try container.encode(plan.parallelism, forKey: .parallelism)
        try container.encode(plan.effectiveParallelism, forKey: .effectiveParallelism)
        try container.encode(plan.remainingTasks, forKey: .remainingTasks)
        try container.encode(plan.levels, forKey: .levels)
        try container.encode(plan.order, forKey: .order)
        try container.encode(plan.completeUnits, forKey: .completeUnits)
        try container.encode(plan.selectedUnit, forKey: .selectedUnit)
        try container.encode(
            CriticalPathJSON(units: plan.criticalPath, tasks: plan.criticalPathTasks),
            forKey: .criticalPath
        )
        let assignments = agents?.assignments ?? []
        try container.encode(
            plan.entries.map { entry in EntryJSON(entry: entry, agent: assignments.first { $0.unit == entry.id }) },
            forKey: .units
        )
    }
}
