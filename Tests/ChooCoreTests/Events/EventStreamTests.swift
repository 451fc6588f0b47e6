import ChooCore
import ChooTesting
import Testing

struct EventStreamTests {
    @Test("an event that already arrived, or arrives later, is returned")
    func returnsMatchingEvents() async {
        let stream = EventStream()
        stream.receive(Event(.unitStarted, unit: "a"), sequence: 1)
        #expect(await stream.first(.unitStarted, unit: "a").unit == "a")
        async let later = stream.first(.unitCompleted, unit: "b")
        stream.receive(Event(.unitCompleted, unit: "b"), sequence: 2)
        #expect(await later.unit == "b")
    }

    @Test("once finished, waiting for an event that never came fails the test instead of hanging")
    func finishedStreamFailsWaits() async {
        let stream = EventStream()
        await withKnownIssue("the awaited event never came") {
            async let pending = stream.first(.prMerged, unit: "a")
            stream.finish("choo exited")
            #expect(await pending.error == "stand-in: choo exited")
            #expect(await stream.first(.prCreated).type == .orchFailed, "a wait after the end returns at once")
        }
    }
}
