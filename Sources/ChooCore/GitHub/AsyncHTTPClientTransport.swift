import AsyncHTTPClient
import Foundation

/// The real transport: one AsyncHTTPClient client for the whole process (connection pooling,
/// TLS). The timeout covers the whole exchange, body included.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The largest response body accepted.
    public static let maximumBodySize = 64 * 1024 * 1024

    /// Creates a transport over the process-wide client.
    public init() {}

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .init(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(body)
        }
        let exchange = outgoing
        return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            group.addTask {
                let response = try await processClient.execute(exchange, timeout: .nanoseconds(timeout.nanoseconds))
                let body = try await response.body.collect(upTo: Self.maximumBodySize)
                return HTTPResponse(
                    status: Int(response.status.code),
                    headers: response.headers.map { (name: $0.name, value: $0.value) },
                    body: Data(body.readableBytesView)
                )
            }
            group.addTask {
                // The deadline above covers the response head only; this covers the body too.
                try await Task.sleep(for: timeout)
                throw HTTPTransportError.timedOut(after: timeout)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw HTTPTransportError.timedOut(after: timeout) }
            return first
        }
    }
}

/// Like `HTTPClient.shared` (never shut down, same settings), except that a connection that
/// cannot be made fails the request at once: AsyncHTTPClient would otherwise keep trying until the
/// request's deadline, hiding a wrong host or a refused port behind the whole timeout, and the
/// GitHub client's own retries and backoff already decide how often to try again.
private let processClient: HTTPClient = {
    var configuration = HTTPClient.Configuration.singletonConfiguration
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.timeout.connect = .seconds(10)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
