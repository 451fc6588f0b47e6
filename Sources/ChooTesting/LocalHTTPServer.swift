import Hummingbird
import Logging

/// A Hummingbird server on 127.0.0.1 at a free port, for the fakes at the network's edge
/// (``FakeGitHub``, ``WebhookReceiver``).
package enum LocalHTTPServer {
    /// The server did not start.
    package struct NotStarted: Error, CustomStringConvertible {
        package var description: String
    }

    /// Serves `respond` for the duration of `body`, which gets the port; the server stops when
    /// `body` returns or throws.
    package static func run<T>(
        label: String,
        respond: @escaping @Sendable (Request) async throws -> Response,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in try await respond(request) }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await application.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                try await group.next()
                throw NotStarted(description: "the \(label) server did not start")
            }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}
