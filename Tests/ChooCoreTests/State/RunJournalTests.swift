import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct RunJournalTests {
    let folder = TemporaryDirectory.current("base")

    @Test("every event is stored once with its sequence number, and the derived tables follow")
    func recordsARun() throws {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(command: "choo run", options: ["parallelism": "2"])
        let bus = EventBus(sinks: [journal.sink(for: run)])
        bus.publish(Event(.orchStarted))
        bus.publish(Event(.unitStarted, unit: "u"))
        bus.publish(Event(.unitWorktree, unit: "u", payload: ["branch": "ralph/u", "path": "/r/.ralph/worktrees/u"]))
        bus.publish(
            Event(.taskClaudeInvoke, unit: "u", task: 1, payload: ["attempt": 1, "log_file": "/logs/u/1.log"])
        )
        bus.publish(Event(.taskClaudeDone, unit: "u", task: 1, payload: ["exit": "exited 0"]))
        bus.publish(Event(.taskValidationFail, unit: "u", task: 1, payload: ["command": "make"], error: "exited 2"))
        bus.publish(Event(.unitFailed, unit: "u", error: "task #1: check failed"))
        bus.publish(Event(.unitBlocked, unit: "v", error: "blocked by u"))
        bus.publish(
            Event(.orchFailed, payload: ["total": 2, "complete": 0, "failed": 1, "blocked": 1, "not_started": 0])
        )
        #expect(try journal.eventCount(run: run) == 9)
        let record = try #require(try journal.runs().first)
        #expect(record.id == run)
        #expect(record.outcome == "failed")
        #expect(record.failed == 1 && record.blocked == 1 && record.units == 2)
        #expect(record.endedAt != nil)
        let invocation = try #require(try journal.invocations(of: "u").first)
        #expect(invocation.task == 1)
        #expect(invocation.logFile == "/logs/u/1.log")
        #expect(invocation.exit == "exited 0")
        let attempts = try journal.latestAttempts()
        #expect(attempts["u"]?.status == "failed")
        #expect(attempts["u"]?.error == "task #1: check failed")
        #expect(attempts["v"]?.status == "blocked")
    }

    @Test("reopening keeps the data and the schema; runs are listed newest first")
    func reopens() throws {
        let first = try RunJournal(in: folder)
        _ = try first.startRun(command: "one", options: [:])
        let second = try RunJournal(in: folder)
        _ = try second.startRun(command: "two", options: [:])
        #expect(try second.runs().map(\.command) == ["two", "one"])
        #expect(try RunJournal.existing(in: folder + "/nowhere") == nil)
    }
}
