import ChooCore
import ChooTesting
import Foundation
import Testing

/// Webhooks (`notify:`) through the built binary, against a local receiver.
@Suite(.temporaryDirectory)
struct NotifyTests {
    /// The secret part of every hook's URL, as a Slack URL carries its token.
    static let secret = "T0SECRET/B0SECRET/tokentokentokentoken"

    @Test("a run tells its hooks what needs a person, in both formats, retrying a 500 once; the URL stays secret")
    func runNotifies() async throws {
        try await WebhookReceiver.withServer(answers: ["/flaky/": [500]], hanging: ["/hang/"]) { receiver in
            let settings = """
                notify:
                  - url: \(receiver.url)/json/\(Self.secret)
                    timeout: 5s
                  - url: \(receiver.url)/slack/\(Self.secret)
                    format: slack
                    events: [unit.failed]
                    timeout: 5s
                  - url: \(receiver.url)/flaky/\(Self.secret)
                    events: [orch.failed]
                    timeout: 5s
                  - url: \(receiver.url)/hang/\(Self.secret)
                    events: [unit.started]
                    timeout: 1s

                """
            let fixture = try await RunFixture(
                .completeNextTask,
                overrides: ["bad": .crash(code: 3)],
                settings: settings
            ) { specs in
                try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
                try specs.unit("bad", tasks: [.init(1, backpressure: workCheck("bad", 1))])
            }
            let result = try await fixture.choo("run", "--json")
            // The hooks never fail the run: it exits as its units say (bad failed).
            #expect(result.exitCode == 1, "\(result.stderr)")
            let events = try fixture.events(result)
            #expect(events.last?.type == .orchFailed)

            let json = try receiver.received(under: "/json/").map {
                try JSONDecoder().decode(Event.self, from: Data($0.body.utf8))
            }
            #expect(json.map(\.type) == [.unitFailed, .orchFailed], "\(json.map(\.typeName))")
            #expect(json.first?.unit == "bad")
            let slack = receiver.received(under: "/slack/")
            #expect(slack.count == 1)
            let text = try JSONDecoder().decode([String: String].self, from: Data((slack.first?.body ?? "{}").utf8))
            #expect(text.keys.sorted() == ["text"] && text["text"]?.contains("bad failed") == true, "\(text)")
            // 500 first, then the same event once more, answered 200.
            let flaky = receiver.received(under: "/flaky/")
            #expect(flaky.map(\.status) == [500, 200])
            #expect(Set(flaky.map(\.body)).count == 1)
            // The hanging hook held none of this up; it got its requests and no answer.
            #expect(!receiver.received(under: "/hang/").isEmpty)

            let base = fixture.repository(".ralph/worktrees")
            let journal = try #require(try RunJournal.existing(in: base))
            let recorded = try journal.notifications(run: 1)
            let byHook = Dictionary(grouping: recorded, by: \.hook)
            #expect(byHook[0]?.map(\.delivered) == [true, true])
            #expect(byHook[2]?.first?.attempts == 2 && byHook[2]?.first?.status == 200)
            #expect(byHook[3]?.allSatisfy { !$0.delivered } == true, "\(byHook[3] ?? [])")

            // The URL is nowhere: not in output, events, the journal or the logs.
            #expect(!result.stdout.contains("B0SECRET") && !result.stderr.contains("B0SECRET"))
            // (Worktrees hold the user's own .choo.yaml, where the URL was written.)
            for file in try FileManager.default.subpathsOfDirectory(atPath: base) where !file.hasSuffix(".choo.yaml") {
                let path = base + "/" + file
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                #expect(data.range(of: Data("B0SECRET".utf8)) == nil, "\(file)")
            }

            let test = try await fixture.choo("notify", "test")
            // The hanging hook does not answer: notify test says so and exits 1.
            #expect(test.exitCode == 1, "\(test.stdout)\(test.stderr)")
            #expect(test.stdout.contains("notify[0]: notify.test delivered after 1 attempt (HTTP 200) [json]"))
            #expect(test.stdout.contains("notify[3]: notify.test gave up after 1 attempt"), "\(test.stdout)")
            #expect(!test.stdout.contains("B0SECRET") && !test.stderr.contains("B0SECRET"))
            let tests = receiver.received(under: "/slack/").dropFirst()
            #expect(tests.first?.body.contains("test notification") == true)
        }
    }

    @Test("a bad notify entry stops the run before it starts, naming the file and key (exit 2)")
    func badSettingRefused() async throws {
        let fixture = try await RunFixture(
            .completeNextTask,
            settings: "notify:\n  - url: not-a-url/\(Self.secret)\n    format: teams\n"
        ) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(".choo.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("`notify[0].url` is not an http(s) URL"))
        #expect(result.stderr.contains("`notify[0].format` has unknown value `teams`"))
        #expect(!result.stderr.contains("B0SECRET"))
        let none = try await fixture.choo("notify", "test")
        #expect(none.exitCode == 2)
    }
}
