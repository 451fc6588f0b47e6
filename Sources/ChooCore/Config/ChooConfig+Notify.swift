import Foundation

extension ChooConfig {
    /// One `notify` entry: a webhook told about the events that need a person.
    public struct Webhook: Sendable, Hashable {
        /// The body a hook gets.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            /// The event as `choo run --json` prints it.
            case json
            /// Slack-compatible: `{"text": "..."}` with a readable line.
            case slack
        }

        /// The events sent by default: the ones that need a person.
        public static let defaultEvents: [EventType] = [
            .unitFailed, .orchCompleted, .orchFailed, .agentLimit, .prReviewPending, .runBudgetReached,
        ]

        /// Where to POST. A secret (a Slack URL carries a token): never printed, logged or recorded.
        public var url: URL
        /// The event types sent.
        public var events: [EventType]
        /// The body's format.
        public var format: Format
        /// How long one delivery attempt may take.
        public var timeout: Duration

        /// A hook; by default the events that need a person, as JSON, 10 s per attempt.
        public init(
            url: URL,
            events: [EventType] = Self.defaultEvents,
            format: Format = .json,
            timeout: Duration = .seconds(10)
        ) {
            self.url = url
            self.events = events
            self.format = format
            self.timeout = timeout
        }
    }
}
