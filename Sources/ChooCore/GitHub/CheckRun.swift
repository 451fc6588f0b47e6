/// A check run (a CI job reported through the Checks API) on a commit.
public struct CheckRun: Sendable, Hashable, Decodable {
    /// What the check reported about itself.
    public struct Output: Sendable, Hashable, Decodable {
        /// A one-line title.
        public var title: String?
        /// A summary (Markdown).
        public var summary: String?
        /// Details (Markdown).
        public var text: String?

        /// Creates an output.
        public init(title: String? = nil, summary: String? = nil, text: String? = nil) {
            self.title = title
            self.summary = summary
            self.text = text
        }
    }

    /// GitHub's ID of the check run.
    public var id: Int
    /// The check's name, e.g. `build`.
    public var name: String
    /// `queued`, `in_progress` or `completed` (also `waiting`, `requested`, `pending`).
    public var status: String
    /// Once completed: `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`,
    /// `action_required` or `stale`.
    public var conclusion: String?
    /// What the check reported.
    public var output: Output?
    /// The check run's page.
    public var htmlURL: String?

    /// Creates a check run.
    public init(
        id: Int,
        name: String,
        status: String,
        conclusion: String? = nil,
        output: Output? = nil,
        htmlURL: String? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.conclusion = conclusion
        self.output = output
        self.htmlURL = htmlURL
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, status, conclusion, output
        case htmlURL = "html_url"
    }
}
