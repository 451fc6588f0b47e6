/// A pull request as GitHub returns it (the fields choo uses).
public struct PullRequest: Sendable, Hashable, Decodable {
    /// One side of a pull request: a branch and the commit it pointed at.
    public struct Ref: Sendable, Hashable, Decodable {
        /// The branch name, without `refs/heads/`.
        public var ref: String
        /// The commit at the branch's tip (the head's is live; the base's as of the last update).
        public var sha: String

        /// Creates a ref.
        public init(ref: String, sha: String) {
            self.ref = ref
            self.sha = sha
        }
    }

    /// The pull request's number in its repository.
    public var number: Int
    /// `open` or `closed` (a merged pull request is closed and `merged`).
    public var state: String
    /// Whether it was merged; list responses leave it out, which reads as `false`.
    public var merged: Bool
    /// The title.
    public var title: String
    /// The description, if any.
    public var body: String?
    /// The pull request's page on GitHub.
    public var htmlURL: String
    /// The branch with the changes.
    public var head: Ref
    /// The branch it merges into.
    public var base: Ref
    /// Whether GitHub can merge it: `nil` while GitHub is still computing it (and in lists).
    public var mergeable: Bool?
    /// GitHub's view of mergeability: `clean`, `behind`, `dirty`, `blocked`, `unstable`, `unknown`, ...
    public var mergeableState: String?
    /// Who opened it.
    public var user: User?
    /// Once merged, the commit the base moved to (the merge, squash or last rebased commit); while
    /// open, GitHub's test merge commit.
    public var mergeCommitSHA: String?

    /// Creates a pull request value.
    public init(
        number: Int,
        state: String = "open",
        merged: Bool = false,
        title: String,
        body: String? = nil,
        htmlURL: String = "",
        head: Ref,
        base: Ref,
        mergeable: Bool? = nil,
        mergeableState: String? = nil,
        user: User? = nil,
        mergeCommitSHA: String? = nil
    ) {
        self.number = number
        self.state = state
        self.merged = merged
        self.title = title
        self.body = body
        self.htmlURL = htmlURL
        self.head = head
        self.base = base
        self.mergeable = mergeable
        self.mergeableState = mergeableState
        self.user = user
        self.mergeCommitSHA = mergeCommitSHA
    }

    /// Whether it is still open.
    public var isOpen: Bool { state == "open" }

    private enum CodingKeys: String, CodingKey {
        case number, state, merged, title, body, head, base, mergeable, user
        case htmlURL = "html_url"
        case mergeableState = "mergeable_state"
        case mergeCommitSHA = "merge_commit_sha"
    }

    /// Decodes GitHub's JSON; a missing `merged` reads as `false`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        state = try container.decode(String.self, forKey: .state)
        merged = try container.decodeIfPresent(Bool.self, forKey: .merged) ?? false
        title = try container.decode(String.self, forKey: .title)
        body = try container.decodeIfPresent(String.self, forKey: .body)
        htmlURL = try container.decodeIfPresent(String.self, forKey: .htmlURL) ?? ""
        head = try container.decode(Ref.self, forKey: .head)
        base = try container.decode(Ref.self, forKey: .base)
        mergeable = try container.decodeIfPresent(Bool.self, forKey: .mergeable)
        mergeableState = try container.decodeIfPresent(String.self, forKey: .mergeableState)
        user = try container.decodeIfPresent(User.self, forKey: .user)
        mergeCommitSHA = try container.decodeIfPresent(String.self, forKey: .mergeCommitSHA)
    }
}
