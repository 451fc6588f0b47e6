import AsyncHTTPClient
import ChooCore
import ChooTesting
import ChooWeb
import Foundation
import Testing

@Suite("The dashboard's server: API, event stream, access", .temporaryDirectory)
struct WebServerTests {
    @Test("a finished run's state, rebuilt from the journal by the server, equals the state the run kept live")
    func finishedRunEqualsLive() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        await fixture.publishEnd()
        let server = fixture.server()
        let port = try await server.start()
        let answer = try await HTTP.request("http://127.0.0.1:\(port)/api/runs/\(fixture.run)")
        #expect(answer.status == 200)
        let live = WebJSON.run(
            id: fixture.run,
            state: fixture.feed.current,
            lastSeq: fixture.bus.count,
            live: false,
            catalog: fixture.catalog,
            now: Date()
        )
        #expect(answer.body == WebJSON.text(live))
        let json = try #require(answer.json as? [String: Any])
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["outcome"] as? String == "failed")
        #expect(run["critical_path"] as? [String] == ["a", "c"])
        let units = try #require(json["units"] as? [[String: Any]])
        #expect(units.map { $0["phase"] as? String } == ["landed", "failed", "blocked"])
        await server.stop()
    }

    @Test("the API lists runs, one unit with its tasks and failure, and the events after a sequence number")
    func listsRunsUnitsAndEvents() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)/api"
        let runs = try #require(try await HTTP.request(base + "/runs").json as? [String: Any])
        let first = try #require((runs["runs"] as? [[String: Any]])?.first)
        #expect(first["id"] as? Int == Int(fixture.run))
        // The run's process is not this test's lock holder: a `running` row nobody holds stopped abruptly.
        #expect(first["outcome"] as? String == "stopped_abruptly")

        let unit = try #require(try await HTTP.request(base + "/runs/\(fixture.run)/units/a").json as? [String: Any])
        #expect(unit["title"] as? String == WebFixture.hostile)
        #expect(unit["phase"] as? String == "running")
        let tasks = try #require(unit["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["status"] as? String } == ["committed", "pending"])
        #expect(tasks.first?["commit"] as? String == "0123456789abcdef")
        let failed = try #require(try await HTTP.request(base + "/runs/\(fixture.run)/units/b").json as? [String: Any])
        let failure = try #require(failed["failure"] as? [String: Any])
        #expect(failure["reason"] as? String == "task #1: check failed")
        #expect((failure["what_to_do"] as? String)?.contains("choo run") == true)

        let events = try #require(
            try await HTTP.request(base + "/runs/\(fixture.run)/events?after=3&limit=2").json as? [String: Any]
        )
        let list = try #require(events["events"] as? [[String: Any]])
        #expect(list.map { $0["seq"] as? Int } == [4, 5])
        #expect(list.map { $0["type"] as? String } == ["unit.queued", "unit.started"])
        #expect(events["last_seq"] as? Int == fixture.bus.count)

        let log = try #require(try await HTTP.request(base + "/runs/\(fixture.run)/units/a/log").json as? [String: Any])
        let lines = (log["lines"] as? [String]) ?? []
        #expect(lines.joined(separator: "\n").contains("working"), "\(lines)")
        await server.stop()
    }

    @Test(
        "bad paths and input give JSON errors",
        arguments: [
            ("/api/runs/99", 404), ("/api/runs/x", 400), ("/api/runs/1/units/nope", 404), ("/api/nope", 404),
            ("/api/runs/1/events?after=-1", 400), ("/api/runs/1/events?limit=abc", 400), ("/nope.html", 404),
            ("/api/runs/1/stream?after=x", 400),
        ]
    )
    func errorsAreJSON(path: String, status: Int) async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let answer = try await HTTP.request("http://127.0.0.1:\(port)" + path)
        #expect(answer.status == status)
        let error = (answer.json as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["status"] as? Int == status)
        #expect((error?["message"] as? String)?.isEmpty == false)
        #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
        await server.stop()
    }

    @Test("only the stop action changes anything, and it needs the CSRF token from the same origin")
    func readOnlyExceptStop() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        #expect(try await HTTP.request(base + "/api/runs/1", method: .PUT).status == 405)
        #expect(try await HTTP.request(base + "/api/runs/1/stop", method: .POST).status == 403)
        let info = try #require(try await HTTP.request(base + "/api/info").json as? [String: Any])
        let csrf = try #require(info["csrf_token"] as? String)
        let foreign = try await HTTP.request(
            base + "/api/runs/1/stop",
            method: .POST,
            headers: [("X-Choo-CSRF", csrf), ("Origin", "http://evil.example")]
        )
        #expect(foreign.status == 403)
        // The right token from the page's origin gets through to the run: this one is not running.
        let own = try await HTTP.request(
            base + "/api/runs/1/stop",
            method: .POST,
            headers: [("X-Choo-CSRF", csrf), ("Origin", base)]
        )
        #expect(own.status == 409)
        await server.stop()
    }

    @Test("no answer holds a secret: not the token, an environment secret, a token shape in the journal or a log")
    func noSecretInAnyAnswer() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        // An event that reached the journal with a secret in it (the bus redacts; this one did not).
        let other = "hunter2-environment-secret"
        fixture.bus.publish(
            Event(.unitFailed, time: fixture.start, unit: "c", error: "leaked \(WebFixture.secret) and \(other)")
        )
        await fixture.bus.flush()
        let token = "the-dashboard-token-1234"
        let server = fixture.server(token: token, environment: ["DEPLOY_TOKEN": other])
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        let auth = [("Authorization", "Bearer " + token)]
        var bodies: [String] = []
        for path in [
            "/", "/app.js", "/api/info", "/api/runs", "/api/runs/1", "/api/runs/1/units/a", "/api/runs/1/units/c",
            "/api/runs/1/units/a/log", "/api/runs/1/events", "/api/runs/1/events?tail=5",
        ] {
            let answer = try await HTTP.request(base + path, headers: auth)
            #expect(answer.status == 200, "\(path)")
            bodies.append(answer.body)
        }
        try await HTTP.stream(base + "/api/runs/1/stream", headers: auth) { message in
            bodies.append(message.data)
            return message.event != "state"
        }
        #expect(bodies.joined().contains("***"))
        for body in bodies {
            #expect(!body.contains(WebFixture.secret))
            #expect(!body.contains(other))
            #expect(!body.contains(token))
        }
        await server.stop()
    }

    @Test("the stream resumes after Last-Event-ID without gaps or duplicates, goes on live, and sends heartbeats")
    func streamResumes() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let url = "http://127.0.0.1:\(port)/api/runs/\(fixture.run)/stream"
        let recorded = fixture.bus.count
        var ids: [Int] = []
        var states: [String] = []
        var heartbeats = 0
        var published: ContinuousClock.Instant?
        var delay: Duration?
        try await HTTP.stream(url, headers: [("Last-Event-ID", "5")]) { message in
            if let id = message.id.flatMap(Int.init) {
                ids.append(id)
                if id == recorded + 2, let published { delay = ContinuousClock.now - published }
            }
            if message.event == "state" { states.append(message.data) }
            if message.comment == "heartbeat" { heartbeats += 1 }
            // Once the recorded events came, another process's run goes on: two more events.
            if ids.last == recorded && published == nil {
                published = ContinuousClock.now
                fixture.bus.publish(Event(.unitStarted, time: fixture.start, unit: "c"))
                fixture.bus.publish(
                    Event(.taskStarted(.init(attempt: 1, offered: [1])), time: fixture.start, unit: "c", task: 1)
                )
                await fixture.bus.flush()
            }
            return ids.last != recorded + 2 || heartbeats == 0
        }
        #expect(ids == Array(6 ... (recorded + 2)))
        let first = try #require(states.first)
        #expect(first.contains("\"full\":true"))
        #expect(states.dropFirst().allSatisfy { $0.contains("\"full\":false") })
        #expect(states.last?.contains("\"id\":\"c\"") == true, "the changed unit comes in the state update")
        print("journal write to SSE delivery (in process, inotify): \(delay.map { "\($0)" } ?? "-")")

        // A browser that reconnects after the last one it saw gets only what followed.
        var again: [Int] = []
        try await HTTP.stream(url, headers: [("Last-Event-ID", "\(recorded + 1)")]) { message in
            if let id = message.id.flatMap(Int.init) { again.append(id) }
            return message.event != "state"
        }
        #expect(again == [recorded + 2])
        await server.stop()
    }

    @Test("off loopback every request needs the token: header, cookie, or ?token= once, which sets the cookie")
    func tokenOffLoopback() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let token = "a-long-enough-token"
        let server = fixture.server(host: "127.0.0.2", token: token)
        let port = try await server.start()
        let base = "http://127.0.0.2:\(port)"
        #expect(server.url == base + "/?token=" + token)
        for path in ["/", "/app.js", "/api/runs", "/api/runs/1/stream"] {
            let answer = try await HTTP.request(base + path)
            #expect(answer.status == 401, "\(path)")
            #expect(answer.body.contains("\"error\""))
        }
        #expect(try await HTTP.request(base + "/api/runs", headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(
            try await HTTP.request(base + "/api/runs", headers: [("Authorization", "Bearer " + token)]).status == 200
        )
        let first = try await HTTP.request(base + "/?token=" + token)
        #expect(first.status == 200)
        let cookie = try #require(first.headers.first(name: "Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let pair = String(cookie.prefix { $0 != ";" })
        #expect(try await HTTP.request(base + "/api/runs", headers: [("Cookie", pair)]).status == 200)
        await server.stop()
    }

    @Test("on loopback it answers only to loopback names, and every answer carries a strict CSP")
    func loopbackHostAndHeaders() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        #expect(try await HTTP.request(base + "/api/runs", headers: [("Host", "evil.example")]).status == 421)
        let page = try await HTTP.request(base + "/")
        let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
        #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(!page.body.contains("<script>"), "no inline script")
        #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
        await server.stop()
    }

    @Test("stopping ends open event streams and the server")
    func stopsWithStreamsOpen() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        await fixture.publishBeginning()
        let server = fixture.server()
        let port = try await server.start()
        let (opened, open) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            try await HTTP.stream("http://127.0.0.1:\(port)/api/runs/1/stream") { message in
                if message.event == "state" { open.yield() }
                return true
            }
        }
        for await _ in opened { break }
        await server.stop()
        // The stream ended (cleanly or cut): the reader returns instead of waiting forever.
        _ = await reader.result
        #expect(!HTTP.accepts(port: port), "nothing listens any more")
    }

    @Test("a port in use is refused with the address")
    func busyPort() async throws {
        let fixture = try WebFixture(folder: TemporaryDirectory.current("journal"))
        let server = fixture.server()
        let port = try await server.start()
        let second = WebServer(
            journal: fixture.journal,
            folder: fixture.folder,
            catalog: fixture.catalog,
            configuration: .init(port: port)
        )
        await #expect {
            try await second.start()
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(port)") && "\(error)".contains("in use")
        }
        await server.stop()
    }
}
