import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct RunJournalTests {
    let folder = TemporaryDirectory.current("base")

    /// A journal in `folder` with a `choo run` started.
    func startedRun() throws -> (RunJournal, Int64) {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        return (journal, run)
    }

    @Test("every event is stored once with its sequence number, and the derived tables follow")
    func recordsARun() async throws {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(
            command: "choo run",
            options: ["parallelism": "2"],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
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
        _ = try first.startRun(command: "one", options: [:], at: Date(timeIntervalSince1970: 1_700_000_000))
        let second = try RunJournal(in: folder)
        _ = try second.startRun(command: "two", options: [:], at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try second.runs().map(\.command) == ["two", "one"])
        #expect(try RunJournal.existing(in: folder + "/nowhere") == nil)
    }

    @Test("journals opened apart on one file wait for each other's writes: none is lost, no open fails")
    func concurrentWriters() async throws {
        // A run writes its events through one journal and its webhook results through another;
        // `choo status`, the dashboard and the MCP server open their own while it writes.
        let (journal, run) = try startedRun()
        let rounds = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let bus = EventBus(sinks: [journal.sink(for: run)])
                for index in 0 ..< rounds { bus.publish(Event(.unitStarted, unit: "u\(index)")) }
                await bus.flush()
            }
            group.addTask {
                let hooks = try RunJournal(in: folder)
                for index in 0 ..< rounds {
                    let result = WebhookDelivery.Result(
                        hook: 0,
                        eventType: "unit.started",
                        sequence: index,
                        delivered: true,
                        status: 200,
                        attempts: 1
                    )
                    hooks.recordNotification(result, run: run, at: Date(timeIntervalSince1970: 1_700_000_000))
                }
            }
            group.addTask {
                for _ in 0 ..< 50 { _ = try #require(try RunJournal.existing(in: folder)).runs() }
            }
            try await group.waitForAll()
        }
        #expect(try journal.eventCount(run: run) == rounds)
        #expect(try journal.notifications(run: run).count == rounds)
    }

    @Test(
        "the checkout's states and changes are recorded per run; the newest change of each path is read back read-only"
    )
    func checkoutRecords() throws {
        #expect(try RunJournal.earlierCheckoutChanges(in: folder).isEmpty, "no journal yet")
        let journal = try RunJournal(in: folder)
        let first = try journal.startRun(command: "one", options: [:], at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try RunJournal.earlierCheckoutChanges(in: folder).isEmpty)
        let start = CheckoutSnapshot(head: "abc", entries: ["mine.txt": .init(status: "??", fingerprint: "1")])
        try journal.recordCheckout(start, at: .start, run: first, time: Date(timeIntervalSince1970: 1_700_000_000))
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
        let second = try journal.startRun(command: "two", options: [:], at: Date(timeIntervalSince1970: 1_700_000_000))
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
        let (journal, run) = try startedRun()
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
            state: RunState(),
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

    // MARK: The rows as projections of the run's state

    @Test("a run recorded in the journal rebuilds into the state the run kept, and the rows are that state's")
    func rebuildsTheLiveState() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        let specs = SpecFixture(root: repository.path)
        let agent = try FakeAgent.install(
            .markWithoutWorkingFirst,
            overrides: ["broken": .neverMarks],
            in: TemporaryDirectory.current("agent")
        )
        func check(_ unit: String, _ task: Int) -> String { "test -f work/\(unit)-0\(task)-task-\(task).done" }
        try specs.unit(
            "base",
            tasks: [.init(1, backpressure: check("base", 1)), .init(2, backpressure: check("base", 2), dependsOn: [1])]
        )
        try specs.unit("broken", dependsOn: ["base"])
        try specs.unit("after", dependsOn: ["broken"])
        try specs.write(
            ".choo.yaml",
            agent.configYAML + """
                max_attempts: 2
                agent_timeout: 60s
                baseline_checks:
                  - name: lint
                    command: "test -f work/baseline-fixed"

                """
        )
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "Add the spec tree")
        let environment = ProcessInfo.processInfo.environment.merging(GitRepository.environment) { $1 }
        let workspace = Workspace.open(tasksDirectory: nil, currentDirectory: repository.path, environment: environment)
        #expect(!workspace.hasErrors)
        let orchestrator = Orchestrator(
            workspace: workspace,
            plan: try workspace.plan(),
            effects: .local(),
            environment: environment
        )
        let bus = EventBus()
        let context = try await orchestrator.prepare(bus: bus)
        let (requests, _) = AsyncStream.makeStream(of: ShutdownRequest.self)
        let outcome = await orchestrator.run(context: context, shutdownRequests: requests)
        await bus.close()
        #expect(outcome.exitCode == 1)

        let journal = try #require(try RunJournal.existing(in: repository(".ralph/worktrees")))
        let run = try #require(try journal.runs().first)
        let rebuilt = try journal.state(run: run.id)
        #expect(rebuilt == outcome.state)
        #expect(rebuilt.unit("base")?.committedTasks == [1, 2])
        #expect(rebuilt.unit("base")?.turns.map(\.kind) == [.task, .task, .task, .task, .baseline])
        #expect(rebuilt.unit("broken")?.failure?.phase == .task(1))

        // The rows say what the state says.
        #expect(run.outcome == "failed" && run.endedAt != nil)
        #expect([run.units, run.complete, run.failed, run.blocked, run.notStarted] == [3, 1, 1, 1, 0])
        let attempts = try journal.latestAttempts()
        #expect(attempts["base"]?.status == "complete")
        #expect(attempts["broken"]?.status == "failed")
        #expect(attempts["broken"]?.error == rebuilt.unit("broken")?.failure?.reason)
        #expect(attempts["after"]?.status == "blocked")
        for unit in ["base", "broken"] {
            let invocations = try journal.invocations(of: unit)
            let turns = try #require(rebuilt.unit(unit)?.turns)
            #expect(invocations.map(\.logFile) == turns.map(\.logFile))
            #expect(invocations.map(\.exit) == turns.map(\.exit))
            #expect(invocations.map(\.endedAt) == turns.map { $0.endedAt.map(RunState.text(instant:)) })
            #expect(invocations.allSatisfy { $0.endedAt != nil })
        }
    }

    @Test("the events come back as the typed events that were published, to the millisecond")
    func readsEventsBack() async throws {
        let (journal, run) = try startedRun()
        let bus = EventBus(sinks: [journal.sink(for: run)])
        let published = [
            Event(.orchStarted(.init(units: 1, parallelism: 1, tasks: 1, logFolder: "/logs")), time: Date()),
            Event(.unitStarted, time: Date(timeIntervalSince1970: 1_764_149_400.9999), unit: "ü \"quoted\""),
            Event(
                .taskValidationFail(.init(command: "make", output: "line\n\u{1}")),
                time: Date(),
                unit: "u",
                task: 3,
                error: "exited 2"
            ),
            Event(.unknown(type: "agent.thought", fields: ["text": "hm"]), time: Date()),
        ]
        for event in published { bus.publish(event) }
        await bus.flush()
        let stored = try journal.events(run: run)
        #expect(stored.map(\.jsonLine) == published.map(\.jsonLine))
        #expect(stored.map(\.payload) == published.map(\.payload))
        #expect(RunState(events: stored) == RunState(events: published))
    }

    @Test("a run killed half-way has rows as its state stood: counts, the running unit and its open turn")
    func killedRunRows() async throws {
        let (journal, run) = try startedRun()
        let sink = journal.sink(for: run)
        let events = [
            Event(.orchStarted(.init(units: 2, parallelism: 1, tasks: 2))),
            Event(.unitQueued(.init(level: 1)), unit: "a"),
            Event(.unitQueued(.init(level: 2)), unit: "b"),
            Event(.unitStarted, unit: "a"),
            Event(.unitWorktree(.init(path: "/w/a", branch: "ralph/a", resumed: false)), unit: "a"),
            Event(.taskStarted(.init(attempt: 1, offered: [1])), unit: "a", task: 1),
            Event(
                .taskClaudeInvoke(.init(provider: "fake", attempt: 1, logFile: "/l/a/001-task1-attempt1.log")),
                unit: "a",
                task: 1
            ),
        ]
        for (index, event) in events.enumerated() { sink.receive(event, sequence: index + 1) }
        // No more events: the process was killed.
        let record = try #require(try journal.runs().first)
        #expect(record.outcome == "running" && record.endedAt == nil)
        #expect([record.units, record.complete, record.failed, record.blocked, record.notStarted] == [2, 0, 0, 0, 1])
        #expect(try journal.latestAttempts()["a"]?.status == "running")
        #expect(try journal.latestAttempts()["b"] == nil, "a unit that never started has no attempt")
        let invocation = try #require(try journal.invocations(of: "a").first)
        #expect(invocation.endedAt == nil && invocation.task == 1)
        #expect(try journal.state(run: run) == sink.state)
        #expect(sink.state.unit("a")?.phase == .task(1))
    }
}
