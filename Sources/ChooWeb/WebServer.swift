import ChooCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The dashboard's HTTP server (Hummingbird): the pages, the JSON API and the server-sent events
/// of the runs in one repository's journal. It reads only the journal, so it shows a run of this
/// process (`choo run --web`) and one of another process (`choo web`) alike; ``JournalWatcher``
/// tells it when the journal changed.
public final class WebServer: Sendable {
    /// How the server is set up.
    public struct Configuration: Sendable {
        /// The address to bind; 127.0.0.1 unless asked.
        public var host: String
        /// The port; 0 picks a free one.
        public var port: Int
        /// The token every request must carry; required when ``host`` is not a loopback name.
        public var token: String?
        /// How often an idle event stream gets a comment, so proxies keep it open.
        public var heartbeat: Duration
        /// How often the journal's files are looked at besides inotify.
        public var fallbackPoll: Duration
        /// How often at most an event stream sends the run's state: a state message looks at every
        /// unit, so it is not sent once per event; the events in between come in one batch.
        public var pushInterval: Duration
        /// The run the index page opens (`choo run --web`'s own run); `nil` lists the runs.
        public var focusRun: Int64?

        /// A configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int,
            token: String? = nil,
            heartbeat: Duration = .seconds(15),
            fallbackPoll: Duration = .seconds(2),
            pushInterval: Duration = .milliseconds(250),
            focusRun: Int64? = nil
        ) {
            self.host = host
            self.port = port
            self.token = token
            self.heartbeat = heartbeat
            self.fallbackPoll = fallbackPoll
            self.pushInterval = pushInterval
            self.focusRun = focusRun
        }

        /// Whether `host` names the loopback interface only (127.0.0.1, ::1, localhost).
        public static func isLoopback(_ host: String) -> Bool {
            ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased())
        }
    }

    /// Why the server could not start.
    public enum StartError: Error, CustomStringConvertible {
        /// The address could not be bound (in use, not an address of this machine).
        case cannotBind(host: String, port: Int, reason: String)

        public var description: String {
            switch self {
            case .cannotBind(let host, let port, let reason):
                "could not listen on \(host):\(port): \(reason)"
            }
        }
    }

    let configuration: Configuration
    let journal: RunJournal
    let folder: String
    let catalog: WebCatalog
    let watcher: JournalWatcher
    let redactor: SecretRedactor
    let access: WebAccess
    let states = Mutex<[Int64: (seq: Int, state: RunState)]>([:])
    private let running = Mutex<(task: Task<Void, any Error>?, group: ServiceGroup?, port: Int)>((nil, nil, 0))

    /// A server over the journal in `folder` (which must exist), with the tree's `catalog`;
    /// `environment`'s secret-looking values and the token never appear in an answer.
    public init(
        journal: RunJournal,
        folder: String,
        catalog: WebCatalog,
        configuration: Configuration,
        environment: [String: String] = [:]
    ) {
        self.journal = journal
        self.folder = folder
        self.catalog = catalog
        self.configuration = configuration
        self.watcher = JournalWatcher(folder: folder, fallback: configuration.fallbackPoll)
        self.redactor = SecretRedactor(secrets: configuration.token.map { [$0] } ?? [], environment: environment)
        self.access = WebAccess(token: configuration.token)
    }

    /// The port it listens on, once started.
    public var port: Int { running.withLock { $0.port } }

    /// The address to open: with the token when one is required.
    public var url: String {
        let host =
            configuration.host.contains(":") && !configuration.host.hasPrefix("[")
            ? "[\(configuration.host)]" : configuration.host
        let shown = host == "0.0.0.0" ? "127.0.0.1" : host
        return "http://\(shown):\(port)/" + (configuration.token.map { "?token=" + $0 } ?? "")
    }

    /// Starts listening; returns the port once the server accepts connections.
    @discardableResult
    public func start() async throws -> Int {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            await respond(to: request)
        }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "choo.web") { _ in SwiftLogNoOpLogHandler() }
        )
        watcher.start()
        let logger = Logger(label: "choo.web") { _ in SwiftLogNoOpLogHandler() }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application],
                gracefulShutdownSignals: [],
                logger: logger
            )
        )
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        running.withLock {
            $0.task = task
            $0.group = group
        }
        for await port in ports where port > 0 {
            running.withLock { $0.port = port }
            return port
        }
        watcher.stop()
        let reason: String
        do {
            try await task.value
            reason = "the server stopped at once"
        } catch {
            reason = Self.bindReason(error)
        }
        throw StartError.cannotBind(host: configuration.host, port: configuration.port, reason: reason)
    }

    /// A bind error in a few words.
    static func bindReason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "the port is in use" }
        if text.contains("Cannot assign requested address") { return "not an address of this machine" }
        return text
    }

    /// Stops gracefully: no new connection, every event stream ends its response, open
    /// connections close; returns once the server has stopped.
    public func stop() async {
        watcher.stop()
        let (task, group) = running.withLock { ($0.task, $0.group) }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// Returns when the server stopped (after ``stop()``, or when it failed).
    public func wait() async {
        let task = running.withLock { $0.task }
        _ = try? await task?.value
    }
}
