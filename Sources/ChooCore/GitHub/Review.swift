import Foundation

/// A review of a pull request.
public struct Review: Sendable, Hashable, Decodable {
    /// GitHub's ID of the review.
    public var id: Int
    /// The reviewer (`nil` for a deleted account).
    public var user: User?
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING`.
    public var state: String
    /// The review's summary text, if any.
    public var body: String?
    /// When it was submitted (`nil` while pending).
    public var submittedAt: Date?
    /// The head commit the review was made on.
    public var commitID: String?

    /// Creates a review.
    public init(
        id: Int,
        user: User? = nil,
        state: String,
        body: String? = nil,
        submittedAt: Date? = nil,
        commitID: String? = nil
    ) {
        self.id = id
        self.user = user
        self.state = state
        self.body = body
        self.submittedAt = submittedAt
        self.commitID = commitID
    }

    private enum CodingKeys: String, CodingKey {
        case id, user, state, body
        case submittedAt = "submitted_at"
        case commitID = "commit_id"
    }
}
