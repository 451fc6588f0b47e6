import Foundation

/// An emoji reaction on a pull request.
public struct Reaction: Sendable, Hashable, Decodable {
    /// GitHub's ID of the reaction.
    public var id: Int
    /// `+1`, `-1`, `laugh`, `confused`, `heart`, `hooray`, `rocket` or `eyes`.
    public var content: String
    /// Who reacted.
    public var user: User?
    /// When.
    public var createdAt: Date

    /// Creates a reaction.
    public init(id: Int, content: String, user: User? = nil, createdAt: Date) {
        self.id = id
        self.content = content
        self.user = user
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, content, user
        case createdAt = "created_at"
    }
}
