import Foundation

/// A client for the parts of GitHub's REST API that choo uses, for one repository.
///
/// Every request carries the token, GitHub's media type and API version, and choo's user agent.
/// Server errors and failed connections are retried with exponential backoff; rate limits are
/// waited out (within ``Policy/maxRateLimitWait``); GETs are conditional (`If-None-Match`, a 304
/// answers from the cache); list endpoints follow `Link: rel="next"`. Errors never contain the
/// token. Copies share one cache.
public struct GitHubClient: Sendable {
    /// The REST API root, e.g. `https://api.github.com`, without a trailing slash.
    public let apiURL: String
    /// The repository every call is about.
    public let repository: GitHubRepository
    /// Timeouts, retries and waits.
    public var policy: Policy
    /// Called before each wait (backoff after a failure, or a rate limit), with why and how long.
    public var onWait: @Sendable (_ reason: String, _ duration: Duration) -> Void = { _, _ in }

    /// The token every request carries; it is redacted from every error text.
    let token: GitHubToken
    /// Where requests go.
    let transport: any HTTPTransport
    /// The time, and waiting for backoff and rate limits.
    let clock: any WaitClock
    /// The answers to earlier GETs, for conditional requests.
    let cache = ETagCache()

    /// Creates a client for `repository` at `apiURL` (see ``GitHubRepository/apiURL(override:)``),
    /// sending through `transport` and waiting on `clock` (the run's ``Effects/http`` and
    /// ``Effects/clock``).
    public init(
        apiURL: String,
        repository: GitHubRepository,
        token: GitHubToken,
        transport: any HTTPTransport,
        clock: any WaitClock,
        policy: GitHubClient.Policy = .init()
    ) {
        var root = apiURL
        while root.hasSuffix("/") { root.removeLast() }
        self.apiURL = root
        self.repository = repository
        self.token = token
        self.transport = transport
        self.clock = clock
        self.policy = policy
    }

    /// How long requests may take, how often they are retried, and how long choo waits for GitHub.
    public struct Policy: Sendable {
        /// The longest one request may take before it counts as failed (and is retried).
        public var requestTimeout: Duration
        /// How many attempts a request gets in all when GitHub fails (5xx) or cannot be reached.
        public var maxAttempts: Int
        /// The wait after the first failed attempt; it doubles after each further one.
        public var initialBackoff: Duration
        /// The longest wait between two attempts.
        public var maxBackoff: Duration
        /// The longest choo waits for a rate limit to lift; a longer one fails the request.
        public var maxRateLimitWait: Duration
        /// How many rate-limit waits one request may go through before it fails.
        public var maxRateLimitWaits: Int

        /// Creates a policy; the defaults suit github.com.
        public init(
            requestTimeout: Duration = .seconds(30),
            maxAttempts: Int = 5,
            initialBackoff: Duration = .seconds(1),
            maxBackoff: Duration = .seconds(60),
            maxRateLimitWait: Duration = .seconds(3600),
            maxRateLimitWaits: Int = 10
        ) {
            self.requestTimeout = requestTimeout
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxRateLimitWait = maxRateLimitWait
            self.maxRateLimitWaits = maxRateLimitWaits
        }

        /// The wait after `failures` failed attempts: the initial backoff doubled each time, capped.
        func backoff(afterFailures failures: Int) -> Duration {
            var wait = initialBackoff
            for _ in 1 ..< max(failures, 1) {
                wait *= 2
                if wait >= maxBackoff { return maxBackoff }
            }
            return min(wait, maxBackoff)
        }
    }
}
