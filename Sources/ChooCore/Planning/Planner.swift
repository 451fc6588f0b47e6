/// Builds a ``Plan`` from a validated spec tree.
public enum Planner {
    /// Why a plan could not be made.
    public enum PlanError: Error, Sendable, Hashable, CustomStringConvertible {
        /// `--unit` named a unit that does not exist; the message says so, with a "did you mean".
        case unknownUnit(String, message: String)
        /// The units form a cycle (validation reports these first).
        case cycle([String])

        public var description: String {
            switch self {
            case .unknownUnit(_, let message):
                return message
            case .cycle(let units):
                return "units depend on each other in a cycle: \(units.joined(separator: " -> "))"
            }
        }
    }

    /// Plans the units of `tree` that are not complete. With `only`, plans that unit and every
    /// not-yet-complete unit it depends on, directly or through others.
    public static func plan(_ tree: SpecTree, parallelism: Int, only: String? = nil) throws(PlanError) -> Plan {
        var byID: [String: Unit] = [:]
        for unit in tree.units { byID[unit.id] = unit }
        var selected = Set(tree.units.filter { !$0.isComplete }.map(\.id))
        if let only {
            guard let target = byID[only] else {
                throw .unknownUnit(only, message: tree.noSuchUnit(only))
            }
            selected = []
            var pending = target.isComplete ? [] : [target.id]
            while let id = pending.popLast() {
                guard selected.insert(id).inserted, let unit = byID[id] else { continue }
                pending += unit.dependsOn.filter { byID[$0].map { !$0.isComplete } ?? false }
            }
        }

        var dependencies: [String: [String]] = [:]
        for id in selected { dependencies[id] = byID[id]?.dependsOn.filter(selected.contains) ?? [] }
        let graph = DependencyGraph(dependencies: dependencies)
        if let cycle = graph.cycles().first { throw .cycle(cycle) }
        let weight: (String) -> Int = { byID[$0]?.remainingTasks ?? 0 }
        guard let levels = graph.levels(), let order = graph.topologicalOrder(),
            let downstream = graph.downstreamWeights(weight), let critical = graph.criticalPath(weight)
        else { throw .cycle([]) }

        let entries = order.compactMap { id -> Plan.Entry? in
            guard let unit = byID[id] else { return nil }
            return Plan.Entry(
                id: id,
                title: unit.title,
                status: unit.status,
                remainingTasks: unit.remainingTasks,
                totalTasks: unit.tasks.count,
                level: levels[id] ?? 1,
                waitsFor: graph.dependencies(of: id),
                satisfiedBy: unit.dependsOn.filter { byID[$0]?.isComplete ?? false },
                remainingCriticalPath: downstream[id] ?? 0
            )
        }
        return Plan(
            entries: entries,
            completeUnits: tree.units.filter(\.isComplete).map(\.id),
            parallelism: parallelism,
            selectedUnit: only,
            criticalPath: critical.path,
            criticalPathTasks: critical.weight
        )
    }
}
