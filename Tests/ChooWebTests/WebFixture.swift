import AsyncHTTPClient
import ChooCore
import ChooTesting
import ChooWeb
import Foundation
import Glibc
import NIOCore
import NIOHTTP1

/// A journal in a temporary folder with one run recorded through a real bus and journal sink,
/// and a dashboard server over it on a free port, spoken to over real HTTP.
struct WebFixture {
    static let secret = "sk-ant-api03-thisisnotarealsecretbutlooksli"
    static let hostile = "<img src=x onerror=alert(1)>"

    let folder: String
    let journal: RunJournal
    let run: Int64
    let bus: EventBus
    let feed: RunStateFeed
    let catalog: WebCatalog
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init(folder: String) throws {
        self.folder = folder
        journal = try RunJournal(in: folder)
        run = try journal.startRun(command: "choo run", options: [:], at: start)
        bus = EventBus()
        bus.add(journal.sink(for: run))
        feed = bus.states()
        catalog = WebCatalog(units: [
            "a": .init(title: Self.hostile, dependsOn: [], tasks: [(1, "First " + Self.hostile), (2, "Second")]),
            "b": .init(title: "Unit b", dependsOn: [], tasks: [(1, "Only")]),
            "c": .init(title: "Unit c", dependsOn: ["a", "b"], tasks: [(1, "Last")]),
        ])
    }

    /// Publishes the run's beginning: three units queued, `a` at work on task 1 and committed.
    func publishBeginning() async {
        let t = start
        bus.publish(Event(.orchStarted(.init(units: 3, parallelism: 2, tasks: 4)), time: t))
        bus.publish(Event(.unitQueued(.init(level: 1)), time: t, unit: "a"))
        bus.publish(Event(.unitQueued(.init(level: 1)), time: t, unit: "b"))
        bus.publish(Event(.unitQueued(.init(level: 2)), time: t, unit: "c"))
        bus.publish(Event(.unitStarted, time: t.addingTimeInterval(1), unit: "a"))
        bus.publish(
            Event(.taskStarted(.init(attempt: 1, offered: [1])), time: t.addingTimeInterval(2), unit: "a", task: 1)
        )
        let log = folder + "/a-task1.log"
        let text =
            "# choo agent log\n# unit: a\n# turn: task\n# task: 1\n# attempt: 1\n# provider: claude\n# format: text\n\n"
            + "## prompt\n\nDo task 1\n\n## output\n\nworking\nthe key is \(Self.secret)\n"
        _ = FileManager.default.createFile(atPath: log, contents: Data(text.utf8))
        bus.publish(
            Event(.taskClaudeInvoke(.init(provider: "claude", attempt: 1, logFile: log)), time: t, unit: "a", task: 1)
        )
        bus.publish(Event(.agentTool(.init(tool: "Edit", target: "Sources/A.swift")), time: t, unit: "a", task: 1))
        bus.publish(Event(.taskCompleted, time: t.addingTimeInterval(29), unit: "a", task: 1))
        bus.publish(
            Event(.taskCommitted(.init(commit: "0123456789abcdef")), time: t.addingTimeInterval(30), unit: "a", task: 1)
        )
        bus.publish(Event(.unitStarted, time: t.addingTimeInterval(3), unit: "b"))
        bus.publish(Event(.unitFailed, time: t.addingTimeInterval(40), unit: "b", error: "task #1: check failed"))
        await bus.flush()
    }

    /// Publishes the rest and the run's end.
    func publishEnd() async {
        let t = start.addingTimeInterval(60)
        bus.publish(Event(.unitBlocked(.init(blockedBy: ["b"])), time: t, unit: "c", error: "blocked by b"))
        bus.publish(Event(.unitCompleted, time: t, unit: "a"))
        bus.publish(
            Event(
                .orchFailed(
                    .init(
                        total: 3,
                        complete: 1,
                        failed: 1,
                        blocked: 1,
                        notStarted: 0,
                        durationSeconds: 60,
                        interrupted: false
                    )
                ),
                time: t
            )
        )
        await bus.flush()
    }

    /// A server over the journal.
    func server(
        host: String = "127.0.0.1",
        token: String? = nil,
        environment: [String: String] = [:]
    ) -> WebServer {
        WebServer(
            journal: journal,
            folder: folder,
            catalog: catalog,
            configuration: .init(host: host, port: 0, token: token, heartbeat: .milliseconds(100)),
            environment: environment
        )
    }
}

/// One answer, read whole.
struct Answer {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body as JSON.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
}

/// Real HTTP requests with AsyncHTTPClient.
enum HTTP {
    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    static func request(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// Opens an event stream and hands its messages, as they come, to `body` until it returns
    /// `false`.
    static func stream(
        _ url: String,
        headers: [(String, String)] = [],
        _ body: (StreamMessage) async throws -> Bool
    ) async throws {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var pending = ""
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                guard try await body(StreamMessage(block)) else { return }
            }
        }
    }
}

/// One server-sent message.
struct StreamMessage {
    var id: String?
    var event: String?
    var data: String = ""
    var comment: String?

    init(_ block: String) {
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("id: ") {
                id = String(line.dropFirst(4))
            } else if line.hasPrefix("event: ") {
                event = String(line.dropFirst(7))
            } else if line.hasPrefix("data: ") {
                data += String(line.dropFirst(6))
            }
        }
    }
}
