import ArgumentParser
import ChooCore
import ChooWeb
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Carrying out a plan, shared by `choo run` and `choo demo`: pre-flight checks, the live view or
/// `--json` events, Ctrl-C handling, the summary and the exit code.
enum RunExecution {
    /// `--web`: serve the run's dashboard on `port` while it runs.
    struct WebRequest {
        var port: Int
        var options: WebServerOptions
    }

    /// Runs `plan`; throws `ExitCode` 2 when the run cannot start, or the run's own code when not 0.
    static func execute(
        plan: Plan,
        workspace: Workspace,
        effects: Effects,
        json: Bool,
        force: Bool,
        skipReview: Bool = false,
        web: WebRequest? = nil
    ) async throws {
        var configured = Orchestrator(
            workspace: workspace,
            plan: plan,
            effects: effects,
            environment: ProcessInfo.processInfo.environment,
            force: force
        )
        configured.skipReview = skipReview
        let orchestrator = configured
        let bus = EventBus(clock: effects.clock)
        let states = bus.states()
        let view = LiveView(style: Output.style, isTerminal: isatty(STDOUT_FILENO) == 1 && !json)
        if json {
            bus.add(JSONLinesSink { Output.print($0, terminator: "") })
        } else {
            bus.add(view)
        }
        // A dashboard that cannot start stops the run before it is recorded or takes the lock.
        if let web { try web.options.checkBeforeRun(port: web.port, portFlag: "--web") }
        let context: UnitLifecycle.Context
        do {
            context = try await orchestrator.prepare(bus: bus)
        } catch {
            await bus.close()
            Output.error("error: \(error)")
            throw ExitCode(2)
        }
        if let run = context.run { DetachedRun.announce(run: run, logFolder: context.logFolder) }
        let signals = ShutdownSignals()
        defer { signals.stop() }
        var server: WebServer?
        if let web {
            do {
                server = try await serve(context: context, workspace: workspace, web: web)
            } catch {
                await bus.close()
                throw error
            }
        }
        let outcome = await view.following(states) {
            await orchestrator.run(context: context, shutdownRequests: signals.requests)
        }
        await bus.close()
        // Deliveries still under way get one attempt's time at most; the run is over.
        await context.webhooks?.drain(within: workspace.config.notify.map(\.timeout).max() ?? .zero)
        await server?.stop()
        view.clear()
        guard let outcome else { throw ExitCode(1) }
        if !json { Output.print(outcome.text(style: Output.style), terminator: "") }
        if json, let warning = outcome.journalWarning { Output.error("warning: " + warning) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// Starts the dashboard over the run's journal, opened on this run; prints its URL on stderr.
    private static func serve(context: UnitLifecycle.Context, workspace: Workspace, web: WebRequest) async throws
        -> WebServer
    {
        let journal: RunJournal
        do {
            journal = try RunJournal(in: context.worktreeBase)
        } catch {
            Output.error("error: --web: could not open the run journal in \(context.worktreeBase): \(error)")
            throw ExitCode(2)
        }
        let run = try? journal.runs(limit: 1).first?.id
        let server = try await web.options.start(
            journal: journal,
            folder: context.worktreeBase,
            workspace: workspace,
            port: web.port,
            portFlag: "--web",
            focusRun: run ?? nil
        )
        Output.error("choo web: serving this run at \(server.url)")
        return server
    }
}
