/// Why a child process could not be run at all. How a started process ended is a
/// ``ProcessOutcome``, never an error.
public enum ProcessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The executable is not an absolute path, not next to the working directory, and not on `PATH`.
    case executableNotFound(String, searched: [String])
    /// The system refused to start it (not executable, missing working directory, ...).
    case launchFailed(executable: String, reason: String)
    /// The log file could not be created or opened for appending.
    case logFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .executableNotFound(let name, let searched) where name.contains("/") || searched.isEmpty:
            "No executable file at '\(name)'. Check the path, or that the file exists and is executable."
        case .executableNotFound(let name, let searched):
            "'\(name)' was not found on PATH (searched \(searched.joined(separator: ", "))). "
                + "Install it, or configure its absolute path."
        case .launchFailed(let executable, let reason):
            "Could not start '\(executable)': \(reason)"
        case .logFile(let path, let reason):
            "Could not open the log file \(path): \(reason)"
        }
    }
}
