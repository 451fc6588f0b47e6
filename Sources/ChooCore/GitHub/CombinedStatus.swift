/// The combined commit status of a ref: the statuses reported through the older Statuses API.
public struct CombinedStatus: Sendable, Hashable, Decodable {
    /// One context's latest status.
    public struct Status: Sendable, Hashable, Decodable {
        /// The context, e.g. `ci/jenkins`.
        public var context: String
        /// `error`, `failure`, `pending` or `success`.
        public var state: String
        /// A short description.
        public var description: String?
        /// Where the details are.
        public var targetURL: String?

        /// Creates a status.
        public init(context: String, state: String, description: String? = nil, targetURL: String? = nil) {
            self.context = context
            self.state = state
            self.description = description
            self.targetURL = targetURL
        }

        private enum CodingKeys: String, CodingKey {
            case context, state, description
            case targetURL = "target_url"
        }
    }

    /// `failure` if any context failed or errored, `pending` if any is pending or there are none,
    /// else `success`.
    public var state: String
    /// The latest status of each context.
    public var statuses: [Status]

    /// Creates a combined status.
    public init(state: String, statuses: [Status]) {
        self.state = state
        self.statuses = statuses
    }
}
