/// The state of a unit: `orch_status` when choo wrote one, otherwise inferred from its tasks.
public enum UnitStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case inProgress = "in_progress"
    case complete
    case failed
    case blocked

    /// The values `orch_status` may carry (legacy values are read as in progress).
    static let allowedValues = allCases.map(\.rawValue) + legacyInProgress.keys.sorted()

    /// Values the Go tool wrote for stages of a pull request; choo reads them as in progress.
    static let legacyInProgress: [String: UnitStatus] = [
        "pr_open": .inProgress, "in_review": .inProgress, "merging": .inProgress,
    ]
}

/// One unit of work: a folder of the tasks root holding `IMPLEMENTATION_PLAN.md` and task files.
public struct Unit: Sendable, Hashable, Identifiable {
    /// The unit ID: its folder name.
    public var id: String
    /// The folder, relative to the repository root.
    public var directory: String
    /// `IMPLEMENTATION_PLAN.md`, relative to the repository root.
    public var planFile: String
    /// The first `# ` line of the plan's body.
    public var title: String?
    /// The `unit` key as written (should equal `id`).
    public var declaredName: String?
    /// IDs of units that must be complete first, in the order written.
    public var dependsOn: [String]
    /// The agent named for this unit, if any.
    public var provider: String?
    /// The status choo recorded, overriding the inferred one.
    public var orchStatus: UnitStatus?
    /// The branch the unit ran on.
    public var orchBranch: String?
    /// The worktree the unit ran in.
    public var orchWorktree: String?
    /// The unit's pull request in GitHub mode.
    public var orchPRNumber: Int?
    /// When choo started the unit.
    public var orchStartedAt: Timestamp?
    /// When choo finished the unit.
    public var orchCompletedAt: Timestamp?
    /// The tasks, sorted by file name.
    public var tasks: [TaskSpec]
    /// The line of each key present in the plan's frontmatter.
    public var keyLines: [String: Int]

    /// Creates a unit value.
    public init(
        id: String,
        directory: String,
        planFile: String,
        title: String? = nil,
        declaredName: String? = nil,
        dependsOn: [String] = [],
        provider: String? = nil,
        orchStatus: UnitStatus? = nil,
        orchBranch: String? = nil,
        orchWorktree: String? = nil,
        orchPRNumber: Int? = nil,
        orchStartedAt: Timestamp? = nil,
        orchCompletedAt: Timestamp? = nil,
        tasks: [TaskSpec] = [],
        keyLines: [String: Int] = [:]
    ) {
        self.id = id
        self.directory = directory
        self.planFile = planFile
        self.title = title
        self.declaredName = declaredName
        self.dependsOn = dependsOn
        self.provider = provider
        self.orchStatus = orchStatus
        self.orchBranch = orchBranch
        self.orchWorktree = orchWorktree
        self.orchPRNumber = orchPRNumber
        self.orchStartedAt = orchStartedAt
        self.orchCompletedAt = orchCompletedAt
        self.tasks = tasks
        self.keyLines = keyLines
    }

    /// `orch_status` when present; otherwise: any task failed -> failed; all complete -> complete;
    /// any in progress or complete -> in progress; else pending.
    public var status: UnitStatus { orchStatus ?? inferredStatus }

    /// The status the tasks alone imply.
    public var inferredStatus: UnitStatus {
        if tasks.contains(where: { $0.status == .failed }) { return .failed }
        if !tasks.isEmpty, tasks.allSatisfy({ $0.status == .complete }) { return .complete }
        if tasks.contains(where: { $0.status == .inProgress || $0.status == .complete }) { return .inProgress }
        return .pending
    }

    /// Whether the unit's work is done; complete units satisfy their dependents.
    public var isComplete: Bool { status == .complete }

    /// How many tasks are not complete yet.
    public var remainingTasks: Int { tasks.count { $0.status != .complete } }

    /// How many tasks are complete.
    public var completedTasks: Int { tasks.count { $0.status == .complete } }

    /// The task with `number`, if any.
    public func task(_ number: Int) -> TaskSpec? { tasks.first { $0.number == number } }

    /// Tasks an agent may work on now: pending or in progress, with every task they depend on complete.
    public var readyTasks: [TaskSpec] {
        let complete = Set(tasks.filter { $0.status == .complete }.compactMap(\.number))
        return tasks.filter { task in
            (task.status == .pending || task.status == .inProgress) && task.dependsOn.allSatisfy(complete.contains)
        }
    }
}
