import Foundation
import Testing

@testable import ChooCore

struct ReportTests {
    func makeTree() -> SpecTree {
        func task(_ number: Int, _ status: TaskStatus, dependsOn: [Int] = []) -> TaskSpec {
            TaskSpec(
                number: number,
                fileName: "0\(number)-t.md",
                file: "specs/tasks/x/0\(number)-t.md",
                title: "T\(number)",
                status: status,
                backpressure: "true",
                dependsOn: dependsOn
            )
        }
        return SpecTree(
            repositoryRoot: "/repo",
            tasksDirectory: "/repo/specs/tasks",
            units: [
                Unit(id: "base", directory: "d", planFile: "p", tasks: [task(1, .complete), task(2, .complete)]),
                Unit(id: "broken", directory: "d", planFile: "p", tasks: [task(1, .failed)]),
                Unit(
                    id: "mid",
                    directory: "d",
                    planFile: "p",
                    dependsOn: ["base"],
                    tasks: [task(1, .complete), task(2, .inProgress), task(3, .pending, dependsOn: [2])]
                ),
                Unit(
                    id: "top",
                    directory: "d",
                    planFile: "p",
                    dependsOn: ["mid", "broken"],
                    tasks: [task(1, .pending)]
                ),
            ]
        )
    }

    @Test("status shows bars, task markers, blockers and totals, without colour when plain")
    func statusText() {
        let text = StatusReport(tree: makeTree()).text(style: .plain)
        #expect(!text.contains("\u{1B}["))
        #expect(text.contains("base      [██████████]  2/2    complete\n"))
        #expect(!text.contains("base      [██████████]  2/2    complete\n    ✓"), "complete units take one line")
        #expect(text.contains("mid       [███░░░░░░░]  1/3    in_progress"))
        #expect(text.contains("    ▶ #2 T2\n"))
        #expect(text.contains("    · #3 T3  (after #2)\n"))
        #expect(text.contains("    ✗ #1 T1\n"))
        #expect(text.contains("top") && text.contains("blocked by broken (failed)"))
        #expect(text.contains("waits for mid (in_progress)"))
        #expect(text.contains("Total: 4 units, 1 pending, 1 in progress, 1 complete, 1 failed; tasks 3/7 complete"))
    }

    @Test("status names a unit's pull request (GitHub mode)")
    func statusPullRequest() {
        var tree = makeTree()
        tree.units[0].orchPRNumber = 42
        let text = StatusReport(tree: tree).text(style: .plain)
        #expect(text.contains("base      [██████████]  2/2    complete  pull request #42\n"))
    }

    @Test("status uses colour only when asked")
    func statusColour() {
        let text = StatusReport(tree: makeTree()).text(style: TextStyle(colors: true))
        #expect(text.contains("\u{1B}[32m"))
    }

    @Test("NO_COLOR and non-terminals turn colour off")
    func colourDecision() {
        #expect(TextStyle.forOutput(isTerminal: true, environment: [:]).colors)
        #expect(!TextStyle.forOutput(isTerminal: false, environment: [:]).colors)
        #expect(!TextStyle.forOutput(isTerminal: true, environment: ["NO_COLOR": "1"]).colors)
        #expect(TextStyle.forOutput(isTerminal: true, environment: ["NO_COLOR": ""]).colors)
        #expect(!TextStyle.forOutput(isTerminal: true, environment: ["TERM": "dumb"]).colors)
    }

