import ChooCore
import ChooTesting
import Foundation
import Synchronization
import Testing

/// An HTTP transport for webhook tests: answers with scripted statuses (then 200), or holds every
/// request until the task is cancelled.
private final class ScriptedTransport: HTTPTransport {
    private let statuses: Mutex<[Int]>
    private let hangs: Bool
    let sent = Mutex<[HTTPRequest]>([])
    let arrivals: AsyncStream<Void>
    private let arrival: AsyncStream<Void>.Continuation

    init(statuses: [Int] = [], hangs: Bool = false) {
        self.statuses = Mutex(statuses)
        self.hangs = hangs
        (arrivals, arrival) = AsyncStream.makeStream(of: Void.self)
    }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        arrival.yield()
        if hangs {
            // Held until the delivery is given up (cancelled); never answered.
            let (never, _) = AsyncStream.makeStream(of: Void.self)
            for await _ in never {}
            throw CancellationError()
        }
        let status = statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
        return HTTPResponse(status: status)
    }
}

/// The results a sink recorded.
private final class Results: Sendable {
    let list = Mutex<[WebhookDelivery.Result]>([])
    var all: [WebhookDelivery.Result] { list.withLock { $0 } }
    func append(_ result: WebhookDelivery.Result) { list.withLock { $0.append(result) } }
}

@Suite struct WebhookTests {
    private let url = URL(string: "https://hooks.slack.com/services/T0SECRET/B0SECRET/tokentokentokentoken")!

    private func sink(
        _ hooks: [ChooConfig.Webhook],
        transport: ScriptedTransport,
        results: Results
    ) -> WebhookSink {
        WebhookSink(
            hooks: hooks,
            delivery: WebhookDelivery(transport: transport, clock: ManualWaitClock(), redact: { $0 }),
            repository: "demo",
            record: { results.append($0) }
        )
    }

    private static let events: [Event] = [
        Event(.unitStarted, unit: "a"),
        Event(.unitFailed, unit: "a", error: "task #1: the check failed"),
        Event(
            .orchFailed(
                .init(
                    total: 1,
                    complete: 0,
                    failed: 1,
                    blocked: 0,
                    notStarted: 0,
                    durationSeconds: 1,
                    interrupted: false
                )
            )
        ),
    ]

    @Test("by default only the events that need a person are sent: as their --json line, or as Slack text")
    func rightEventsBothFormats() async throws {
        let transport = ScriptedTransport()
        let results = Results()
        let hooks = [
            ChooConfig.Webhook(url: url), ChooConfig.Webhook(url: url, events: [.unitFailed], format: .slack),
        ]
        let webhooks = sink(hooks, transport: transport, results: results)
        let bus = EventBus(sinks: [webhooks])
        for event in Self.events { bus.publish(event) }
        await bus.close()
        await webhooks.drain(within: .seconds(60))
        let sent = transport.sent.withLock { $0 }
        #expect(sent.count == 3)
        #expect(sent.allSatisfy { $0.method == "POST" && $0.header("Content-Type") == "application/json" })
        let json = try sent.filter { !String(decoding: $0.body ?? Data(), as: UTF8.self).contains("\"text\"") }.map {
            try JSONDecoder().decode(Event.self, from: $0.body ?? Data())
        }
        #expect(json.map(\.type) == [.unitFailed, .orchFailed])
        let slack = try #require(sent.first { String(decoding: $0.body ?? Data(), as: UTF8.self).contains("\"text\"") })
        let text = try JSONDecoder().decode([String: String].self, from: slack.body ?? Data())
        #expect(text.keys.sorted() == ["text"])
        #expect(text["text"]?.hasPrefix("choo (demo): ") == true)
        #expect(text["text"]?.contains("task #1: the check failed") == true, "\(text)")
        let recorded = results.all
        #expect(recorded.count == 3 && recorded.allSatisfy { $0.delivered && $0.status == 200 && $0.attempts == 1 })
        #expect(Set(recorded.map(\.sequence)) == [2, 3])
    }

    @Test("a hook answering 500 then 200 gets the event once more, after a backoff, and it counts as delivered")
    func retriedOnce() async throws {
        let transport = ScriptedTransport(statuses: [500])
        let results = Results()
        let webhooks = sink(
            [ChooConfig.Webhook(url: url, events: [.unitFailed])],
            transport: transport,
            results: results
        )
        webhooks.receive(Self.events[1], sequence: 7)
        await webhooks.drain(within: .seconds(60))
        #expect(transport.sent.withLock { $0.count } == 2)
        let result = try #require(results.all.first)
        #expect(results.all.count == 1)
        #expect(result.hook == 0 && result.eventType == "unit.failed" && result.sequence == 7)
        #expect(result.delivered && result.status == 200 && result.attempts == 2 && result.error == nil)
    }

