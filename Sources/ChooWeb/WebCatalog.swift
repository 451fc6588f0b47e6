import ChooCore

/// What the dashboard knows of the spec tree that the journal's events do not say: each unit's
/// title, dependencies and tasks with their titles. Taken from the tree when the server starts;
/// a unit of a recorded run that is no longer in the tree shows without them.
public struct WebCatalog: Sendable, Hashable {
    /// One unit of the tree.
    public struct UnitInfo: Sendable, Hashable {
        /// The plan's title.
        public var title: String?
        /// The units it depends on.
        public var dependsOn: [String]
        /// Its tasks: number and title, in order.
        public var tasks: [(number: Int, title: String?)]

        /// Creates the information.
        public init(title: String?, dependsOn: [String], tasks: [(number: Int, title: String?)]) {
            self.title = title
            self.dependsOn = dependsOn
            self.tasks = tasks
        }

        public static func == (lhs: UnitInfo, rhs: UnitInfo) -> Bool {
            lhs.title == rhs.title && lhs.dependsOn == rhs.dependsOn
                && lhs.tasks.map(\.number) == rhs.tasks.map(\.number)
                && lhs.tasks.map(\.title) == rhs.tasks.map(\.title)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(title)
            hasher.combine(dependsOn)
            hasher.combine(tasks.map(\.number))
        }
    }

    /// The units, by ID.
    public var units: [String: UnitInfo]

    /// A catalog of `units`.
    public init(units: [String: UnitInfo] = [:]) {
        self.units = units
    }

    /// The catalog of a spec tree.
    public init(tree: SpecTree) {
        var units: [String: UnitInfo] = [:]
        for unit in tree.units {
            units[unit.id] = UnitInfo(
                title: unit.title,
                dependsOn: unit.dependsOn,
                tasks: unit.tasks.enumerated().map { index, task in (task.number ?? index + 1, task.title) }
            )
        }
        self.init(units: units)
    }

    /// The dependencies among `ids` (edges to units outside them left out).
    public func dependencies(among ids: [String]) -> [String: [String]] {
        let present = Set(ids)
        var result: [String: [String]] = [:]
        for id in ids { result[id] = (units[id]?.dependsOn ?? []).filter { present.contains($0) && $0 != id } }
        return result
    }

    /// The heaviest chain of units among `ids`, weighing each unit by its task count (at least 1).
    public func criticalPath(among ids: [String]) -> [String] {
        let graph = DependencyGraph(dependencies: dependencies(among: ids))
        return graph.criticalPath { max(1, units[$0]?.tasks.count ?? 1) }?.path ?? []
    }
}
