/// A process a child left running after it ended (in its process group, or escaped from it with
/// `setsid` or a double fork), which choo then stopped.
public struct LeftoverProcess: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Its process ID.
    public var pid: Int32
    /// Its command line (arguments joined by spaces), as `/proc/<pid>/cmdline` had it.
    public var commandLine: String

    /// The keys of a stopped process in `orch.leftovers.stopped` and `process.leftovers.stopped` events.
    enum CodingKeys: String, CodingKey {
        case pid
        case commandLine = "command_line"
    }

    /// Creates a record of a leftover.
    public init(pid: Int32, commandLine: String) {
        self.pid = pid
        self.commandLine = commandLine
    }

    public var description: String { "\(commandLine) (pid \(pid))" }
}
