/// Why a git operation failed.
public enum GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Git ran and exited with a non-zero status; `output` is what it printed (its error message).
    case failed(command: [String], exitCode: Int32, output: String)
    /// Git did not finish within the timeout and was stopped.
    case timedOut(command: [String], timeout: Duration)
    /// The calling task was cancelled while git ran; git was stopped.
    case cancelled(command: [String])
    /// Git could not be started at all (not installed, not on PATH, bad working directory).
    case launch(ProcessError)
    /// A file in the repository's git folder could not be read or written.
    case file(path: String, reason: String)
    /// Git succeeded but printed something choo could not make sense of.
    case unexpectedOutput(command: [String], output: String)

    public var description: String {
        switch self {
        case .failed(let command, let exitCode, let output):
            let message = output.isEmpty ? "(no message)" : output
            return "`\(Self.render(command))` failed with exit code \(exitCode): \(message)"
        case .timedOut(let command, let timeout):
            return "`\(Self.render(command))` did not finish within \(timeout) and was stopped. "
                + "Check for a hook or credential prompt waiting for input, or a lock held by another git."
        case .cancelled(let command):
            return "`\(Self.render(command))` was stopped because choo was interrupted."
        case .launch(let error):
            return "Could not run git: \(error)"
        case .file(let path, let reason):
            return "Could not update \(path): \(reason)"
        case .unexpectedOutput(let command, let output):
            return "`\(Self.render(command))` printed something unexpected: \(output)"
        }
    }

    /// A command as a person would type it, quoting arguments that need it.
    static func render(_ command: [String]) -> String {
        command.map { argument in
            let plain =
                !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@^~{}+,".contains($0) }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        .joined(separator: " ")
    }
}
