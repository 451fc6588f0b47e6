import ChooCore

extension ProcessRunning {
    /// Runs `spec` in a task and cancels that task once the child has printed something (so it
    /// surely runs when the task is cancelled); returns the outcome.
    func runCancelledAfterFirstOutput(_ spec: ProcessSpec) async throws -> ProcessOutcome {
        let (started, continuation) = AsyncStream.makeStream(of: Int.self)
        let runner = self
        let task = Task {
            try await runner.run(spec, onStart: { _ in }, onOutput: { _ in continuation.yield(0) })
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        return try await task.value
    }
}
