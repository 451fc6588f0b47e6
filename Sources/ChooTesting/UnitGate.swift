import ChooCore
import Synchronization

/// A fake unit executor for run-loop tests: each unit, when started, is announced on `started`
/// and then waits until the test calls `finish(_:with:)`. Nothing sleeps; the test decides the order.
package final class UnitGate: Sendable {
    private struct State {
        var waiting: [String: CheckedContinuation<SchedulerState.UnitResult, Never>] = [:]
        var early: [String: SchedulerState.UnitResult] = [:]
    }

    private let state = Mutex(State())
    private let startedContinuation: AsyncStream<String>.Continuation
    /// Unit IDs in the order their lifecycles started.
    package let started: AsyncStream<String>

    /// A gate with no unit started.
    package init() {
        (started, startedContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// The executor to hand to ``RunLoop``. A cancelled unit returns `.interrupted`.
    package var executor: RunLoop.UnitExecutor {
        { [self] unit, _ in
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let early = state.withLock { state -> SchedulerState.UnitResult? in
                        if let result = state.early.removeValue(forKey: unit) { return result }
                        state.waiting[unit] = continuation
                        return nil
                    }
                    if let early { continuation.resume(returning: early) }
                    startedContinuation.yield(unit)
                }
            } onCancel: {
                finish(unit, with: .interrupted)
            }
        }
    }

    /// Lets `unit` return `result` (now if it is waiting, else as soon as it starts).
    package func finish(_ unit: String, with result: SchedulerState.UnitResult) {
        let continuation = state.withLock { state -> CheckedContinuation<SchedulerState.UnitResult, Never>? in
            if let waiting = state.waiting.removeValue(forKey: unit) { return waiting }
            state.early[unit] = result
            return nil
        }
        continuation?.resume(returning: result)
    }
}
