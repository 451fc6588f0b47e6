/// A GitHub account as it appears on pull requests, reviews, comments and reactions.
public struct User: Sendable, Hashable, Decodable {
    /// The account's login name.
    public var login: String
    /// GitHub's account type: `User`, `Bot` or `Organization` (`nil` when the answer leaves it out).
    public var type: String?

    /// Creates a user.
    public init(login: String, type: String? = nil) {
        self.login = login
        self.type = type
    }

    /// Whether the account is a bot: GitHub says so, its login ends in `[bot]`, or it is one of
    /// `bots` (`github.bots`).
    public func isBot(among bots: Set<String> = []) -> Bool {
        type == "Bot" || login.hasSuffix("[bot]") || bots.contains(login)
    }
}
