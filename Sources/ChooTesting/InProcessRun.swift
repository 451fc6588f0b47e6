import ChooCore
import Foundation
import Testing

/// `choo run` carried out in the test's own process: the workspace is opened and planned as the
/// CLI does it, and the `Orchestrator` is prepared and run with real processes (agents, git), real
/// HTTP (`AsyncHTTPClientTransport`) and a ``DrivenWaitClock``. GitHub mode's polls, backoffs and
/// timeouts therefore wait until the test moves the clock: the test awaits an event, acts as a
/// reviewer or CI, then calls ``nextPoll()``. Start one with
/// ``withRun(in:environment:overrides:skipReview:timeout:_:)``.
package final class InProcessRun: Sendable {
    /// Every event the run published; await the one you need.
    package let events: EventStream
    /// The clock the run's GitHub waits sleep on.
    package let clock: DrivenWaitClock
    /// `review.poll_interval` as the run resolved it.
    package let pollInterval: Duration

    private let requests: AsyncStream<ShutdownRequest>.Continuation
    private let task: Task<Orchestrator.Outcome, any Error>

    /// Why a run could not be started: the tree or the settings have errors, or there is no plan.
    package struct StartError: Error, CustomStringConvertible {
        package var description: String
    }

    private init(
        workspace: Workspace,
        plan: Plan,
        environment: [String: String],
        skipReview: Bool,
        clock: DrivenWaitClock
    ) {
        let events = EventStream()
        self.events = events
        self.clock = clock
        pollInterval = workspace.config.review.pollInterval
        let (requests, continuation) = AsyncStream.makeStream(of: ShutdownRequest.self)
        self.requests = continuation
        var orchestrator = Orchestrator(
            workspace: workspace,
            plan: plan,
            effects: Effects.local(clock: clock).with(
                runner: SystemProcessRunner(environment: environment),
                http: AsyncHTTPClientTransport()
            ),
            environment: environment
        )
        orchestrator.skipReview = skipReview
        let configured = orchestrator
        task = Task {
            let bus = EventBus()
            bus.add(events)
            let context: UnitLifecycle.Context
            do {
                context = try await configured.prepare(bus: bus)
            } catch {
                await bus.close()
                Self.finish(events, clock, "the run could not start: \(error)")
                throw error
            }
            let outcome = await configured.run(context: context, shutdownRequests: requests)
            await bus.close()
            Self.finish(events, clock, Self.ending(outcome))
            return outcome
        }
    }

    /// Nothing more will come: waits for events or sleepers that are still open fail, saying `why`.
    private static func finish(_ events: EventStream, _ clock: DrivenWaitClock, _ why: String) {
        events.finish(why)
        clock.finish(why)
    }

    /// How a run ended, for a test that waited for something it never did: its exit code and every
    /// unit's failure.
    private static func ending(_ outcome: Orchestrator.Outcome) -> String {
        let failures = outcome.state.failureReasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return "the run ended (exit code \(outcome.exitCode))" + failures.map { "; " + $0 }.joined()
    }

    /// Opens the workspace at `directory` (with `overrides`, as flags give them), plans it and runs
    /// it while `body` acts on it; agents, git and the token lookup see `environment`. A run still
    /// going when `body` returns or throws is cancelled (like a second Ctrl-C) and awaited, and one
    /// still going after `timeout` of real time is cancelled, so a test that waits for something
    /// that never comes fails instead of hanging. The run waits on `clock` (a new one unless the
    /// test gives one it already handed to others, such as a fake GitHub's late CI).
    package static func withRun<T>(
        in directory: String,
        environment: [String: String],
        overrides: ConfigOverrides = .none,
        skipReview: Bool = false,
        clock: DrivenWaitClock = DrivenWaitClock(),
        timeout: Duration = .seconds(120),
        _ body: (InProcessRun) async throws -> T
    ) async throws -> T {
        let workspace = Workspace.open(
            tasksDirectory: nil,
            currentDirectory: directory,
            environment: environment,
            overrides: overrides
        )
        if workspace.hasErrors {
            throw StartError(description: workspace.problemsReport.text(style: .plain))
        }
        let plan: Plan
        do {
            plan = try workspace.plan()
        } catch {
            throw StartError(description: "\(error)")
        }
        let run = InProcessRun(
            workspace: workspace,
            plan: plan,
            environment: environment,
            skipReview: skipReview,
            clock: clock
        )
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            Issue.record("the run was still going after \(timeout) of real time; it is cancelled")
            run.task.cancel()
        }
        defer { watchdog.cancel() }
        do {
            let result = try await body(run)
            run.task.cancel()
            _ = await run.task.result
            return result
        } catch {
            run.task.cancel()
            _ = await run.task.result
            throw error
        }
    }

    /// Waits until someone sleeps on the clock (choo waiting for its next poll), then moves the
    /// clock on by one poll interval; throws if the run ends first.
    package func nextPoll() async throws {
        try await advance(by: pollInterval)
    }

    /// Waits until at least `sleepers` sleeps are suspended on the clock, then moves it on by
    /// `duration`; throws if the run ends first.
    package func advance(by duration: Duration, sleepers: Int = 1) async throws {
        try await clock.sleepers(atLeast: sleepers)
        clock.advance(by: duration)
    }

    /// Asks the run to stop, as Ctrl-C does (the first graceful, a second immediate).
    package func requestShutdown(_ request: ShutdownRequest = .graceful) {
        requests.yield(request)
    }

    /// Waits for the run to end and returns how it ended; throws the reason it could not start.
    package func outcome() async throws -> Orchestrator.Outcome {
        try await task.value
    }
}
