import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct RunJournalTests {
    let folder = TemporaryDirectory.current("base")

    @Test("every event is stored once with its sequence number, and the derived tables follow")
    func recordsARun() async throws {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(command: "choo run", options: ["parallelism": "2"])
        let bus = EventBus(sinks: [journal.sink(for: run)])
        bus.publish(Event(.orchStarted(.init(units: 2, parallelism: 2, tasks: 2))))
        bus.publish(Event(.unitStarted, unit: "u"))
        bus.publish(
            Event(.unitWorktree(.init(path: "/r/.ralph/worktrees/u", branch: "ralph/u", resumed: false)), unit: "u")
        )
        bus.publish(
            Event(
                .taskClaudeInvoke(.init(provider: "claude", attempt: 1, logFile: "/logs/u/1.log")),
                unit: "u",
                task: 1
            )
        )
        bus.publish(Event(.taskClaudeDone(.init(exit: "exited 0", logFile: "/logs/u/1.log")), unit: "u", task: 1))
        bus.publish(
            Event(.taskValidationFail(.init(command: "make", output: "")), unit: "u", task: 1, error: "exited 2")
        )
        bus.publish(Event(.unitFailed, unit: "u", error: "task #1: check failed"))
        bus.publish(Event(.unitBlocked(.init(blockedBy: ["u"])), unit: "v", error: "blocked by u"))
        bus.publish(
            Event(
                .orchFailed(
                    .init(
                        total: 2,
                        complete: 0,
                        failed: 1,
                        blocked: 1,
                        notStarted: 0,
                        durationSeconds: 1,
                        interrupted: false
                    )
                )
            )
        )
        await bus.flush()
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

    @Test(
        "the checkout's states and changes are recorded per run; the newest change of each path is read back read-only"
    )
    func checkoutRecords() throws {
        #expect(try RunJournal.earlierCheckoutChanges(in: folder).isEmpty, "no journal yet")
        let journal = try RunJournal(in: folder)
        let first = try journal.startRun(command: "one", options: [:])
        #expect(try RunJournal.earlierCheckoutChanges(in: folder).isEmpty)
        let start = CheckoutSnapshot(head: "abc", entries: ["mine.txt": .init(status: "??", fingerprint: "1")])
        try journal.recordCheckout(start, at: .start, run: first)
        #expect(try journal.checkout(run: first, at: .start) == start)
        #expect(try journal.checkout(run: first, at: .end) == nil)
        let intruder = CheckoutSnapshot.Change(
            path: "intruder.txt",
            kind: .appeared,
            now: .init(status: "??", fingerprint: "2")
        )
        let readme = CheckoutSnapshot.Change(
            path: "README.md",
            kind: .changed,
            now: .init(status: " M", fingerprint: "3")
        )
        try journal.recordCheckoutChanges([intruder, readme], run: first)
        let second = try journal.startRun(command: "two", options: [:])
        let removed = CheckoutSnapshot.Change(path: "intruder.txt", kind: .removed, now: nil)
        try journal.recordCheckoutChanges([removed], run: second)
        #expect(try journal.checkoutChanges(run: first) == [intruder, readme])
        #expect(try journal.checkoutChanges(run: second) == [removed])
        let earlier = try RunJournal.earlierCheckoutChanges(in: folder)
        #expect(earlier["intruder.txt"] == .init(run: second, change: removed))
        #expect(earlier["README.md"] == .init(run: first, change: readme))
    }

    @Test("an event the journal cannot write is counted and named, and the run's summary says so")
    func writeFailuresCounted() throws {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(command: "choo run", options: [:])
        let sink = journal.sink(for: run)
        sink.receive(Event(.orchStarted(.init(units: 2, parallelism: 1, tasks: 2))), sequence: 1)
        #expect(sink.writeFailures.count == 0)
        // SQLite refuses a second row with the same run and sequence number.
        sink.receive(Event(.unitStarted, unit: "u"), sequence: 1)
        sink.receive(Event(.unitStarted, unit: "v"), sequence: 1)
        #expect(sink.writeFailures.count == 2)
        let first = try #require(sink.writeFailures.first)
        #expect(first.hasPrefix("event #1 (unit.started): ") && first.contains("UNIQUE constraint failed"), "\(first)")
        #expect(try journal.eventCount(run: run) == 1)

        var outcome = Orchestrator.Outcome(
            summary: .init(succeeded: ["u"], failed: [], blocked: [], notStarted: [], interrupted: false),
            duration: .seconds(1),
            failureReasons: [:],
            blockers: [:],
            logFolder: "/logs",
            targetBranch: "main"
        )
        #expect(!outcome.text(style: .plain).contains("journal"))
        outcome.journalWriteFailures = sink.writeFailures
        #expect(
            outcome.text(style: .plain).contains(
                "warning: the run journal could not record 2 events, so `choo history`, `status` and `logs` miss them; "
                    + "the first: event #1 (unit.started): "
            )
        )
    }
}