    @Test("a hook that keeps failing is given up after a bounded number of attempts, with its last status")
    func givesUp() async throws {
        let transport = ScriptedTransport(statuses: [500, 502, 503, 504, 200])
        let results = Results()
        let clock = ManualWaitClock()
        let webhooks = WebhookSink(
            hooks: [ChooConfig.Webhook(url: url, events: [.unitFailed])],
            delivery: WebhookDelivery(transport: transport, clock: clock, redact: { $0 }),
            repository: "demo",
            record: { results.append($0) }
        )
        webhooks.receive(Self.events[1], sequence: 1)
        await webhooks.drain(within: .seconds(60))
        let result = try #require(results.all.first)
        #expect(!result.delivered && result.attempts == 4 && result.status == 504 && result.error == "HTTP 504")
        #expect(clock.sleeps == [.seconds(1), .seconds(4), .seconds(15)])
        #expect(result.text == "notify[0]: unit.failed gave up after 4 attempts (HTTP 504): HTTP 504")
    }

    @Test("a hook that hangs holds up neither the bus nor other sinks; at the end it is given up")
    func hangingHookDoesNotBlock() async throws {
        let transport = ScriptedTransport(hangs: true)
        let results = Results()
        let webhooks = sink([ChooConfig.Webhook(url: url)], transport: transport, results: results)
        let recorder = EventRecorder()
        let bus = EventBus(sinks: [webhooks, recorder])
        for event in Self.events { bus.publish(event) }
        var arrivals = transport.arrivals.makeAsyncIterator()
        await arrivals.next()
        // The first delivery hangs; every event still reached every sink.
        await bus.flush()
        #expect(recorder.all.count == 3)
        await bus.close()
        await webhooks.drain(within: .zero)
        let recorded = results.all
        #expect(recorded.first?.delivered == false)
        #expect(recorded.first?.error == "the run ended before it was delivered")
        // The event still queued behind it is given up too, without being sent, and recorded so.
        #expect(recorded.count == 2, "\(recorded)")
        #expect(recorded.last?.eventType == "orch.failed")
        #expect(recorded.last?.delivered == false)
        #expect(recorded.last?.attempts == 0)
        #expect(recorded.last?.error == "the run ended before it could be sent")
        #expect(transport.sent.withLock { $0.count } == 1)
    }
}

extension ConfigTests {
    @Test("notify: hooks with their events, format and timeout; the defaults are the events that need a person")
    func notifySettings() throws {
        let load = try loadConfig(
            """
            notify:
              - url: https://hooks.slack.com/services/T0/B0/XYZ
                format: slack
                events: [unit.failed, orch.completed]
                timeout: 3s
              - url: http://127.0.0.1:9/hook
            """
        )
        #expect(!load.diagnostics.hasErrors, "\(load.diagnostics)")
        let hooks = load.config.notify
        #expect(hooks.count == 2)
        #expect(hooks[0].format == .slack && hooks[0].events == [.unitFailed, .orchCompleted])
        #expect(hooks[0].timeout == .seconds(3))
        #expect(hooks[1].format == .json && hooks[1].events == ChooConfig.Webhook.defaultEvents)
        #expect(!load.notUsedYet().contains { $0.message.contains("notify") })
    }

    @Test(
        "bad notify entries are errors naming the key and line, never quoting the URL",
        arguments: [
            ("notify:\n  - url: hooks.example.com/T0/SECRET\n", "`notify[0].url` is not an http(s) URL", 2),
            ("notify:\n  - url: https://h.example/x\n    format: teams\n", "`notify[0].format` has unknown value", 3),
            ("notify:\n  - url: https://h.example/x\n    events: [unit.fail]\n", "unknown event type `unit.fail`", 3),
            ("notify:\n  - format: slack\n", "`notify[0]`", 2),
            ("notify:\n  - url: https://h.example/x\n    timeout: soon\n", "`notify[0].timeout`", 3),
        ]
    )
    func badNotifySettings(yaml: String, message: String, line: Int) throws {
        let load = try loadConfig(yaml)
        let errors = load.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.line == line && error.file == ".choo.yaml")
        #expect(!error.description.contains("SECRET"))
        #expect(load.config.notify.isEmpty)
    }
}
