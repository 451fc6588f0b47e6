import ChooTesting
import Foundation
import Synchronization
import Testing

@testable import ChooCore

struct EventTests {
    @Test("an event is one JSON line with type, time, unit, task, payload and error")
    func jsonLine() throws {
        let event = Event(
            .taskValidationFail(.init(command: "make test", output: "2 failed\n")),
            time: Date(timeIntervalSince1970: 1_764_149_400.25),
            unit: "app",
            task: 2,

            error: "check failed"
        )
        let line = event.jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "task.validation.fail")
        #expect(object["time"] as? String == "2025-11-26T09:30:00.250Z")
        #expect(object["unit"] as? String == "app")
        #expect(object["task"] as? Int == 2)
        #expect((object["payload"] as? [String: Any])?["output"] as? String == "2 failed\n")
        #expect(object["error"] as? String == "check failed")
        let decoded = try JSONDecoder().decode(Event.self, from: Data(line.utf8))
        #expect(decoded == event)
    }

    @Test("absent fields are left out")
    func sparse() {
        #expect(
            Event(.unitStarted, time: Date(timeIntervalSince1970: 0)).jsonLine
                == #"{"time":"1970-01-01T00:00:00.000Z","type":"unit.started"}"#
        )
    }

    @Test("the bus delivers every event once, in order, with sequence numbers, to every sink")
    func bus() async {
        let first = EventRecorder()
        let lines = Mutex<[String]>([])
        let bus = EventBus(sinks: [first, JSONLinesSink { line in lines.withLock { $0.append(line) } }])
        await withTaskGroup(of: Void.self) { group in
            for worker in 0 ..< 8 {
                group.addTask {
                    for index in 0 ..< 250 {
                        bus.publish(Event(.taskCompleted, unit: "u\(worker)", task: index))
                    }
                }
            }
        }
        #expect(bus.count == 2000)
        await bus.flush()
        #expect(first.all.count == 2000)
        #expect(lines.withLock { $0.count } == 2000)
        for worker in 0 ..< 8 {
            #expect(first.all.filter { $0.unit == "u\(worker)" }.compactMap(\.task) == Array(0 ..< 250))
        }
    }

    @Test("a bus with the run's clock dates every event by it as it is published; one without keeps their times")
    func clock() async {
        let clock = ManualWaitClock()
        let recorder = EventRecorder()
        let bus = EventBus(sinks: [recorder], clock: clock)
        let made = Date(timeIntervalSince1970: 5)
        bus.publish(Event(.taskCompleted, time: made, unit: "a"))
        clock.advance(by: .seconds(90))
        bus.publish(Event(.taskCompleted, time: made, unit: "b"))
        await bus.flush()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(recorder.all.map(\.time) == [start, start + 90])

        let plain = EventRecorder()
        let unclocked = EventBus(sinks: [plain])
        unclocked.publish(Event(.taskCompleted, time: made, unit: "a"))
        await unclocked.flush()
        #expect(plain.all.map(\.time) == [made])
    }

    @Test("a sink that is stuck does not hold up publishing; it gets every event in order once it goes on")
    func slowSink() async {
        /// A sink whose first delivery waits until the test lets it go on.
        final class StuckSink: EventSink {
            let gate = DispatchSemaphore(value: 0)
            let received = Mutex<[Int]>([])

            func receive(_ event: Event, sequence: Int) {
                if sequence == 1 { gate.wait() }
                received.withLock { $0.append(sequence) }
            }
        }
        let stuck = StuckSink()
        let other = EventRecorder()
        let bus = EventBus(sinks: [stuck, other])
        for index in 0 ..< 100 {
            bus.publish(Event(.taskStarted(.init(attempt: 1, offered: [])), unit: "u", task: index))
        }
        // Every publish returned while the first sink was still stuck on the first event.
        #expect(bus.count == 100)
        #expect(stuck.received.withLock { $0.isEmpty })
        stuck.gate.signal()
        await bus.flush()
        #expect(stuck.received.withLock { $0 } == Array(1 ... 100))
        #expect(other.all.compactMap(\.task) == Array(0 ..< 100))
        // Closing delivers what is queued and lets the sinks go.
        bus.publish(Event(.taskStarted(.init(attempt: 1, offered: [])), unit: "u", task: 100))
        await bus.close()
        #expect(other.all.count == 101)
        bus.publish(Event(.taskStarted(.init(attempt: 1, offered: [])), unit: "u", task: 101))
        await bus.flush()
        #expect(other.all.count == 101)
    }
}
