/// Runs child processes. The engine only ever reaches processes through this protocol, so tests
/// can swap in a double (see `FailingProcessRunner` in ChooTesting).
public protocol ProcessRunning: Sendable {
    /// Runs `spec`; `onStart` gets the pid (= process group) once launched; `onOutput` gets each
    /// chunk of output (stdout and stderr) as it arrives, never two calls at once. The chunks say
    /// which stream they came from only when ``ProcessSpec/separatesErrorOutput`` is set.
    ///
    /// Returns when the process and everything left in its process group have ended. A non-zero
    /// exit, a timeout and cancellation of the calling task all return an outcome; only failing to
    /// start throws.
    func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws(ProcessError) -> ProcessOutcome
}

/// A piece of a child's output as it arrived, never splitting a UTF-8 character.
public struct OutputChunk: Sendable, Hashable {
    /// The text.
    public var text: String
    /// Whether it came from standard error; always `false` when stderr is interleaved with stdout.
    public var isErrorOutput: Bool

    /// Creates a chunk.
    public init(_ text: String, isErrorOutput: Bool = false) {
        self.text = text
        self.isErrorOutput = isErrorOutput
    }
}

extension ProcessRunning {
    /// Runs `spec` without callbacks.
    public func run(_ spec: ProcessSpec) async throws(ProcessError) -> ProcessOutcome {
        try await run(spec, onStart: { _ in }, onOutput: { _ in })
    }
}
