import Foundation

/// A repository on GitHub (or GitHub Enterprise): the host it lives on, its owner and its name.
public struct GitHubRepository: Sendable, Hashable, CustomStringConvertible {
    /// The web host, lowercased: `github.com`, or a GitHub Enterprise host (with its port, if the
    /// remote was an HTTP(S) URL naming one other than the default).
    public var host: String
    /// The owning user or organisation.
    public var owner: String
    /// The repository's name, without `.git`.
    public var name: String

    /// Creates a repository reference.
    public init(host: String = "github.com", owner: String, name: String) {
        self.host = host
        self.owner = owner
        self.name = name
    }

    /// `owner/name`, as GitHub writes it.
    public var description: String { owner + "/" + name }

    /// The repository a git remote URL points at: `https://host/o/r(.git)`, `http://`,
    /// `https://user@host/o/r`, `git@host:o/r(.git)`, `ssh://git@host(:port)/o/r(.git)`,
    /// `git://host/o/r`; `nil` for a local path or a URL without exactly an owner and a name.
    public static func parse(remoteURL: String) -> GitHubRepository? {
        let text = remoteURL.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            let rest = text[schemeEnd.upperBound...]
            let keepsPort: Bool
            switch scheme {
            case "https", "http": keepsPort = true
            case "ssh", "git", "git+ssh", "ssh+git": keepsPort = false
            default: return nil
            }
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            guard let host = Self.host(fromAuthority: authority, scheme: scheme, keepsPort: keepsPort) else {
                return nil
            }
            return Self.make(host: host, path: rest[authorityEnd...])
        }
        // scp-like syntax: [user@]host:owner/name; git reads anything with a slash before the
        // first colon as a local path.
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let authority = text[..<colon]
        guard !authority.contains("/"), !authority.isEmpty else { return nil }
        let hostPart = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        guard let host = Self.validHost(hostPart) else { return nil }
        return Self.make(host: host, path: text[text.index(after: colon)...])
    }

    /// The REST API root: `override` when given (without a trailing slash); else
    /// `https://api.github.com` for github.com, `https://api.<host>` for GitHub Enterprise Cloud
    /// with data residency (`*.ghe.com`), and `https://<host>/api/v3` for GitHub Enterprise Server.
    public func apiURL(override: String?) -> String {
        if let override {
            var trimmed = override.trimmingCharacters(in: .whitespacesAndNewlines)
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            if !trimmed.isEmpty { return trimmed }
        }
        switch host {
        case "github.com", "www.github.com": return "https://api.github.com"
        case let host where host.hasSuffix(".ghe.com") && !host.hasPrefix("api."): return "https://api." + host
        default: return "https://" + host + "/api/v3"
        }
    }

    private static func host(fromAuthority authority: Substring, scheme: String, keepsPort: Bool) -> String? {
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        var host = hostAndPort
        var port: Substring?
        if let colon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            port = hostAndPort[hostAndPort.index(after: colon)...]
            guard let port, !port.isEmpty, port.allSatisfy(\.isNumber) else { return nil }
        }
        guard let valid = validHost(host) else { return nil }
        guard keepsPort, let port else { return valid }
        let defaultPort = scheme == "https" ? "443" : "80"
        return port == defaultPort ? valid : valid + ":" + port
    }

    private static func validHost(_ host: Substring) -> String? {
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            return nil
        }
        return host.lowercased()
    }

    private static func make(host: String, path: Substring) -> GitHubRepository? {
        var components = path.split(separator: "/", omittingEmptySubsequences: false)
        while components.first == "" { components.removeFirst() }
        while components.last == "" { components.removeLast() }
        guard components.count == 2 else { return nil }
        let owner = String(components[0])
        var name = String(components[1])
        if name.hasSuffix(".git") { name.removeLast(4) }
        guard isName(owner), isName(name) else { return nil }
        return GitHubRepository(host: host, owner: owner, name: name)
    }

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".."
            && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
