import Foundation

/// One HTTP request as the GitHub client sends it through an ``HTTPTransport``.
public struct HTTPRequest: Sendable {
    /// The method: `GET`, `POST`, `PATCH`, `PUT`, `DELETE`.
    public var method: String
    /// The absolute URL, query included.
    public var url: String
    /// The header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
