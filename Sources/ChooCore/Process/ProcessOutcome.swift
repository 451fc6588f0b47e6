/// How a child process ended. A non-zero exit is data here; the caller decides what it means.
public struct ProcessOutcome: Sendable, Hashable {
    /// How the process itself ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status code.
        case exited(Int32)
        /// A signal ended it (SIGTERM is 15, SIGKILL is 9).
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// Why choo stopped the process.
    public enum StopReason: Sendable, Hashable, CustomStringConvertible {
        /// The whole run took longer than ``ProcessSpec/timeout``.
        case timeout
        /// No output arrived for ``ProcessSpec/idleTimeout``.
        case idle
        /// The calling task was cancelled.
        case cancelled
        /// No output arrived for ``ProcessActivity/toolTimeout`` while the child was in a call.
        case toolIdle

        public var description: String {
            switch self {
            case .timeout: "timed out"
            case .idle: "went idle"
            case .toolIdle: "went idle in a call"
            case .cancelled: "was cancelled"
            }
        }
    }

    /// How the process ended.
    public var termination: Termination
    /// Why choo stopped it; `nil` when it ended by itself.
    public var stoppedBecause: StopReason?
    /// The end of the output (stdout and stderr interleaved, unless kept apart), lossy UTF-8.
    public var output: String
    /// The end of stderr when ``ProcessSpec/separatesErrorOutput`` is set, else empty.
    public var errorOutput: String
    /// How long the run took, from launch until the process group was gone.
    public var duration: Duration
    /// The child's process ID, which is also its process group ID.
    public var processIdentifier: Int32
    /// What the child left running when it ended, which choo stopped before returning.
    public var leftovers: [LeftoverProcess]

    /// Creates an outcome (runners and test doubles build these).
    public init(
        termination: Termination,
        stoppedBecause: StopReason? = nil,
        output: String = "",
        errorOutput: String = "",
        duration: Duration = .zero,
        processIdentifier: Int32 = 0,
        leftovers: [LeftoverProcess] = []
    ) {
        self.termination = termination
        self.stoppedBecause = stoppedBecause
        self.output = output
        self.errorOutput = errorOutput
        self.duration = duration
        self.processIdentifier = processIdentifier
        self.leftovers = leftovers
    }

    /// Whether the process exited with status 0 by itself.
    public var succeeded: Bool { termination == .exited(0) && stoppedBecause == nil }
}
