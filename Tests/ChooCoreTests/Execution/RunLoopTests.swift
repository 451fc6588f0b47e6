import ChooTesting
import Testing

@testable import ChooCore

struct RunLoopTests {
    func plan(_ units: [(String, [String])], parallelism: Int = 4) -> Plan {
        Plan.fixture(units.map { ($0.0, $0.1, 1) }, parallelism: parallelism)
    }

    @Test("independent units run at the same time; a dependent starts after its dependency")
    func overlapAndOrder() async {
        let gate = UnitGate()
        let recorder = EventRecorder()
        let loop = RunLoop(
            plan: plan([("a", []), ("b", []), ("c", ["a"])]),
            bus: EventBus(sinks: [recorder]),
            shutdownTimeout: .seconds(30)
        )
        let (requests, _) = AsyncStream.makeStream(of: ShutdownRequest.self)
        async let summary = loop.run(shutdownRequests: requests, executeUnit: gate.executor)
        var started = gate.started.makeAsyncIterator()
        let first = await started.next()
        let second = await started.next()
        // Both a and b are running before either finished: they overlap.
        #expect(Set([first, second]) == ["a", "b"])
        gate.finish("a", with: .succeeded)
        #expect(await started.next() == "c")
        gate.finish("b", with: .succeeded)
        gate.finish("c", with: .succeeded)
        let result = await summary
        #expect(result.succeeded == ["a", "b", "c"])
        #expect(result.allSucceeded)
        let types = recorder.all.map(\.typeName)
        #expect(types.first == "orch.started")
        #expect(types.filter { $0 == "unit.queued" }.count == 3)
        #expect(types.last == "orch.completed")
        let startedC = types.lastIndex(of: "unit.started")
        let completedA = recorder.all.firstIndex { $0.type == .unitCompleted && $0.unit == "a" }
        #expect(completedA.map { $0 < (startedC ?? 0) } == true)
    }

    @Test("a failed unit blocks its dependents, the rest complete, and the run reports failure")
    func failure() async {
        let gate = UnitGate()
        let recorder = EventRecorder()
        let loop = RunLoop(
            plan: plan([("a", []), ("b", ["a"]), ("x", [])]),
            bus: EventBus(sinks: [recorder]),
            shutdownTimeout: .seconds(30)
        )
        let (requests, _) = AsyncStream.makeStream(of: ShutdownRequest.self)
        gate.finish("a", with: .failed(reason: "task #1: check failed"))
        gate.finish("x", with: .succeeded)
        let summary = await loop.run(shutdownRequests: requests, executeUnit: gate.executor)
        #expect(summary.failed == ["a"])
        #expect(summary.blocked == ["b"])
        #expect(summary.succeeded == ["x"])
        let blocked = recorder.all.first { $0.type == .unitBlocked }
        #expect(blocked?.unit == "b")
        #expect(blocked?.payload == .unitBlocked(.init(blockedBy: ["a"])))
        #expect(recorder.all.first { $0.type == .unitFailed }?.error == "task #1: check failed")
        #expect(recorder.all.last?.type == .orchFailed)
    }

    @Test("a graceful stop lets the running unit finish and starts nothing new")
    func gracefulStop() async {
        let gate = UnitGate()
        let events = EventStream()
        let loop = RunLoop(
            plan: plan([("a", []), ("b", [])], parallelism: 1),
            bus: EventBus(sinks: [events]),
            shutdownTimeout: .seconds(3600)
        )
        let (requests, signal) = AsyncStream.makeStream(of: ShutdownRequest.self)
        async let summary = loop.run(shutdownRequests: requests, executeUnit: gate.executor)
        var started = gate.started.makeAsyncIterator()
        #expect(await started.next() == "a")
        signal.yield(.graceful)
        await events.first(.orchInterrupted)
        gate.finish("a", with: .succeeded)
        let result = await summary
        #expect(result.succeeded == ["a"])
        #expect(result.notStarted == ["b"])
        #expect(result.interrupted)
    }

