/// Why a file operation of ``FileAccess`` failed.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `write`, `move`, `create the folder`.
    public var operation: String
    /// The path it was done to (for a move, the source).
    public var path: String
    /// The system's reason, e.g. "No such file or directory".
    public var reason: String

    /// An error for `operation` on `path`.
    public init(operation: String, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String { "could not \(operation) \(path): \(reason)" }
}
