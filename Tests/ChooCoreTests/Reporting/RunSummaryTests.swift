import Foundation
import Testing

@testable import ChooCore

/// The closing summary, from the scheduler's summary and the run's state.
struct RunSummaryTests {
    @Test("a stopped run counts started units as stopped, with what each committed, and untouched ones apart")
    func stoppedUnits() {
        let state = RunState(events: [
            Event(.orchStarted(.init(units: 3, parallelism: 2, tasks: 4))),
            Event(.unitQueued(.init(level: 1)), unit: "a"),
            Event(.unitQueued(.init(level: 1)), unit: "b"),
            Event(.unitQueued(.init(level: 2)), unit: "c"),
            Event(.unitStarted, unit: "a"),
            Event(.taskCompleted, unit: "a", task: 1),
            Event(.taskCommitted(.init(commit: "abc")), unit: "a", task: 1),
            Event(.taskCompleted, unit: "a", task: 2),
            Event(.taskCommitted(.init(commit: "def")), unit: "a", task: 2),
            Event(.unitStarted, unit: "b"),
            Event(.orchInterrupted(.init(running: ["a", "b"]))),
            Event(.unitInterrupted, unit: "a"),
            Event(.unitInterrupted, unit: "b"),
        ])
        let outcome = Orchestrator.Outcome(
            summary: .init(
                succeeded: [],
                failed: [],
                blocked: [],
                notStarted: ["c"],
                stopped: ["a", "b"],
                interrupted: true
            ),
            duration: .seconds(3),
            state: state,
            logFolder: "/logs",
            targetBranch: "main"
        )
        let text = outcome.text(style: .plain)
        #expect(
            text.contains("Interrupted in 00:03: 3 units, 0 complete, 0 failed, 0 blocked, 2 stopped, 1 not started")
        )
        #expect(text.contains("  ■ a: stopped; task #1, #2 committed on ralph/a\n"), "\(text)")
        #expect(text.contains("  ■ b: stopped; nothing committed yet\n"))
        #expect(text.contains("  not started: c\n"))
        #expect(outcome.exitCode == 130)
    }
}
