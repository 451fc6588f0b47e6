import ChooCore
import Testing

/// The default HTTP transport in tests: any request records a test failure and throws, so a test
/// can never reach GitHub (or any network) by accident. Give a test an `AsyncHTTPClientTransport`
/// pointed at a ``FakeGitHub`` when it means to talk HTTP.
package struct FailingHTTPTransport: HTTPTransport {
    /// Why this transport refuses every request.
    package struct Refusal: Error, CustomStringConvertible {
        /// The request's method and URL.
        package var request: String
        package var description: String {
            "FailingHTTPTransport refused \(request): this test sends no HTTP; pass a real transport and a FakeGitHub"
        }
    }

    /// Creates the transport.
    package init() {}

    package func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let refusal = Refusal(request: request.method + " " + request.url)
        Issue.record("\(refusal)")
        throw refusal
    }
}
