import Foundation
import Testing

@testable import ChooCore

/// The state kept in place: units found by ID, counts and spend kept as units change, and each
/// event's answer saying exactly what it changed.
struct RunStateIncrementalTests {
    @Test("units are found by ID and keep the order they came in, whatever order they come in", arguments: [1, 2, 3])
    func index(seed: UInt64) throws {
        var state = RunState()
        var order: [String] = []
        for event in VariedRun.events(units: 30, seed: seed) {
            state.apply(event)
            if let id = event.unit, !order.contains(id) { order.append(id) }
        }
        #expect(state.units.map(\.id) == order)
        for (position, unit) in state.units.enumerated() {
            #expect(state.unit(unit.id) == unit)
            #expect(state.unit(unit.id) == state.units[position])
        }
        #expect(state.unit("no-such-unit") == nil)
    }

    @Test("the counts and the spend kept event by event equal those counted over the units", arguments: [1, 2, 3])
    func tallies(seed: UInt64) {
        var state = RunState()
        for event in VariedRun.events(units: 24, seed: seed) {
            state.apply(event)
            #expect(state.totals == VariedRun.recount(state))
            for unitState in [RunState.UnitState.State.queued, .running, .complete, .failed, .blocked, .interrupted] {
                #expect(state.count(unitState) == state.units.count { $0.state == unitState })
            }
            let spend = state.spend
            let recounted = VariedRun.respend(state)
            #expect(spend.tokens == recounted.tokens)
            #expect(spend.unpriced == recounted.unpriced)
            #expect(spend.estimated == recounted.estimated)
            #expect(abs(spend.costUSD - recounted.costUSD) < 1e-9)
        }
        // The run went through every kind of end.
        #expect(state.totals.complete > 0 && state.totals.failed > 0 && state.totals.blocked > 0)
        #expect(state.totals.unfinished > 0 && state.spend.unpriced > 0 && state.spend.estimated)
    }

    @Test("an event's answer names exactly the units it changed, as they were, and whether the run changed")
    func changes() {
        var state = RunState()
        for event in VariedRun.events(units: 24, seed: 7) {
            let before = state
            let change = state.apply(event)
            #expect(change.isEmpty == (state == before), "\(event.typeName)")
            let changed = Set(change.units.map(\.index))
            #expect(changed.count == change.units.count, "each unit named once")
            for (index, unit) in state.units.enumerated() {
                let earlier = index < before.units.count ? before.units[index] : nil
                #expect(changed.contains(index) == (earlier != unit), "\(event.typeName) \(unit.id)")
            }
            for unit in change.units {
                #expect(unit.before == (unit.index < before.units.count ? before.units[unit.index] : nil))
            }
            #expect(change.run == (runValues(state) != runValues(before)), "\(event.typeName)")
        }
    }

    /// The run's own values, apart from its units.
    func runValues(_ state: RunState) -> [AnyHashable?] {
        [
            state.startedAt, state.finishedAt, state.logFolder, state.parallelism, state.plannedTasks,
            state.stopRequested, state.outcome, state.reported, state.pauses, state.budgetReached,
        ]
    }

    @Test("a state kept live through a feed equals the state rebuilt from the same events", arguments: [1, 2])
    func liveEqualsRebuilt(seed: UInt64) {
        let events = VariedRun.events(units: 40, seed: seed)
        let feed = RunStateFeed()
        for (index, event) in events.enumerated() { feed.receive(event, sequence: index + 1) }
        let rebuilt = RunState(events: events)
        #expect(feed.current == rebuilt)
        #expect(feed.current.totals == rebuilt.totals)
        #expect(feed.current.spend == rebuilt.spend)
        #expect(feed.current.hashValue == rebuilt.hashValue)
    }
}
