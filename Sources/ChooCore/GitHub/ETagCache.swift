import Synchronization

/// The last successful answer to each GET, by URL, for conditional requests: the client sends its
/// `ETag` as `If-None-Match` and reuses the stored answer on `304 Not Modified`, which does not
/// count against GitHub's rate limit. Shared by every copy of a ``GitHubClient``.
final class ETagCache: Sendable {
    private let entries = Mutex<[String: HTTPResponse]>([:])

    /// Creates an empty cache.
    init() {}

    /// The stored answer for `url`, if any.
    func response(for url: String) -> HTTPResponse? {
        entries.withLock { $0[url] }
    }

    /// Stores `response` for `url` when it carries an `ETag`.
    func store(_ response: HTTPResponse, for url: String) {
        guard response.header("ETag") != nil else { return }
        entries.withLock { $0[url] = response }
    }
}
