import Foundation

/// A comment on a line of a pull request's diff.
public struct ReviewComment: Sendable, Hashable, Decodable {
    /// GitHub's ID of the comment.
    public var id: Int
    /// Who wrote it.
    public var user: User?
    /// The text.
    public var body: String
    /// The file it is on.
    public var path: String?
    /// The line in the file (`nil` when the line is no longer in the diff).
    public var line: Int?
    /// When it was written.
    public var createdAt: Date

    /// Creates a review comment.
    public init(id: Int, user: User? = nil, body: String, path: String? = nil, line: Int? = nil, createdAt: Date) {
        self.id = id
        self.user = user
        self.body = body
        self.path = path
        self.line = line
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, user, body, path, line
        case createdAt = "created_at"
    }
}
