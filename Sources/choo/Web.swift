import ArgumentParser
import ChooCore
import ChooWeb
import Foundation

extension Choo {
    /// `choo web`: the dashboard of the runs in this repository's journal.
    struct Web: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a live dashboard of this repository's runs in the browser.",
            discussion: """
                Serves every run recorded in <worktree base>/choo.sqlite: the runs, newest first, with their \
                outcome, duration, units, tokens and cost; a run's units as a graph by level with the critical path \
                marked, each coloured by phase; a unit's tasks, agent activity, failure and what to do, pull request \
                and the tail of its agent log. A run in progress in another process shows live: choo watches the \
                journal's files. `choo run --web` serves the run it is doing. The same data is JSON under /api \
                (docs/WEB.md).

                It listens on 127.0.0.1 only, unless --host names another address: then every request needs the \
                token (--token, or one generated and printed). Ctrl-C stops it.
                """
        )

        @OptionGroup var tree: TreeOptions
        @OptionGroup var common: CommonOptions
        @OptionGroup var server: WebServerOptions

        @Option(
            help: ArgumentHelp(
                "The port to listen on (0 picks a free one).",
                discussion: "Default: \(WebServerOptions.defaultPort).",
                valueName: "n"
            )
        )
        var port: Int = WebServerOptions.defaultPort

        func validate() throws {
            guard (0 ... 65535).contains(port) else {
                throw ValidationError("--port must be a port number from 0 to 65535, not \(port)")
            }
        }

        func run() async throws {
            let workspace = try Workspace.openOrExit(tasksDirectory: tree.tasksDirectory, overrides: common.overrides)
            let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
            let journal: RunJournal
            do {
                guard let existing = try RunJournal.existing(in: base) else {
                    Output.error(
                        "error: no runs are recorded yet in \(FileSystem.relative(base, to: workspace.repositoryRoot)); "
                            + "`choo run` records them (`choo run --web` serves the run as it goes)"
                    )
                    throw ExitCode(2)
                }
                journal = existing
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Output.error("error: could not open the run journal in \(base): \(error)")
                throw ExitCode(2)
            }
            let web = try await server.start(
                journal: journal,
                folder: base,
                workspace: workspace,
                port: port,
                portFlag: "--port",
                focusRun: nil
            )
            Output.print("choo web: serving \(web.url) (Ctrl-C stops)")
            let signals = ShutdownSignals()
            for await _ in signals.requests { break }
            signals.stop()
            await web.stop()
            Output.print("choo web: stopped")
        }
    }
}

/// The options of the dashboard's server that `choo web` and `choo run --web` share.
struct WebServerOptions: ParsableArguments {
    /// The port the dashboard listens on unless told: "choo" on a phone's keypad.
    static let defaultPort = 2466

    @Option(
        name: .customLong("host"),
        help: ArgumentHelp(
            "The address the dashboard listens on.",
            discussion: "Default 127.0.0.1. Any other address needs a token for every request (--token).",
            valueName: "address"
        )
    )
    var host = "127.0.0.1"

    @Option(
        help: ArgumentHelp(
            "The token every request to the dashboard must carry.",
            discussion: "Generated and printed when --host is not a loopback address and none is given.",
            valueName: "token"
        )
    )
    var token: String?

    @Option(name: .customLong("web-heartbeat-ms"), help: .hidden)
    var heartbeatMilliseconds = 15_000

    /// Starts the dashboard over `journal`; a port that cannot be bound exits 2, naming `portFlag`.
    func start(
        journal: RunJournal,
        folder: String,
        workspace: Workspace,
        port: Int,
        portFlag: String,
        focusRun: Int64?
    ) async throws -> WebServer {
        if let token, token.count < 8 {
            Output.error("error: --token must be at least 8 characters long")
            throw ExitCode(2)
        }
        var chosenToken = token
        if chosenToken == nil, !WebServer.Configuration.isLoopback(host) {
            chosenToken = WebAccess.randomToken()
            Output.error(
                "choo web: --host \(host) is reachable from other machines; requests need the token in the URL"
            )
        }
        let server = WebServer(
            journal: journal,
            folder: folder,
            catalog: WebCatalog(tree: workspace.tree),
            configuration: WebServer.Configuration(
                host: host,
                port: port,
                token: chosenToken,
                heartbeat: .milliseconds(max(50, heartbeatMilliseconds)),
                focusRun: focusRun
            ),
            environment: ProcessInfo.processInfo.environment
        )
        do {
            try await server.start()
        } catch {
            Output.error("error: \(portFlag) \(port) on \(host): \(error)")
            throw ExitCode(2)
        }
        return server
    }
}

extension WebServerOptions {
    /// Checks, before a run starts, that the dashboard can have `port` on the host and that the
    /// token is acceptable, so a bad `--web` exits 2 without recording a run or taking its lock.
    /// Port 0 (any free port) always can.
    func checkBeforeRun(port: Int, portFlag: String) throws {
        if let token, token.count < 8 {
            Output.error("error: --token must be at least 8 characters long")
            throw ExitCode(2)
        }
        guard port != 0 else { return }
        if let problem = Self.bindProblem(host: host, port: port) {
            Output.error("error: \(portFlag) \(port) on \(host): \(problem); choose another port (\(portFlag)=N)")
            throw ExitCode(2)
        }
    }

    /// Why `host:port` cannot be bound now, or `nil` when it can (IPv4 addresses and localhost).
    static func bindProblem(host: String, port: Int) -> String? {
        let address = host == "localhost" ? "127.0.0.1" : host
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return nil }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0 ? nil : String(cString: strerror(errno))
    }
}
