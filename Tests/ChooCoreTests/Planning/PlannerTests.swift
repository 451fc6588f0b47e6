import ChooTesting
import Testing

@testable import ChooCore

struct PlannerTests {
    func unit(_ id: String, _ dependsOn: [String] = [], tasks: [TaskStatus] = [.pending]) -> Unit {
        let specs = tasks.enumerated().map {
            TaskSpec(number: $0.offset + 1, fileName: "0\($0.offset + 1)-t.md", file: "\(id)/t", status: $0.element)
        }
        return Unit(id: id, directory: id, planFile: "\(id)/IMPLEMENTATION_PLAN.md", dependsOn: dependsOn, tasks: specs)
    }

    func tree(_ units: [Unit]) -> SpecTree {
        SpecTree(repositoryRoot: "/repo", tasksDirectory: "/repo/specs/tasks", units: units.sorted { $0.id < $1.id })
    }

    @Test("complete units are left out and satisfy their dependents")
    func completeDependency() throws {
        let plan = try Planner.plan(
            tree([unit("base", tasks: [.complete, .complete]), unit("app", ["base"], tasks: [.pending, .complete])]),
            parallelism: 4
        )
        #expect(plan.order == ["app"])
        #expect(plan.completeUnits == ["base"])
        let app = try #require(plan.entry("app"))
        #expect(app.level == 1)
        #expect(app.waitsFor.isEmpty)
        #expect(app.satisfiedBy == ["base"])
        #expect(app.remainingTasks == 1)
        #expect(app.totalTasks == 2)
    }

    @Test("levels, order and the critical path by remaining tasks")
    func levelsAndCriticalPath() throws {
        let plan = try Planner.plan(
            tree([
                unit("a", tasks: [.pending]),
                unit("b", tasks: [.pending, .pending, .pending]),
                unit("c", ["a", "b"], tasks: [.pending]),
                unit("d", ["a"], tasks: [.pending, .pending, .pending, .pending, .pending]),
            ]),
            parallelism: 3
        )
        #expect(plan.levels == [["a", "b"], ["c", "d"]])
        #expect(plan.order == ["a", "b", "c", "d"])
        #expect(plan.criticalPath == ["a", "d"])
        #expect(plan.criticalPathTasks == 6)
        #expect(plan.entry("b")?.remainingCriticalPath == 4)
        #expect(plan.effectiveParallelism == 2)
        #expect(plan.remainingTasks == 10)
    }

    @Test("--unit keeps the unit and its transitive dependencies that are not complete")
    func onlyUnit() throws {
        let units = [
            unit("unit-a"), unit("unit-b", ["unit-a"]), unit("unit-c", ["unit-b", "done"]),
            unit("done", tasks: [.complete]), unit("other"),
        ]
        let plan = try Planner.plan(tree(units), parallelism: 4, only: "unit-c")
        #expect(plan.order == ["unit-a", "unit-b", "unit-c"])
        #expect(plan.selectedUnit == "unit-c")
        #expect(try Planner.plan(tree(units), parallelism: 4, only: "unit-a").order == ["unit-a"])
        #expect(try Planner.plan(tree(units), parallelism: 4, only: "done").entries.isEmpty)
    }

    @Test("--unit naming no unit lists the units that exist")
    func unknownOnlyUnit() {
        let message = "there is no unit `nope`. The units are: a, b"
        #expect(throws: Planner.PlanError.unknownUnit("nope", message: message)) {
            try Planner.plan(tree([unit("a"), unit("b")]), parallelism: 4, only: "nope")
        }
        #expect(Planner.PlanError.unknownUnit("nope", message: message).description == message)
    }

    @Test(
        "a unit name that is a typo or the start of one unit's name gets a did-you-mean",
        arguments: [
            ("cor", "; did you mean `core`?"), ("croe", "; did you mean `core`?"), ("clie", "; did you mean `client`?"),
            ("c", "."), ("zzz", "."),
        ]
    )
    func didYouMeanUnit(name: String, expected: String) {
        let units = tree([unit("core"), unit("client")])
        #expect(units.noSuchUnit(name) == "there is no unit `\(name)`\(expected) The units are: client, core")
    }

    @Test("a cycle is refused even if validation was skipped")
    func cycle() {
        #expect(throws: Planner.PlanError.cycle(["a", "b", "a"])) {
            try Planner.plan(tree([unit("a", ["b"]), unit("b", ["a"])]), parallelism: 4)
        }
    }

    @Test("units that are failed or blocked are planned again")
    func failedUnitsArePlanned() throws {
        var blocked = unit("b")
        blocked.orchStatus = .blocked
        let plan = try Planner.plan(tree([unit("a", tasks: [.failed]), blocked]), parallelism: 4)
        #expect(plan.order == ["a", "b"])
        #expect(plan.entry("a")?.status == .failed)
    }
}
