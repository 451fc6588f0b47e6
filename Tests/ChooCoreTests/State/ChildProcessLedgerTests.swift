import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The ledger tags every child, stops what a killed run left running even outside its process
/// groups, and reports what a child left behind.
@Suite(.temporaryDirectory)
struct ChildProcessLedgerTests {
    let directory = TemporaryDirectory.current

    @Test("the next run stops a killed run's child that left its process group, by the child's tag")
    func earlierRunsTaggedProcessesStopped() async throws {
        let journal = try RunJournal(in: directory("base"))
        let earlier = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        let marker = "choo-test-marker-" + UUID().uuidString
        // A child of the earlier run started the sleeper; the sleeper carries that child's tag, which
        // this runner does not look for, so it is still running afterwards, like after a kill -9.
        let child = try await SystemProcessRunner().run(
            .shell(
                EscapedProcessTests.setsidSleeper(marker, tag: "earlier-child"),
                in: directory.path,
                timeout: .seconds(60)
            )
        )
        #expect(child.leftovers.isEmpty)
        let sleeper = try #require(ProcessTable.entries().first { ProcessTable.tag(of: $0.pid) == "earlier-child" })
        journal.recordChild(run: earlier, group: child.processIdentifier, startTime: 1, tag: "earlier-child")

        let later = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        let stopped = await ChildProcessLedger(journal: journal, run: later).stopLeftovers()
        #expect(stopped.groups.isEmpty, "the earlier child's own group is gone")
        #expect(stopped.processes.map(\.pid) == [sleeper.pid])
        #expect(stopped.processes.first?.commandLine.contains(marker) == true)
        #expect(!ProcessTable.isRunning(sleeper.pid))
        #expect(try journal.unendedChildren(otherThan: later).isEmpty)
    }

    @Test("through the ledger, every child gets the run's tag, and leftovers are published")
    func ledgerRunnerTagsAndPublishes() async throws {
        let journal = try RunJournal(in: directory("base"))
        let run = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        let ledger = ChildProcessLedger(journal: journal, run: run)
        let recorder = EventRecorder()
        let base = directory("worktrees")
        try FileManager.default.createDirectory(atPath: base + "/u", withIntermediateDirectories: true)
        let bus = EventBus(sinks: [recorder])
        let runner = LedgerRunner(inner: SystemProcessRunner(), ledger: ledger, bus: bus, worktreeBase: base)
        let tagged = try await runner.run(.shell("printf %s \"$CHOO_PROCESS_TAG\"", in: base + "/u"))
        #expect(tagged.output.hasPrefix("choo-\(run)-"))
        await bus.flush()
        #expect(recorder.all.isEmpty, "a child that leaves nothing running is not reported")

        let marker = "choo-test-marker-" + UUID().uuidString
        let outcome = try await runner.run(
            .shell(EscapedProcessTests.setsidSleeper(marker), in: base + "/u", timeout: .seconds(60))
        )
        let leftover = try #require(outcome.leftovers.first)
        #expect(!ProcessTable.isRunning(leftover.pid))
        await bus.flush()
        let event = try #require(recorder.all.first)
        #expect(event.type == .processLeftoversStopped)
        #expect(event.unit == "u")
        #expect(event.details(Event.ProcessLeftovers.self)?.command == "/bin/sh")
        #expect(event.error?.contains(marker) == true, "\(event)")
        #expect(try journal.unendedChildren(otherThan: nil).isEmpty, "both children were recorded as ended")
    }
}
