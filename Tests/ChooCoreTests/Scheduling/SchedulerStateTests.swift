import ChooTesting
import Testing

@testable import ChooCore

struct SchedulerStateTests {
    /// A plan with `units` as (id, waits for, remaining critical path).
    func plan(_ units: [(String, [String], Int)], parallelism: Int = 4) -> Plan {
        Plan.fixture(units, parallelism: parallelism)
    }

    @Test("independent units start together up to the cap, longest critical path first")
    func startsByPriority() {
        var state = SchedulerState(
            plan: plan([("a", [], 1), ("b", [], 5), ("c", [], 3), ("d", [], 5)], parallelism: 2),
            landsUnits: false
        )
        #expect(state.start() == [.startUnit("b"), .startUnit("d")])
        #expect(state.handle(.unitFinished("d", .succeeded)) == [.startUnit("c")])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startUnit("a")])
        #expect(state.handle(.unitFinished("c", .succeeded)) == [])
        let summary = SchedulerState.Summary(
            succeeded: ["a", "b", "c", "d"],
            failed: [],
            blocked: [],
            notStarted: [],
            interrupted: false
        )
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.finish(summary)])
        #expect(summary.allSucceeded)
    }

    @Test("ready units that find no free slot are prepared ahead, the next ones first, each once")
    func preparesAhead() {
        var state = SchedulerState(
            plan: plan(
                [("a", [], 6), ("b", [], 5), ("c", [], 4), ("d", [], 3), ("e", [], 2), ("f", ["a"], 1)],
                parallelism: 2
            ),
            landsUnits: false,
            preparesAhead: true
        )
        #expect(state.start() == [.startUnit("a"), .startUnit("b"), .prepareUnit("c"), .prepareUnit("d")])
        // A slot frees: the prepared unit takes it and the next one in line is prepared.
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startUnit("c"), .prepareUnit("e")])
        // f becomes ready behind e: it is prepared too, and nothing is prepared twice.
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startUnit("d"), .prepareUnit("f")])
        #expect(state.handle(.unitFinished("c", .succeeded)) == [.startUnit("e")])
        #expect(state.handle(.shutdownRequested) == [])
        #expect(state.handle(.unitFinished("d", .succeeded)) == [])
    }

    @Test("a unit that waits only for units at work or being landed is prepared meanwhile, once")
    func preparesWhileLanding() {
        var state = SchedulerState(
            plan: plan([("a", [], 3), ("b", ["a"], 2), ("c", ["a", "x"], 1), ("x", [], 1)], parallelism: 2),
            preparesAhead: true
        )
        // a and x run: b waits only for a, c for both; both are prepared while they work.
        #expect(state.start() == [.startUnit("a"), .startUnit("x"), .prepareUnit("b"), .prepareUnit("c")])
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startMerge("a")])
        // a lands: b starts in its prepared worktree and is not prepared again.
        #expect(state.handle(.mergeFinished("a", .merged)) == [.startUnit("b")])
        #expect(state.handle(.unitFinished("x", .succeeded)) == [.startMerge("x")])
        #expect(state.handle(.mergeFinished("x", .merged)) == [.startUnit("c")])
    }

    @Test("once as many units wait to land as may run, no unit starts until a landing makes room")
    func landingBacklogHoldsStarts() {
        var state = SchedulerState(
            plan: plan([("a", [], 1), ("b", [], 1), ("c", [], 1), ("d", [], 1), ("e", [], 1)], parallelism: 2)
        )
        #expect(state.start() == [.startUnit("a"), .startUnit("b")])
        // a's work is done and it lands; b's too: two wait to land (one landing, one queued), as
        // many as may run, so the free slots stay free.
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startMerge("a"), .startUnit("c")])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [])
        #expect(state.handle(.unitFinished("c", .succeeded)) == [])
        #expect(state.running.isEmpty)
        // a landed: b lands and one waits (c): still two, nothing starts.
        #expect(state.handle(.mergeFinished("a", .merged)) == [.startMerge("b")])
        // b landed: only c waits now (landing), so d and e start beside it.
        #expect(
            state.handle(.mergeFinished("b", .merged)) == [.startMerge("c"), .startUnit("d"), .startUnit("e")]
        )
    }

    @Test("a unit with a longer path left than every unit waiting to land starts beside them")
    func criticalUnitPassesLandingBacklog() {
        // a -> d is the chain the run waits for; the others are leaves.
        var state = SchedulerState(
            plan: plan(
                [("a", [], 4), ("b", [], 1), ("c", [], 1), ("d", ["a"], 3), ("e", [], 1), ("f", [], 1), ("g", [], 1)],
                parallelism: 3
            )
        )
        #expect(state.start() == [.startUnit("a"), .startUnit("b"), .startUnit("c")])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startMerge("b"), .startUnit("e")])
        #expect(state.handle(.unitFinished("c", .succeeded)) == [.startUnit("f")])
        // Three wait to land (b landing, c and e queued): as many as may run, so g is held.
        #expect(state.handle(.unitFinished("e", .succeeded)) == [])
        #expect(state.handle(.unitFinished("f", .succeeded)) == [])
        #expect(state.handle(.unitFinished("a", .succeeded)) == [])
        // a (the longer path) lands next.
        #expect(state.handle(.mergeFinished("b", .merged)) == [.startMerge("a")])
        // a landed: c lands, e and f wait, still three. d outranks all three, so it starts; g waits.
        #expect(state.handle(.mergeFinished("a", .merged)) == [.startMerge("c"), .startUnit("d")])
    }

    @Test("at most `parallelism` worktrees stand prepared and unstarted")
    func preparesAheadWithinLimit() {
        var state = SchedulerState(
            plan: plan(
                [("a", [], 5), ("b", [], 5), ("c", ["a"], 4), ("d", ["b"], 3), ("e", ["a", "b"], 2), ("f", ["b"], 1)],
                parallelism: 2
            ),
            preparesAhead: true
        )
        #expect(state.start() == [.startUnit("a"), .startUnit("b"), .prepareUnit("c"), .prepareUnit("d")])
        // b's work is done: e and f could be prepared too, but two prepared worktrees stand (c, d).
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startMerge("b")])
        // b lands: d starts in its worktree. f is ready now, but e (waiting only for a, at work)
        // outranks it: a slot is kept for e when a lands, so e's worktree is made first, and f's
        // is not, as c and e stand prepared.
        #expect(state.handle(.mergeFinished("b", .merged)) == [.startUnit("d"), .prepareUnit("e")])
    }

    @Test("a unit under review holds no slot; it lands once approved, and a failed review blocks its dependents")
    func reviewPhase() {
        var state = SchedulerState(
            plan: plan([("a", [], 3), ("b", [], 2), ("c", ["a"], 1), ("d", ["b"], 1)], parallelism: 1),
            reviewsUnits: true
        )
        #expect(state.start() == [.startUnit("a")])
        // a's work is done: its review starts and the one slot goes to b at once.
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startReview("a"), .startUnit("b")])
        #expect(state.reviewing == ["a"])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startReview("b")])
        // Approved: a joins the merge queue; once landed, its dependent starts.
        #expect(state.handle(.reviewFinished("a", .approved)) == [.startMerge("a")])
        #expect(state.handle(.mergeFinished("a", .merged)) == [.startUnit("c")])
        #expect(state.handle(.reviewFinished("b", .failed(reason: "closed"))) == [.blockUnit("d", by: ["b"])])
        #expect(!state.isFinished)
        let last = state.handle(.unitFinished("c", .succeeded))
        #expect(last == [.startReview("c")])
        #expect(state.handle(.reviewFinished("c", .approved)) == [.startMerge("c")])
        #expect(state.handle(.mergeFinished("c", .merged)).count == 1)
        #expect(state.isFinished)
        #expect(state.summary.failed == ["b"])
    }

    @Test("a chain runs one unit after another")
    func chain() {
        var state = SchedulerState(plan: plan([("a", [], 3), ("b", ["a"], 2), ("c", ["b"], 1)]), landsUnits: false)
        #expect(state.start() == [.startUnit("a")])
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startUnit("b")])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startUnit("c")])
        #expect(state.handle(.unitFinished("c", .succeeded)).count == 1)
        #expect(state.isFinished)
    }

    @Test("a diamond's bottom starts only when both sides succeeded")
    func diamond() {
        var state = SchedulerState(
            plan: plan([("top", [], 3), ("left", ["top"], 2), ("right", ["top"], 2), ("bottom", ["left", "right"], 1)]),
            landsUnits: false
        )
        #expect(state.start() == [.startUnit("top")])
        #expect(state.handle(.unitFinished("top", .succeeded)) == [.startUnit("left"), .startUnit("right")])
        #expect(state.handle(.unitFinished("left", .succeeded)) == [])
        #expect(state.handle(.unitFinished("right", .succeeded)) == [.startUnit("bottom")])
    }

    @Test("a failure blocks its dependents, transitively, naming the blocker; the rest go on")
    func failurePropagation() {
        var state = SchedulerState(
            plan: plan([("a", [], 3), ("b", ["a"], 2), ("c", ["b"], 1), ("x", [], 1), ("y", ["a", "x"], 1)]),
            landsUnits: false
        )
        #expect(state.start() == [.startUnit("a"), .startUnit("x")])
        let actions = state.handle(.unitFinished("a", .failed(reason: "check failed")))
        #expect(actions == [.blockUnit("b", by: ["a"]), .blockUnit("y", by: ["a"]), .blockUnit("c", by: ["b"])])
        let end = state.handle(.unitFinished("x", .succeeded))
        let summary = SchedulerState.Summary(
            succeeded: ["x"],
            failed: ["a"],
            blocked: ["b", "c", "y"],
            notStarted: [],
            interrupted: false
        )
        #expect(end == [.finish(summary)])
        #expect(state.phases["a"] == .failed(reason: "check failed"))
        #expect(!summary.allSucceeded)
    }

    @Test("after a shutdown request nothing new starts and the run ends when running units return")
    func shutdown() {
        var state = SchedulerState(
            plan: plan([("a", [], 2), ("b", [], 1), ("c", ["a"], 1)], parallelism: 1),
            landsUnits: false
        )
        #expect(state.start() == [.startUnit("a")])
        #expect(state.handle(.shutdownRequested) == [])
        let end = state.handle(.unitFinished("a", .succeeded))
        let summary = SchedulerState.Summary(
            succeeded: ["a"],
            failed: [],
            blocked: [],
            notStarted: ["b", "c"],
            interrupted: true
        )
        #expect(end == [.finish(summary)])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [])
    }

    @Test("a unit interrupted after it started counts as stopped; one that never started as not started")
    func interrupted() {
        var state = SchedulerState(plan: plan([("a", [], 2), ("b", ["a"], 1)]), landsUnits: false)
        _ = state.start()
        _ = state.handle(.shutdownRequested)
        let end = state.handle(.unitFinished("a", .interrupted))
        let summary = SchedulerState.Summary(
            succeeded: [],
            failed: [],
            blocked: [],
            notStarted: ["b"],
            stopped: ["a"],
            interrupted: true
        )
        #expect(end == [.finish(summary)])
        #expect(summary.total == 2 && !summary.allSucceeded)
    }

    @Test("a unit whose work was done but not landed when the run stopped counts as stopped, not as not started")
    func stoppedBeforeLanding() {
        var state = SchedulerState(plan: plan([("a", [], 2), ("b", ["a"], 1)]), landsUnits: true)
        _ = state.start()
        _ = state.handle(.shutdownRequested)
        let end = state.handle(.unitFinished("a", .succeeded))
        let summary = SchedulerState.Summary(
            succeeded: [],
            failed: [],
            blocked: [],
            notStarted: ["b"],
            stopped: ["a"],
            interrupted: true
        )
        #expect(end == [.finish(summary)])
    }

    @Test("an empty plan finishes at once; a finish for a unit not running is ignored")
    func edges() {
        var empty = SchedulerState(plan: plan([]), landsUnits: false)
        #expect(
            empty.start() == [
                .finish(.init(succeeded: [], failed: [], blocked: [], notStarted: [], interrupted: false))
            ]
        )
        var state = SchedulerState(plan: plan([("a", [], 1), ("b", ["a"], 1)]), landsUnits: false)
        _ = state.start()
        #expect(state.handle(.unitFinished("b", .succeeded)) == [])
        #expect(state.phases["b"] == .waiting)
    }

    @Test("finished work waits for the single merge slot; dependents start only once it landed")
    func mergeSlot() {
        var state = SchedulerState(plan: plan([("a", [], 3), ("b", [], 2), ("c", ["a"], 1)]))
        #expect(state.start() == [.startUnit("a"), .startUnit("b")])
        #expect(state.handle(.unitFinished("b", .succeeded)) == [.startMerge("b")])
        #expect(state.handle(.unitFinished("a", .succeeded)) == [], "a waits: the slot is taken by b")
        #expect(state.waitingToMerge == ["a"])
        #expect(state.handle(.mergeFinished("b", .merged)) == [.startMerge("a")])
        #expect(state.phases["c"] == .waiting, "c waits until a has landed")
        #expect(state.handle(.mergeFinished("a", .merged)) == [.startUnit("c")])
        #expect(state.handle(.unitFinished("c", .succeeded)) == [.startMerge("c")])
        let end = state.handle(.mergeFinished("c", .merged))
        #expect(
            end == [
                .finish(.init(succeeded: ["a", "b", "c"], failed: [], blocked: [], notStarted: [], interrupted: false))
            ]
        )
    }

    @Test("a failed merge fails the unit and blocks its dependents")
    func failedMerge() {
        var state = SchedulerState(plan: plan([("a", [], 2), ("b", ["a"], 1)]))
        _ = state.start()
        #expect(state.handle(.unitFinished("a", .succeeded)) == [.startMerge("a")])
        let actions = state.handle(.mergeFinished("a", .failed(reason: "conflicts in x.txt")))
        #expect(actions.first == .blockUnit("b", by: ["a"]))
        #expect(state.phases["a"] == .failed(reason: "conflicts in x.txt"))
        #expect(state.isFinished)
    }

    @Test("a graceful stop lets the merge in progress finish but starts no queued merge")
    func shutdownWithMerges() {
        var state = SchedulerState(plan: plan([("a", [], 2), ("b", [], 1)]))
        _ = state.start()
        _ = state.handle(.unitFinished("a", .succeeded))
        _ = state.handle(.unitFinished("b", .succeeded))
        #expect(state.merging == "a")
        #expect(state.handle(.shutdownRequested) == [])
        let end = state.handle(.mergeFinished("a", .merged))
        #expect(
            end == [
                .finish(
                    .init(succeeded: ["a"], failed: [], blocked: [], notStarted: [], stopped: ["b"], interrupted: true)
                )
            ]
        )
    }

    @Test("among units waiting to land, the longest remaining critical path goes first")
    func mergePriority() {
        var state = SchedulerState(plan: plan([("busy", [], 1), ("short", [], 1), ("chain", [], 5)]))
        _ = state.start()
        #expect(state.handle(.unitFinished("busy", .succeeded)) == [.startMerge("busy")])
        #expect(state.handle(.unitFinished("short", .succeeded)) == [])
        #expect(state.handle(.unitFinished("chain", .succeeded)) == [])
        #expect(state.handle(.mergeFinished("busy", .merged)) == [.startMerge("chain")])
        #expect(state.handle(.mergeFinished("chain", .merged)) == [.startMerge("short")])
    }

    @Test("while a unit lands, its slot is kept for a dependent that outranks every ready unit")
    func slotKeptForTheCriticalPath() {
        var state = SchedulerState(
            plan: plan(
                [("chain-1", [], 9), ("chain-2", ["chain-1"], 6), ("short-a", [], 1), ("short-b", [], 1)],
                parallelism: 2
            )
        )
        #expect(state.start() == [.startUnit("chain-1"), .startUnit("short-a")])
        // chain-1's tasks are done: its slot is not handed to short-b while it lands.
        #expect(state.handle(.unitFinished("chain-1", .succeeded)) == [.startMerge("chain-1")])
        #expect(state.handle(.mergeFinished("chain-1", .merged)) == [.startUnit("chain-2")])
        // A landing whose dependents rank below the ready units keeps nothing.
        #expect(state.handle(.unitFinished("short-a", .succeeded)) == [.startMerge("short-a"), .startUnit("short-b")])
    }
}
