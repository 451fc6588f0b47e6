import Foundation
import Testing

@testable import ChooCore

/// The closing summary, from the scheduler's summary and the run's state.
struct RunSummaryTests {
    @Test("a stopped run counts started units as stopped, with what each committed, and untouched ones apart")
    func stoppedUnits() {
        let state = RunState(events: [
            Event(.unitStarted, unit: "a"),
            Event(.taskCommitted(.init(commit: "abc")), unit: "a", task: 1),
            Event(.taskCommitted(.init(commit: "def")), unit: "a", task: 2),
            Event(.unitInterrupted, unit: "a"),
            Event(.unitStarted, unit: "b"),
            Event(.unitInterrupted, unit: "b"),
        ])
        var outcome = Orchestrator.Outcome(
            summary: .init(
                succeeded: [],
                failed: [],
                blocked: [],
                notStarted: ["c"],
                stopped: ["a", "b"],
                interrupted: true
            ),
            duration: .seconds(3),
            failureReasons: [:],
            blockers: [:],
            logFolder: "/logs",
            targetBranch: "main"
        )
        outcome.state = state
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
