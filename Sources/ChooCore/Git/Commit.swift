/// A commit as `Git.log` lists it.
public struct Commit: Sendable, Hashable {
    /// The full commit hash.
    public var sha: String
    /// The first line of the message.
    public var subject: String

    /// Creates a commit entry.
    public init(sha: String, subject: String) {
        self.sha = sha
        self.subject = subject
    }
}