    @Test("status JSON has stable snake_case keys")
    func statusJSON() throws {
        let json = JSONOutput.encode(StatusReport(tree: makeTree()))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["tasks_dir", "units", "totals", "spend", "last_run", "running_now", "worktrees"])
        let units = try #require(object["units"] as? [[String: Any]])
        #expect(
            Set(units[0].keys) == [
                "id", "title", "status", "provider", "plan_file", "depends_on", "waiting_for", "blocked_by",
                "tasks_total", "tasks_complete", "orch_branch", "orch_worktree", "orch_pr_number", "orch_started_at",
                "orch_completed_at", "tasks", "spec_status", "unit_branch", "committed_tasks", "last_attempt", "spend",
            ]
        )
        let top = try #require(units.first { $0["id"] as? String == "top" })
        #expect(top["blocked_by"] as? [String] == ["broken"])
        #expect(top["waiting_for"] as? [String] == ["mid"])
        let tasks = try #require((units.first { $0["id"] as? String == "mid" })?["tasks"] as? [[String: Any]])
        #expect(Set(tasks[0].keys) == ["number", "title", "file", "status", "backpressure", "depends_on"])
        #expect(tasks[1]["status"] as? String == "in_progress")
        let totals = try #require(object["totals"] as? [String: Int])
        #expect(
            totals == [
                "units": 4, "pending": 1, "in_progress": 1, "complete": 1, "failed": 1, "blocked": 0,
                "tasks": 7, "tasks_complete": 3,
            ]
        )
    }

    @Test("plan text names levels, order, parallelism and the critical path")
    func planText() throws {
        var tree = makeTree()
        tree.units.removeAll { $0.id == "broken" }
        tree.units[tree.units.count - 1].dependsOn = ["mid"]
        let plan = try Planner.plan(tree, parallelism: 4)
        let text = PlanReport(plan: plan, tasksDirectory: "specs/tasks").text(style: .plain)
        #expect(text.contains("Plan: 2 units to run, 3 tasks remaining"))
        #expect(text.contains("Parallelism: 4 (at most 1 at once in this graph)"))
        #expect(text.contains("Complete, left out: 1 unit (base)"))
        #expect(text.contains("Level 1 (1 unit)\n  mid"))
        #expect(text.contains("after mid"))
        #expect(text.contains("Order: mid, top"))
        #expect(text.contains("Critical path: mid -> top (3 tasks)"))
        #expect(text.contains("Dry run: nothing was started"))
    }

    @Test("plan JSON has stable snake_case keys")
    func planJSON() throws {
        var tree = makeTree()
        tree.units.removeAll { $0.id == "broken" }
        tree.units[tree.units.count - 1].dependsOn = ["mid"]
        let json = JSONOutput.encode(PlanReport(plan: try Planner.plan(tree, parallelism: 2), tasksDirectory: "t"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "tasks_dir", "dry_run", "parallelism", "effective_parallelism", "remaining_tasks", "levels", "order",
                "complete_units", "selected_unit", "critical_path", "units",
            ]
        )
        #expect(object["levels"] as? [[String]] == [["mid"], ["top"]])
        let critical = try #require(object["critical_path"] as? [String: Any])
        #expect(critical["units"] as? [String] == ["mid", "top"])
        #expect(critical["tasks"] as? Int == 3)
        let units = try #require(object["units"] as? [[String: Any]])
        #expect(
            Set(units[0].keys) == [
                "id", "title", "status", "level", "remaining_tasks", "total_tasks", "waits_for", "satisfied_by",
                "remaining_critical_path",
            ]
        )
        #expect(units[0]["satisfied_by"] as? [String] == ["base"])
    }

    @Test("diagnostics render like a compiler, with the hint below")
    func diagnosticText() {
        let diagnostic = Diagnostic(
            .error,
            .missingBackpressure,
            "the task has no backpressure command",
            hint: "add one",
            file: "specs/tasks/u/01-a.md",
            line: 3,
            unit: "u",
            task: 1
        )
        #expect(
            diagnostic.description
                == "specs/tasks/u/01-a.md:3: error: the task has no backpressure command (unit u, task #1) "
                + "[missing-backpressure]\n  hint: add one"
        )
        let report = DiagnosticsReport(
            diagnostics: [diagnostic],
            tasksDirectory: "specs/tasks",
            unitCount: 1,
            taskCount: 1
        )
        #expect(report.text(style: .plain).hasSuffix("specs/tasks: 1 unit, 1 task; 1 error, 0 warnings: invalid\n"))
    }
}
