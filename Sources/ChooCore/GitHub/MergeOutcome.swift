/// What GitHub answered to a merge.
public struct MergeOutcome: Sendable, Hashable, Decodable {
    /// The commit the base branch now points at (the squash, merge or last rebased commit).
    public var sha: String
    /// Whether it merged.
    public var merged: Bool
    /// GitHub's message, e.g. `Pull Request successfully merged`.
    public var message: String

    /// Creates a merge outcome.
    public init(sha: String, merged: Bool, message: String) {
        self.sha = sha
        self.merged = merged
        self.message = message
    }
}
