/// What to run and how: the executable, its arguments, where, with what input, and the limits
/// that stop it. Arguments are passed as given, never through a shell (see ``shell(_:in:timeout:)``).
public struct ProcessSpec: Sendable, Hashable {
    /// An absolute path, a path relative to ``workingDirectory`` (contains a `/`), or a name
    /// looked up on the `PATH` of the child's environment.
    public var executable: String
    /// The arguments, not including the executable itself.
    public var arguments: [String]
    /// The folder the child starts in (relative paths are taken from the current folder).
    public var workingDirectory: String
    /// Variables added to, or overriding, the inherited environment.
    public var environment: [String: String]
    /// Text written to the child's standard input, which is then closed; `nil` connects `/dev/null`.
    public var standardInput: String?
    /// The longest the whole run may take before its process group is stopped.
    public var timeout: Duration?
    /// The longest the child may go without writing to stdout or stderr before it is stopped.
    public var idleTimeout: Duration?
    /// How long a stopped process group gets between SIGTERM and SIGKILL.
    public var terminationGrace: Duration
    /// A file the output is appended to as it arrives; missing folders are created.
    public var logFile: String?
    /// How many bytes of the end of the output are kept in memory for ``ProcessOutcome/output``.
    public var outputTailLimit: Int
    /// Whether stderr is kept apart (in ``ProcessOutcome/errorOutput``) instead of interleaved
    /// with stdout in ``ProcessOutcome/output``. The log file receives both either way.
    public var separatesErrorOutput: Bool
    /// Whether, once the child has ended, the process table is searched for what it left running
    /// (its group, its tag) to stop it. Off only for choo's own git commands, which start nothing
    /// meant to outlive them; the search costs a walk of `/proc`. A child that was stopped (a time
    /// limit, a cancellation) is always swept.
    public var sweepsLeftovers = true
    /// What the child reports of itself while it runs: while it is in a call, the idle timeout
    /// is the activity's ``ProcessActivity/toolTimeout`` (when longer) instead of ``idleTimeout``.
    public var activity: ProcessActivity?

    /// Creates a spec; only the executable and the working directory are required.
    public init(
        executable: String,
        arguments: [String] = [],
        workingDirectory: String,
        environment: [String: String] = [:],
        standardInput: String? = nil,
        timeout: Duration? = nil,
        idleTimeout: Duration? = nil,
        terminationGrace: Duration = .seconds(5),
        logFile: String? = nil,
        outputTailLimit: Int = 64 * 1024,
        separatesErrorOutput: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.standardInput = standardInput
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.terminationGrace = terminationGrace
        self.logFile = logFile
        self.outputTailLimit = outputTailLimit
        self.separatesErrorOutput = separatesErrorOutput
    }

    /// A command the user wrote as shell text (a backpressure check, a setup hook): `sh -c command`.
    public static func shell(_ command: String, in directory: String, timeout: Duration? = nil) -> ProcessSpec {
        ProcessSpec(executable: "/bin/sh", arguments: ["-c", command], workingDirectory: directory, timeout: timeout)
    }
}
