import ChooCore

extension Plan {
    /// A plan for scheduling tests: each unit as (ID, units it waits for, remaining critical path),
    /// with one remaining task each.
    package static func fixture(_ units: [(String, [String], Int)], parallelism: Int = 4) -> Plan {
        Plan(
            entries: units.map { id, waitsFor, path in
                Plan.Entry(
                    id: id,
                    title: nil,
                    status: .pending,
                    remainingTasks: 1,
                    totalTasks: 1,
                    level: 1,
                    waitsFor: waitsFor,
                    satisfiedBy: [],
                    remainingCriticalPath: path
                )
            },
            completeUnits: [],
            parallelism: parallelism,
            selectedUnit: nil,
            criticalPath: [],
            criticalPathTasks: 0
        )
    }
}
