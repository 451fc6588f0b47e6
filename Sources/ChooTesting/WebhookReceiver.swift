import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local HTTP server that takes webhook POSTs, as Slack or any JSON endpoint would: it records
/// every request and answers each path with scripted statuses (then 200), or never answers paths
/// told to hang (until the server stops). Tests await the requests they expect.
package final class WebhookReceiver: Sendable {
    /// One request received.
    package struct Received: Sendable, Hashable {
        /// The path, e.g. `/slack/T000/B000/XXXX`.
        package var path: String
        /// The body as text.
        package var body: String
        /// The status it was answered with (`nil`: held, hanging).
        package var status: Int?
    }

    private struct State {
        var port = 0
        var received: [Received] = []
        var answers: [String: [Int]] = [:]
        var waiters: [(count: Int, prefix: String, continuation: CheckedContinuation<Void, Never>)] = []
        var held: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let hanging: [String]

    private init(answers: [String: [Int]], hanging: [String]) {
        self.hanging = hanging
        state.withLock { $0.answers = answers }
    }

    /// Runs a receiver on 127.0.0.1 (a free port) for the duration of `body`. `answers` gives, per
    /// path prefix, the statuses of its first requests; paths under a `hanging` prefix never answer.
    package static func withServer<T>(
        answers: [String: [Int]] = [:],
        hanging: [String] = [],
        _ body: (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let receiver = WebhookReceiver(answers: answers, hanging: hanging)
        let respond: @Sendable (Request) async throws -> Response = { try await receiver.respond(to: $0) }
        return try await LocalHTTPServer.run(label: "WebhookReceiver", respond: respond) { port in
            receiver.state.withLock { $0.port = port }
            defer { receiver.releaseHeld() }
            return try await body(receiver)
        }
    }

    /// The server's root, e.g. `http://127.0.0.1:51234`.
    package var url: String { "http://127.0.0.1:\(state.withLock { $0.port })" }

    /// Every request so far, in order.
    package var received: [Received] { state.withLock { $0.received } }

    /// The requests whose path starts with `prefix`.
    package func received(under prefix: String) -> [Received] {
        received.filter { $0.path.hasPrefix(prefix) }
    }

    /// Returns once at least `count` requests under `prefix` have arrived.
    package func requests(_ count: Int, under prefix: String) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.received.count(where: { $0.path.hasPrefix(prefix) }) >= count { return true }
                state.waiters.append((count, prefix, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func releaseHeld() {
        let held = state.withLock { state in
            state.stopped = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }

    private func respond(to request: Request) async throws -> Response {
        var request = request
        let path = request.uri.path
        let body = String(decoding: try await request.collectBody(upTo: 1 << 20).readableBytesView, as: UTF8.self)
        let hangs = hanging.contains { path.hasPrefix($0) }
        let (status, ready) = state.withLock { state -> (Int?, [CheckedContinuation<Void, Never>]) in
            var status: Int? = 200
            if hangs {
                status = nil
            } else if let prefix = state.answers.keys.first(where: { path.hasPrefix($0) }),
                let next = state.answers[prefix]?.first
            {
                state.answers[prefix]?.removeFirst()
                status = next
            }
            state.received.append(Received(path: path, body: body, status: status))
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard state.received.count(where: { $0.path.hasPrefix(waiter.prefix) }) >= waiter.count else {
                    return false
                }
                ready.append(waiter.continuation)
                return true
            }
            return (status, ready)
        }
        for continuation in ready { continuation.resume() }
        guard let status else {
            await withCheckedContinuation { continuation in
                let stopped = state.withLock { state -> Bool in
                    if !state.stopped { state.held.append(continuation) }
                    return state.stopped
                }
                if stopped { continuation.resume() }
            }
            return Response(status: .serviceUnavailable)
        }
        return Response(status: HTTPResponse.Status(code: status))
    }
}
