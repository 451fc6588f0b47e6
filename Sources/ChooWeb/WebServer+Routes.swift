import ChooCore
import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WebServer {
    /// The headers every answer carries: a strict Content-Security-Policy (scripts and styles only
    /// from this server, no inline code, nothing from anywhere else), no sniffing, no framing, no
    /// caching, no referrer.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-store",
        HTTPField.Name("Referrer-Policy") ?? .cacheControl: "no-referrer",
        HTTPField.Name("X-Frame-Options") ?? .cacheControl: "DENY",
    ]

    /// Answers one request.
    func respond(to request: Request) async -> Response {
        guard WebAccess.hostAllowed(request.head.authority, loopback: Configuration.isLoopback(configuration.host))
        else { return error(421, "this dashboard answers only to 127.0.0.1 and localhost") }
        let verdict = access.check(request)
        guard case .allowed(let setCookie) = verdict else {
            return error(
                401,
                "this dashboard needs its token: open the URL choo printed, or send Authorization: Bearer"
            )
        }
        var response = await route(request)
        for field in Self.securityHeaders { response.headers[field.name] = field.value }
        if setCookie, let token = configuration.token {
            response.headers[.setCookie] = "choo_token=\(token); Path=/; HttpOnly; SameSite=Strict"
        }
        return response
    }

    /// The answer for `request`'s method and path.
    private func route(_ request: Request) async -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if request.method == .post {
            guard parts.count == 4, parts[0] == "api", parts[1] == "runs", parts[3] == "stop", let id = Int64(parts[2])
            else { return error(404, "no such endpoint: POST \(request.uri.path)") }
            return stopRun(id, request: request)
        }
        guard request.method == .get || request.method == .head else {
            return error(405, "the dashboard is read-only: \(request.method) is not allowed here")
        }
        if parts.first != "api" { return asset(parts.joined(separator: "/")) }
        do {
            return try await api(Array(parts.dropFirst()), request: request)
        } catch let failure as APIError {
            return error(failure.status, failure.message)
        } catch {
            return self.error(500, "could not read the journal: \(error)")
        }
    }

    /// An answer the API gives instead of data.
    struct APIError: Error {
        var status: Int
        var message: String
    }

    /// `/api/...`.
    private func api(_ parts: [String], request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        switch parts.count {
        case 1 where parts[0] == "info":
            return json(
                Info(focusRun: configuration.focusRun, csrfToken: access.csrf, tokenRequired: access.token != nil)
            )
        case 1 where parts[0] == "runs":
            let limit = try number(query["limit"], name: "limit", default: 50, range: 1 ... 10_000)
            let now = Date()
            let runs = try journal.runs(limit: limit).map { WebJSON.RunSummary($0, live: isLive($0), now: now) }
            return json(["runs": runs])
        case 2 where parts[0] == "runs":
            let id = try runID(parts[1])
            return json(try detail(id))
        case 3 where parts[0] == "runs" && parts[2] == "events":
            let id = try runID(parts[1])
            return try events(id, request: request)
        case 3 where parts[0] == "runs" && parts[2] == "stream":
            let id = try runID(parts[1])
            let header = request.headers[Self.lastEventID].map { Substring($0) } ?? query["after"]
            let after = try number(header, name: "after (or Last-Event-ID)", default: 0, range: 0 ... Int(Int32.max))
            return stream(run: id, after: after)
        case 4 where parts[0] == "runs" && parts[2] == "units":
            let id = try runID(parts[1])
            return json(try unit(parts[3], run: id))
        case 5 where parts[0] == "runs" && parts[2] == "units" && parts[4] == "log":
            let id = try runID(parts[1])
            let lines = try number(query["lines"], name: "lines", default: 200, range: 1 ... 5000)
            return json(try log(of: parts[3], run: id, lines: lines))
        default:
            throw APIError(status: 404, message: "no such endpoint: /api/" + parts.joined(separator: "/"))
        }
    }

    static let lastEventID = HTTPField.Name("Last-Event-ID") ?? .accept

    /// What the pages learn first.
    struct Info: Encodable {
        var focusRun: Int64?
        var csrfToken: String
        var tokenRequired: Bool
        var version = ChooVersion.current
    }

    /// A run's ID from the path: a run the journal has.
    private func runID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else {
            throw APIError(status: 400, message: "`\(text)` is not a run number (runs are numbered from 1)")
        }
        guard try journal.run(id: id) != nil else {
            throw APIError(status: 404, message: "no run #\(id) in the journal")
        }
        return id
    }

    /// A query parameter that must be a whole number in `range`.
    private func number(_ text: Substring?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(
                status: 400,
                message:
                    "`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text)`"
            )
        }
        return number
    }

    /// Whether `record`'s process still runs it (it holds the run lock).
    func isLive(_ record: RunJournal.RunRecord) -> Bool {
        record.outcome == "running" && RunLock.holder(in: folder)?.contains("pid \(record.pid),") == true
    }

    /// Run `id`'s state after its newest event, and that event's sequence number: the cached
    /// state, brought up to date with the events recorded since.
    func state(of id: Int64) throws -> (seq: Int, state: RunState) {
        var known: (seq: Int, state: RunState) = states.withLock { $0[id] } ?? (0, RunState())
        let newer = try journal.events(run: id, after: known.seq)
        guard let last = newer.last else { return known }
        for stored in newer { known.state.apply(stored.event) }
        known.seq = last.seq
        let updated = known
        states.withLock { states in
            if (states[id]?.seq ?? 0) < updated.seq { states[id] = updated }
        }
        return known
    }

    /// Run `id`'s detail.
    func detail(_ id: Int64) throws -> WebJSON.RunDetail {
        let (seq, state) = try state(of: id)
        let live = try journal.run(id: id).map(isLive) ?? false
        return WebJSON.run(id: id, state: state, lastSeq: seq, live: live, catalog: catalog, now: Date())
    }

    /// Unit `name` of run `id`.
    private func unit(_ name: String, run id: Int64) throws -> WebJSON.UnitDetail {
        guard let unit = try detail(id).units.first(where: { $0.id == name }) else {
            throw APIError(status: 404, message: "run #\(id) has no unit `\(name)`")
        }
        return unit
    }

    /// The newest agent log of unit `name` in run `id`, rendered, its last `lines` lines.
    private func log(of name: String, run id: Int64, lines: Int) throws -> LogTail {
        let unit = try unit(name, run: id)
        guard let turn = unit.turns.last else { return LogTail(file: nil, lines: [], running: false) }
        let bytes = (try? FileSystem.readBytes(turn.logFile)) ?? []
        let rendered = AgentLogRenderer.render(bytes)
        return LogTail(file: turn.logFile, lines: Array(rendered.suffix(lines)), running: turn.endedAt == nil)
    }

    /// The end of an agent log.
    struct LogTail: Encodable {
        var file: String?
        var lines: [String]
        var running: Bool
    }

    /// `/api/runs/<id>/events?after=N&limit=M` (or `?tail=M`: the newest M).
    private func events(_ id: Int64, request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let limit = try number(query["limit"], name: "limit", default: 1000, range: 1 ... 100_000)
        var after = try number(query["after"], name: "after", default: 0, range: 0 ... Int(Int32.max))
        let last = try journal.lastSequence(run: id)
        if let tail = query["tail"] {
            let count = try number(tail, name: "tail", default: 200, range: 1 ... 100_000)
            after = max(0, last - count)
        }
        let stored = try journal.events(run: id, after: after, limit: limit)
        let body = "{\"events\":[" + stored.map(Self.eventJSON).joined(separator: ",") + "],\"last_seq\":\(last)}"
        return text(body, type: "application/json")
    }

    /// A stored event as the API gives it: its JSON line with `seq` first.
    static func eventJSON(_ stored: RunJournal.StoredEvent) -> String {
        "{\"seq\":\(stored.seq)," + stored.line.dropFirst()
    }

    /// `POST /api/runs/<id>/stop`: asks the process running run `id` to stop gracefully (SIGINT,
    /// the first Ctrl-C), with the CSRF token from the same origin.
    private func stopRun(_ id: Int64, request: Request) -> Response {
        guard access.changeAllowed(request) else {
            return error(403, "stopping a run needs the dashboard's CSRF token (X-Choo-CSRF) from its own page")
        }
        guard let record = try? journal.run(id: id) else { return error(404, "no run #\(id) in the journal") }
        guard isLive(record) else { return error(409, "run #\(id) is not running") }
        guard kill(pid_t(record.pid), SIGINT) == 0 else {
            return error(500, "could not signal process \(record.pid): \(String(cString: strerror(errno)))")
        }
        return json(["stopping": id])
    }

    // MARK: Answers

    /// `value` as JSON, secrets taken out.
    func json(_ value: some Encodable, status: Int = 200) -> Response {
        text(WebJSON.text(value), type: "application/json", status: status)
    }

    /// A JSON error: `{"error": {"status": ..., "message": ...}}`.
    func error(_ status: Int, _ message: String) -> Response {
        var response = json(WebJSON.ErrorBody(status: status, message: message), status: status)
        for field in Self.securityHeaders { response.headers[field.name] = field.value }
        return response
    }

    /// `body` with `type`, secrets taken out.
    func text(_ body: String, type: String, status: Int = 200) -> Response {
        let clean = redactor.redact(body)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: type + "; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: clean))
        )
    }

    /// A page, script or style sheet embedded in the binary.
    private func asset(_ path: String) -> Response {
        switch path {
        case "", "index.html": return text(WebAssets.indexHTML, type: "text/html")
        case "app.js": return text(WebAssets.script, type: "text/javascript")
        case "app.css": return text(WebAssets.style, type: "text/css")
        case "favicon.svg", "favicon.ico": return text(WebAssets.icon, type: "image/svg+xml")
        default: return error(404, "no such page: /\(path)")
        }
    }
}
