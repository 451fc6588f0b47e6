/// Runs child processes. The engine only ever reaches processes through this protocol, so tests
/// can swap in a double (see `FailingProcessRunner` in ChooTesting).
public protocol ProcessRunning: Sendable {
    /// Runs `spec`; `onStart` gets the pid (= process group) once launched; `onOutput` gets each
    /// chunk of output (stdout and stderr) as it arrives, never two calls at once.
    ///
    /// Returns when the process and everything left in its process group have ended. A non-zero
    /// exit, a timeout and cancellation of the calling task all return an outcome; only failing to
    /// start throws.
    func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (String) -> Void
    ) async throws(ProcessError) -> ProcessOutcome
}

extension ProcessRunning {
    /// Runs `spec` without callbacks.
    public func run(_ spec: ProcessSpec) async throws(ProcessError) -> ProcessOutcome {
        try await run(spec, onStart: { _ in }, onOutput: { _ in })
    }
}
