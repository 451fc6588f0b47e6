import Foundation
import Testing

@testable import ChooCore

struct RunStateTests {
    let start = Date(timeIntervalSince1970: 1_000)

    func progress() -> RunState {
        var progress = RunState()
        progress.apply(
            Event(
                .orchStarted(.init(units: 4, parallelism: 2, tasks: 4, logFolder: "/repo/.ralph/worktrees/logs")),
                time: start
            )
        )
        for unit in ["a", "b", "c", "d"] {
            progress.apply(Event(.unitQueued(.init(level: 0)), time: start, unit: unit))
        }
        progress.apply(Event(.unitStarted, time: start, unit: "a"))
        progress.apply(
            Event(.taskStarted(.init(attempt: 2, offered: [2])), time: start.addingTimeInterval(60), unit: "a", task: 2)
        )
        progress.apply(
            Event(
                .taskClaudeInvoke(
                    .init(
                        provider: "claude",
                        attempt: 2,
                        logFile: "/repo/.ralph/worktrees/logs/a/002-task2-attempt2.log"
                    )
                ),
                time: start,
                unit: "a",
                task: 2
            )
        )
        progress.apply(Event(.unitStarted, time: start, unit: "b"))
        progress.apply(Event(.unitFailed, time: start, unit: "b", error: "task #1: crashed"))
        progress.apply(Event(.unitBlocked(.init(blockedBy: ["b"])), time: start, unit: "c", error: "blocked by b"))
        return progress
    }

    @Test("events drive each unit's state, task, attempt and log file")
    func applies() throws {
        let view = progress()
        #expect(view.count(.running) == 1)
        #expect(view.count(.failed) == 1)
        #expect(view.count(.blocked) == 1)
        #expect(view.count(.queued) == 1)
        let a = try #require(view.units.first { $0.id == "a" })
        #expect(a.task == 2)
        #expect(a.attempt == 2)
        #expect(a.logFile == "/repo/.ralph/worktrees/logs/a/002-task2-attempt2.log")
        #expect(view.units.first { $0.id == "b" }?.error == "task #1: crashed")
    }

    @Test("the live block shows counts, elapsed time and each running unit")
    func liveLines() {
        let lines = progress().liveLines(now: start.addingTimeInterval(75), style: .plain, relativeTo: "/repo")
        #expect(lines.count == 2)
        #expect(lines[0] == "choo  1 running · 0 done · 1 failed · 1 blocked · 1 queued   01:15")
        #expect(
            lines[1]
                == "  ▶ a         task #2 attempt 2 (00:15) · unit 01:15  .ralph/worktrees/logs/a/002-task2-attempt2.log"
        )
    }

    @Test("a unit between tasks shows its step and its own time; a running check is named")
    func liveLinesBetweenTasks() {
        var view = progress()
        view.apply(
            Event(.taskBackpressure(.init(command: "make")), time: start.addingTimeInterval(70), unit: "a", task: 2)
        )
        let checking = view.liveLines(now: start.addingTimeInterval(75), style: .plain)[1]
        #expect(checking.hasPrefix("  ▶ a         task #2 attempt 2 (00:15) checking · unit 01:15  "))
        view.apply(Event(.unitMergeStarted, time: start.addingTimeInterval(80), unit: "a"))
        let landing = view.liveLines(now: start.addingTimeInterval(90), style: .plain)[1]
        #expect(landing.hasPrefix("  ▶ a         landing · unit 01:30  "))
    }

    @Test("notable events get one line; chatter gets none")
    func eventLines() {
        let failed = EventLine.text(for: Event(.unitFailed, time: start, unit: "b", error: "task #1: crashed"))
        #expect(failed == "00:16:40 b failed: task #1: crashed")
        let committed = EventLine.text(
            for: Event(.taskCommitted(.init(commit: "0123456789abcdef")), time: start, unit: "a", task: 1)
        )
        #expect(committed == "00:16:40 a task #1: committed 01234567")
        #expect(EventLine.text(for: Event(.unitQueued(.init(level: 0)), time: start, unit: "a")) == nil)
        #expect(EventLine.text(for: Event(.taskValidationOK(.init(command: "make")), time: start, unit: "a")) == nil)
        let started = EventLine.text(
            for: Event(.orchStarted(.init(units: 3, parallelism: 2, tasks: 3, logFolder: "/r/logs")), time: start),
            relativeTo: "/r"
        )
        #expect(started == "00:16:40 run started: 3 units, parallelism 2; agent logs in logs")
    }

    @Test("pull request events get lines a person can follow")
    func pullRequestLines() {
        let opened = EventLine.text(
            for: Event(.prCreated(.init(number: 7, url: "https://x/7", adopted: false)), time: start, unit: "a")
        )
        #expect(opened == "00:16:40 a pull request #7 opened: https://x/7")
        let approved = EventLine.text(
            for: Event(.prReviewApproved(.init(number: 7, by: "ana")), time: start, unit: "a")
        )
        #expect(approved == "00:16:40 a #7 approved by ana")
        let failing = EventLine.text(
            for: Event(
                .prChecks(.init(number: 7, head: "abc", result: .failed, round: 1)),
                time: start,
                unit: "a",
                error: "build"
            )
        )
        #expect(failing == "00:16:40 a #7 CI failed: build")
        #expect(
            EventLine.text(
                for: Event(.prChecks(.init(number: 7, head: "abc", result: .passed, checks: 1)), time: start, unit: "a")
            ) == nil
        )
        var view = progress()
        view.apply(Event(.prReviewPending(.init(number: 7, url: "https://x/7")), time: start, unit: "a"))
        #expect(view.units.first { $0.id == "a" }?.step == "review")
    }

    @Test("clock text", arguments: [(0.0, "00:00"), (59.9, "00:59"), (61, "01:01"), (3725, "1:02:05")])
    func clock(_ seconds: Double, _ text: String) {
        #expect(RunState.clock(seconds) == text)
    }
}
