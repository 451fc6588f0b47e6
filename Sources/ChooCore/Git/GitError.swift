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
    /// A compare-and-swap found `reference` no longer at `expected` (`actual`, `nil`: it is gone),
    /// so it was left as it is.
    case referenceMoved(reference: String, expected: String, actual: String?)
    /// `remote` refused to update `reference`; `reason` is git's (`stale info`: the lease did not
    /// hold, `non-fast-forward`, or a hook's refusal).
    case pushRejected(remote: String, reference: String, reason: String)
    /// No rebase, merge, cherry-pick or revert was in progress in `repository` to be continued.
    case nothingToContinue(repository: String)

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
        case .referenceMoved(let reference, let expected, let actual):
            let now = actual.map { "is at \($0.prefix(12))" } ?? "no longer exists"
            return "`\(reference)` moved meanwhile: it \(now), not at \(expected.prefix(12)), so it was left as it is"
        case .pushRejected(let remote, let reference, let reason):
            let why =
                reason == "stale info"
                ? "it changed there since choo last fetched it (the lease did not hold)" : reason
            return "\(remote) refused the push to `\(reference)`: \(why)"
        case .nothingToContinue(let repository):
            return "there is no rebase, merge, cherry-pick or revert in progress in \(repository) to continue"
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
