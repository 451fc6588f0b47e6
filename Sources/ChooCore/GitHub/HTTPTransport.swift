/// Sends HTTP requests: the seam between the GitHub client and the network. The client only
/// reaches the network through it, so tests can swap in a double (`FailingHTTPTransport`).
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response with its whole body. Any status is a response;
    /// failing to connect, a broken connection, or taking longer than `timeout` throws.
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse
}
