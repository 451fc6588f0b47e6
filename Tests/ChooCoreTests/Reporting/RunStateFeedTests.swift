import Foundation
import Testing

@testable import ChooCore

/// The feed of run states a display follows: in order, newest first, never stale at the end.
struct RunStateFeedTests {
    let events = [
        Event(.unitQueued(.init(level: 0)), unit: "a"),
        Event(.unitStarted, unit: "a"),
        Event(.taskStarted(.init(attempt: 1, offered: [1])), unit: "a", task: 1),
        Event(.unitCompleted, unit: "a"),
    ]

    /// The state after the first `count` events.
    func state(after count: Int) -> RunState { RunState(events: events.prefix(count)) }

    @Test("a consumer keeping up sees every state, in the order the events made them")
    func inOrder() async {
        let feed = RunStateFeed()
        var states = feed.makeAsyncIterator()
        for (index, event) in events.enumerated() {
            feed.receive(event, sequence: index + 1)
            #expect(await states.next() == state(after: index + 1))
        }
        feed.finish()
        #expect(await states.next() == nil)
    }

    @Test("a slow consumer skips to the newest state; an event that changes nothing gives no state")
    func skips() async {
        let feed = RunStateFeed()
        var states = feed.makeAsyncIterator()
        feed.receive(events[0], sequence: 1)
        #expect(await states.next() == state(after: 1))
        for (index, event) in events.enumerated().dropFirst() { feed.receive(event, sequence: index + 1) }
        // Chatter: no unit, no change.
        feed.receive(Event(.githubWaiting(.init(reason: "rate limit", seconds: 1))), sequence: 9)
        feed.finish()
        #expect(await states.next() == state(after: events.count), "straight to the newest")
        #expect(await states.next() == nil, "the chatter made no state of its own")
        #expect(feed.current == state(after: events.count))
    }

    @Test("every consumer gets the final state once, even one that starts after the end")
    func finalState() async {
        let feed = RunStateFeed()
        for (index, event) in events.enumerated() { feed.receive(event, sequence: index + 1) }
        feed.finish()
        for _ in 0 ..< 2 {
            var seen: [RunState] = []
            for await state in feed { seen.append(state) }
            #expect(seen == [state(after: events.count)])
        }
    }

    @Test("a consumer waiting for a change gets it when the event comes")
    func waits() async {
        let feed = RunStateFeed()
        let waiting = Task {
            var states = feed.makeAsyncIterator()
            return await states.next()
        }
        feed.receive(events[0], sequence: 1)
        #expect(await waiting.value == state(after: 1))
    }

    @Test("the states end when the bus closes, after the last event's state")
    func endsWithTheBus() async {
        let bus = EventBus()
        let feed = bus.states()
        let followed = Task {
            var seen: [RunState] = []
            for await state in feed { seen.append(state) }
            return seen
        }
        for event in events { bus.publish(event) }
        await bus.close()
        let seen = await followed.value
        #expect(seen.last == state(after: events.count))
        #expect(seen.count >= 1 && seen.count <= events.count)
        // In order: each state seen is a later one than the one before.
        let order = seen.compactMap { state in (1 ... events.count).first { self.state(after: $0) == state } }
        #expect(order == order.sorted() && order.count == seen.count && Set(order).count == order.count)
    }

    @Test("cancelling the consuming task ends its iteration")
    func cancelled() async {
        let feed = RunStateFeed()
        let following = Task {
            var count = 0
            for await _ in feed { count += 1 }
            return count
        }
        following.cancel()
        #expect(await following.value == 0)
        // The feed goes on for others.
        feed.receive(events[0], sequence: 1)
        var states = feed.makeAsyncIterator()
        #expect(await states.next() == state(after: 1))
    }
}
