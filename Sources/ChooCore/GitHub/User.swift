/// A GitHub account as it appears on pull requests, reviews, comments and reactions.
public struct User: Sendable, Hashable, Decodable {
    /// The account's login name.
    public var login: String

    /// Creates a user.
    public init(login: String) {
        self.login = login
    }
}
