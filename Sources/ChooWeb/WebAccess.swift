import Foundation
import HTTPTypes
import Hummingbird

/// Who may ask the dashboard what: the token every request carries when one is set (as
/// `Authorization: Bearer`, the `choo_token` cookie, or `?token=` once, which sets the cookie),
/// the `Host` a loopback server answers to (no DNS rebinding), and the CSRF token and same origin
/// the one changing request (stopping the run) needs.
public struct WebAccess: Sendable {
    /// The token requests must carry, when one is set.
    public let token: String?
    /// The token a page sends back with a POST (`X-Choo-CSRF`); it learns it from `/api/info`,
    /// which another origin cannot read.
    public let csrf: String

    /// The header a POST carries the CSRF token in.
    static let csrfHeader = HTTPField.Name("X-Choo-CSRF")

    /// Access with `token` (none: the loopback server, open to this machine).
    public init(token: String?) {
        self.token = token
        csrf = Self.randomToken()
    }

    /// 32 random hexadecimal digits.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< 4).map { _ in String(generator.next() as UInt32, radix: 16).leftPadded(to: 8) }.joined()
    }

    /// What a request's credentials say.
    enum Verdict: Equatable {
        /// Let it through; with a cookie to set when it came with `?token=`.
        case allowed(setCookie: Bool)
        /// No or a wrong token.
        case unauthorized
    }

    /// Whether `request` carries the token, when one is required.
    func check(_ request: Request) -> Verdict {
        guard let token else { return .allowed(setCookie: false) }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.same(String(header.dropFirst(7)), token)
        {
            return .allowed(setCookie: false)
        }
        for cookie in request.headers[values: .cookie].flatMap({ $0.split(separator: ";") }) {
            let pair = cookie.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix("choo_token="), Self.same(String(pair.dropFirst(11)), token) {
                return .allowed(setCookie: false)
            }
        }
        if let query = request.uri.queryParameters["token"], Self.same(String(query), token) {
            return .allowed(setCookie: true)
        }
        return .unauthorized
    }

    /// Whether a loopback server should answer a request for `host` (the `Host` header): only
    /// for loopback names, so a page of another site resolving its name to 127.0.0.1 gets nothing.
    static func hostAllowed(_ host: String?, loopback: Bool) -> Bool {
        guard loopback else { return true }
        guard let host else { return false }
        let name: Substring
        if host.hasPrefix("[") {
            name = host.dropFirst().prefix { $0 != "]" }
        } else {
            name = host.prefix { $0 != ":" }
        }
        return ["127.0.0.1", "localhost", "::1"].contains(name.lowercased())
    }

    /// Whether a POST is allowed to change something: it carries the CSRF token and, when the
    /// browser says where it comes from, comes from the dashboard's own origin.
    func changeAllowed(_ request: Request) -> Bool {
        guard let name = Self.csrfHeader, let sent = request.headers[name], Self.same(sent, csrf) else { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host
    }

    /// Compares in time independent of where they differ.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