    @Test("an immediate stop cancels running units")
    func immediateStop() async {
        let gate = UnitGate()
        let loop = RunLoop(plan: plan([("a", []), ("b", [])]), bus: EventBus(), shutdownTimeout: .seconds(3600))
        let (requests, signal) = AsyncStream.makeStream(of: ShutdownRequest.self)
        async let summary = loop.run(shutdownRequests: requests, executeUnit: gate.executor)
        var started = gate.started.makeAsyncIterator()
        _ = await started.next()
        _ = await started.next()
        signal.yield(.graceful)
        signal.yield(.immediate)
        let result = await summary
        #expect(result.stopped == ["a", "b"] && result.notStarted.isEmpty)
        #expect(result.interrupted)
    }

    @Test("after a graceful stop, the shutdown deadline cancels units that do not finish")
    func deadline() async {
        let gate = UnitGate()
        let (deadlines, fire) = AsyncStream.makeStream(of: Void.self)
        let loop = RunLoop(plan: plan([("a", [])]), bus: EventBus(), shutdownTimeout: .seconds(30)) { _ in
            for await _ in deadlines { return }
            throw CancellationError()
        }
        let (requests, signal) = AsyncStream.makeStream(of: ShutdownRequest.self)
        async let summary = loop.run(shutdownRequests: requests, executeUnit: gate.executor)
        var started = gate.started.makeAsyncIterator()
        _ = await started.next()
        signal.yield(.graceful)
        fire.yield()
        let result = await summary
        #expect(result.stopped == ["a"] && result.notStarted.isEmpty)
    }

    @Test("units land one at a time, dependents start after the landing, and clean-ups finish before the run ends")
    func landingAndCleanUp() async {
        let gate = UnitGate()
        let events = EventStream()
        let cleaned = EventRecorder()
        let loop = RunLoop(
            plan: plan([("a", []), ("b", ["a"])]),
            bus: EventBus(sinks: [events]),
            shutdownTimeout: .seconds(30)
        )
        let (requests, _) = AsyncStream.makeStream(of: ShutdownRequest.self)
        gate.finish("a", with: .succeeded)
        gate.finish("b", with: .succeeded)
        let summary = await loop.run(
            shutdownRequests: requests,
            executeUnit: gate.executor,
            mergeUnit: { _, _ in .merged },
            cleanUp: { unit in cleaned.receive(Event(.unitCompleted, unit: unit), sequence: 0) }
        )
        #expect(summary.succeeded == ["a", "b"])
        #expect(Set(cleaned.all.compactMap(\.unit)) == ["a", "b"], "both clean-ups ran before run() returned")
        let order = events.all.map { "\($0.typeName) \($0.unit ?? "")" }
        #expect(order.firstIndex(of: "unit.completed a")! < order.firstIndex(of: "unit.started b")!)
        #expect(order.contains("unit.merge.queued a"))
        #expect(order.last == "orch.completed ")
    }

    @Test("a unit waiting for a slot is prepared while another runs, and the run waits for preparations")
    func preparesAhead() async {
        let gate = UnitGate()
        let prepared = EventRecorder()
        let loop = RunLoop(
            plan: plan([("a", []), ("b", [])], parallelism: 1),
            bus: EventBus(sinks: []),
            shutdownTimeout: .seconds(30)
        )
        let (requests, _) = AsyncStream.makeStream(of: ShutdownRequest.self)
        async let summary = loop.run(
            shutdownRequests: requests,
            executeUnit: gate.executor,
            prepareUnit: { unit, _ in prepared.receive(Event(.unitStarted, unit: unit), sequence: 0) }
        )
        var started = gate.started.makeAsyncIterator()
        #expect(await started.next() == "a")
        gate.finish("a", with: .succeeded)
        #expect(await started.next() == "b")
        gate.finish("b", with: .succeeded)
        #expect(await summary.succeeded == ["a", "b"])
        #expect(prepared.all.compactMap(\.unit) == ["b"], "only the unit that had to wait was prepared, once")
    }
}
