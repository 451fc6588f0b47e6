import Foundation

/// A comment in a pull request's conversation (GitHub keeps these on the issue side).
public struct IssueComment: Sendable, Hashable, Decodable {
    /// GitHub's ID of the comment.
    public var id: Int
    /// Who wrote it.
    public var user: User?
    /// The text.
    public var body: String
    /// When it was written.
    public var createdAt: Date

    /// Creates an issue comment.
    public init(id: Int, user: User? = nil, body: String, createdAt: Date) {
        self.id = id
        self.user = user
        self.body = body
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, user, body
        case createdAt = "created_at"
    }
}
