/// What a run would do: the units not yet complete, in dependency order, with their levels and
/// the critical path.
public struct Plan: Sendable, Hashable {
    /// One unit the run would execute.
    public struct Entry: Sendable, Hashable {
        /// The unit ID.
        public var id: String
        /// The unit's title, from its plan.
        public var title: String?
        /// The unit's status now.
        public var status: UnitStatus
        /// Tasks not complete yet.
        public var remainingTasks: Int
        /// All tasks.
        public var totalTasks: Int
        /// 1 for units that can start at once; otherwise one more than the highest level they wait for.
        public var level: Int
        /// Units in this plan it waits for.
        public var waitsFor: [String]
        /// Dependencies already satisfied because those units are complete.
        public var satisfiedBy: [String]
        /// The remaining tasks on the heaviest chain from this unit through its dependents; the
        /// scheduler starts the unit with the largest value first.
        public var remainingCriticalPath: Int

        /// Creates an entry.
        public init(
            id: String,
            title: String?,
            status: UnitStatus,
            remainingTasks: Int,
            totalTasks: Int,
            level: Int,
            waitsFor: [String],
            satisfiedBy: [String],
            remainingCriticalPath: Int
        ) {
            self.id = id
            self.title = title
            self.status = status
            self.remainingTasks = remainingTasks
            self.totalTasks = totalTasks
            self.level = level
            self.waitsFor = waitsFor
            self.satisfiedBy = satisfiedBy
            self.remainingCriticalPath = remainingCriticalPath
        }
    }

    /// The units to run, in topological order (by level, then folder name).
    public var entries: [Entry]
    /// The units that are complete and left out; their IDs satisfy dependencies.
    public var completeUnits: [String]
    /// The most units that run at once.
    public var parallelism: Int
    /// The unit `--unit` asked for, if any.
    public var selectedUnit: String?
    /// The heaviest chain of units by remaining tasks, first to last.
    public var criticalPath: [String]
    /// The remaining tasks along the critical path.
    public var criticalPathTasks: Int

    /// Creates a plan.
    public init(
        entries: [Entry],
        completeUnits: [String],
        parallelism: Int,
        selectedUnit: String?,
        criticalPath: [String],
        criticalPathTasks: Int
    ) {
        self.entries = entries
        self.completeUnits = completeUnits
        self.parallelism = parallelism
        self.selectedUnit = selectedUnit
        self.criticalPath = criticalPath
        self.criticalPathTasks = criticalPathTasks
    }

    /// The unit IDs in the order they appear in ``entries``.
    public var order: [String] { entries.map(\.id) }

    /// Unit IDs grouped by level, level 1 first.
    public var levels: [[String]] {
        let deepest = entries.map(\.level).max() ?? 0
        guard deepest > 0 else { return [] }
        return (1 ... deepest).map { level in entries.filter { $0.level == level }.map(\.id) }
    }

    /// Remaining tasks over all planned units.
    public var remainingTasks: Int { entries.reduce(0) { $0 + $1.remainingTasks } }

    /// The most units that could ever run at once: the widest level, capped by parallelism.
    public var effectiveParallelism: Int { min(parallelism, levels.map(\.count).max() ?? 0) }

    /// The entry for `id`, if planned.
    public func entry(_ id: String) -> Entry? { entries.first { $0.id == id } }
}
