import Foundation

extension GitHubClient {
    /// The API version every request asks for.
    static let apiVersion = "2022-11-28"

    /// Sends one API request, retrying server errors and failed connections with backoff and
    /// waiting out rate limits; returns the first 2xx answer (or, for a GET answered 304, the
    /// cached one). Any other answer throws.
    func exchange(_ method: String, url: String, body: Data? = nil) async throws(GitHubError) -> HTTPResponse {
        var uncertain = 0
        return try await exchange(method, url: url, body: body, uncertain: &uncertain)
    }

    /// ``exchange(_:url:body:)``, counting in `uncertain` the attempts that may or may not have
    /// taken effect (no answer, or a 5xx), so a retried POST or PUT can tell "already done by
    /// my own earlier attempt" from a real refusal.
    func exchange(_ method: String, url: String, body: Data?, uncertain: inout Int) async throws(GitHubError)
        -> HTTPResponse
    {
        let path = displayPath(of: url)
        var failures = 0
        var rateLimitWaits = 0
        while true {
            if Task.isCancelled { throw .cancelled(method: method, path: path) }
            let cached = method == "GET" ? cache.response(for: url) : nil
            let request = makeRequest(method, url: url, body: body, etag: cached?.header("ETag"))
            let response: HTTPResponse
            do {
                response = try await transport.send(request, timeout: policy.requestTimeout)
            } catch {
                if Task.isCancelled || error is CancellationError { throw .cancelled(method: method, path: path) }
                failures += 1
                uncertain += 1
                let reason = token.redact(String(describing: error))
                guard failures < policy.maxAttempts else {
                    throw .transport(method: method, path: path, reason: reason + " (\(plural(failures, "attempt")))")
                }
                try await wait(policy.backoff(afterFailures: failures), because: reason, method: method, path: path)
                continue
            }
            switch response.status {
            case 200 ..< 300:
                if method == "GET" && response.status == 200 { cache.store(response, for: url) }
                return response
            case 304 where cached != nil:
                return cached ?? response
            case 500...:
                failures += 1
                uncertain += 1
                let message = errorMessage(response)
                guard failures < policy.maxAttempts else {
                    throw .http(
                        status: response.status,
                        method: method,
                        path: path,
                        message: message + " (\(plural(failures, "attempt")))"
                    )
                }
                let reason = "GitHub answered \(response.status)"
                try await wait(policy.backoff(afterFailures: failures), because: reason, method: method, path: path)
            default:
                guard let wait = rateLimitWait(response) else {
                    throw .http(status: response.status, method: method, path: path, message: errorMessage(response))
                }
                rateLimitWaits += 1
                let message = errorMessage(response)
                guard rateLimitWaits <= policy.maxRateLimitWaits else {
                    let reason = "still limited after \(policy.maxRateLimitWaits) waits (\(message))"
                    throw .rateLimited(method: method, path: path, reason: reason)
                }
                guard wait <= policy.maxRateLimitWait else {
                    let reason =
                        "GitHub asks to wait \(Self.render(wait)), longer than choo waits "
                        + "(\(Self.render(policy.maxRateLimitWait))); \(message)"
                    throw .rateLimited(method: method, path: path, reason: reason)
                }
                try await self.wait(wait, because: "rate limited: \(message)", method: method, path: path)
            }
        }
    }

    /// Sends a GET and decodes the answer as `T`.
    func get<T: Decodable>(_ path: String, query: [(String, String)] = []) async throws(GitHubError) -> T {
        let response = try await exchange("GET", url: url(path, query: query))
        return try decode(T.self, from: response, method: "GET", url: path)
    }

    /// Sends `method` with `fields` as a JSON object and decodes the answer as `T`.
    func send<T: Decodable>(_ method: String, _ path: String, fields: [String: String]) async throws(GitHubError) -> T {
        var uncertain = 0
        return try await send(method, path, fields: fields, uncertain: &uncertain)
    }

    /// ``send(_:_:fields:)``, counting uncertain attempts (see ``exchange(_:url:body:uncertain:)``).
    func send<T: Decodable>(_ method: String, _ path: String, fields: [String: String], uncertain: inout Int)
        async throws(GitHubError) -> T
    {
        let body = try encode(fields, method: method, path: path)
        let response = try await exchange(method, url: url(path), body: body, uncertain: &uncertain)
        return try decode(T.self, from: response, method: method, url: path)
    }

    /// GETs every page of a list endpoint (100 items a page, following `Link: rel="next"`) and
    /// returns the items of all pages in order; `items` takes them out of one page's answer.
    func list<Page: Decodable, Item>(
        _ path: String,
        query: [(String, String)] = [],
        as page: Page.Type,
        items: (Page) -> [Item]
    ) async throws(GitHubError) -> [Item] {
        var next: String? = url(path, query: query + [("per_page", String(Self.pageSize))])
        var visited: Set<String> = []
        var all: [Item] = []
        while let current = next {
            guard visited.insert(current).inserted else {
                throw .decoding(method: "GET", path: displayPath(of: current), reason: "the pages link back to a page")
            }
            let response = try await exchange("GET", url: current)
            let pageItems = items(try decode(Page.self, from: response, method: "GET", url: current))
            all += pageItems
            next = try nextPage(of: response, after: current)
            if next == nil && pageItems.count >= Self.pageSize {
                // A full last page may be a 304 whose cached Link predates items added since (an
                // ETag covers the body only), so look at the following page too.
                next = Self.followingPage(of: current).flatMap { visited.contains($0) ? nil : $0 }
            }
        }
        return all
    }

    /// How many items a page of a list holds: the most GitHub allows.
    static let pageSize = 100

    /// `url` with its `page` query item one higher (a missing one counts as 1).
    static func followingPage(of url: String) -> String? {
        guard var components = URLComponents(string: url) else { return nil }
        var items = components.percentEncodedQueryItems ?? []
        let page = items.first { $0.name == "page" }.flatMap { $0.value.flatMap(Int.init) } ?? 1
        items.removeAll { $0.name == "page" }
        items.append(URLQueryItem(name: "page", value: String(page + 1)))
        components.percentEncodedQueryItems = items
        return components.string
    }

    /// The request with choo's headers.
    func makeRequest(_ method: String, url: String, body: Data?, etag: String?) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer " + token.value),
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", Self.apiVersion),
            ("User-Agent", "choo/" + ChooVersion.current),
        ]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let etag { headers.append(("If-None-Match", etag)) }
        return HTTPRequest(method: method, url: url, headers: headers, body: body)
    }

    /// How long a 403 or 429 asks to wait, or `nil` if it is not a rate limit: `Retry-After`
    /// seconds; else, with `X-RateLimit-Remaining: 0`, until `X-RateLimit-Reset` plus a second;
    /// else a minute when the message speaks of a rate limit (or it is a 429).
    func rateLimitWait(_ response: HTTPResponse) -> Duration? {
        guard response.status == 403 || response.status == 429 else { return nil }
        if let text = response.header("Retry-After"), let seconds = Int(text.trimmingCharacters(in: .whitespaces)),
            seconds >= 0
        {
            return .seconds(seconds)
        }
        let exhausted = response.header("X-RateLimit-Remaining")?.trimmingCharacters(in: .whitespaces) == "0"
        if exhausted, let text = response.header("X-RateLimit-Reset"),
            let reset = Double(text.trimmingCharacters(in: .whitespaces))
        {
            let seconds = max(0, reset - clock.now().timeIntervalSince1970) + 1
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        let message = Self.githubMessage(response.body).message.lowercased()
        if exhausted || response.status == 429 || message.contains("rate limit") { return .seconds(60) }
        return nil
    }

    /// GitHub's `message` with each `errors[].message` (or `resource.field code`) appended, redacted.
    func errorMessage(_ response: HTTPResponse) -> String {
        let (message, details) = Self.githubMessage(response.body)
        var text = message
        if !details.isEmpty { text += (text.isEmpty ? "" : ": ") + details.joined(separator: "; ") }
        if text.isEmpty { text = "no message" }
        return token.redact(text)
    }

    /// The `message` and the texts of the `errors` of a GitHub error body (empty when not JSON).
    static func githubMessage(_ body: Data) -> (message: String, details: [String]) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return (text.hasPrefix("<") ? "" : text, [])
        }
        let message = object["message"] as? String ?? ""
        let errors = object["errors"] as? [Any] ?? []
        let details = errors.compactMap { error -> String? in
            if let text = error as? String { return text }
            guard let fields = error as? [String: Any] else { return nil }
            if let text = fields["message"] as? String { return text }
            let parts = [fields["resource"], fields["field"], fields["code"]].compactMap { $0 as? String }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        }
        return (message, details)
    }

    /// Waits `duration` on the clock, telling ``onWait`` first; cancellation throws.
    private func wait(_ duration: Duration, because reason: String, method: String, path: String)
        async throws(GitHubError)
    {
        onWait("\(method) \(path): \(reason)", duration)
        do {
            try await clock.sleep(for: duration)
        } catch {
            throw .cancelled(method: method, path: path)
        }
    }

    /// The absolute URL of the API `path` with `query` (values percent-encoded).
    func url(_ path: String, query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return apiURL + path }
        let items = query.map { Self.encodeQuery($0.0) + "=" + Self.encodeQuery($0.1) }
        return apiURL + path + "?" + items.joined(separator: "&")
    }

    /// `/repos/{owner}/{name}` followed by `suffix`.
    func repositoryPath(_ suffix: String) -> String {
        "/repos/" + Self.encodeSegment(repository.owner) + "/" + Self.encodeSegment(repository.name) + suffix
    }

    /// `value` percent-encoded for a query: everything but letters, digits and `-._~`.
    static func encodeQuery(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// `value` percent-encoded as path segments (a `/` stays a separator, as in branch names).
    static func encodeSegment(_ value: String) -> String {
        value.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? String($0) }
            .joined(separator: "/")
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
    )

    /// The path of `url` for messages: without the API root and the query.
    func displayPath(of url: String) -> String {
        var path = url.hasPrefix(apiURL) ? String(url.dropFirst(apiURL.count)) : url
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        return token.redact(path.isEmpty ? "/" : path)
    }

    /// The `rel="next"` URL of `response`'s `Link` header, if any; it must stay on the API's host.
    private func nextPage(of response: HTTPResponse, after current: String) throws(GitHubError) -> String? {
        guard let link = response.header("Link"), let next = Self.nextLink(in: link) else { return nil }
        let origin = { (text: String) -> String? in
            guard let parts = URLComponents(string: text), let host = parts.host else { return nil }
            return "\(parts.scheme ?? "")://\(host.lowercased()):\(parts.port ?? -1)"
        }
        guard let nextOrigin = origin(next), nextOrigin == origin(apiURL) else {
            throw .decoding(
                method: "GET",
                path: displayPath(of: current),
                reason: "the next page is on another host (\(token.redact(next)))"
            )
        }
        return next
    }

    /// The target of the `rel="next"` entry of a `Link` header.
    static func nextLink(in header: String) -> String? {
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard pair.count == 2, pair[0].lowercased() == "rel" else { return false }
                let relations = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return relations.split(separator: " ").contains("next")
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    private func encode(_ fields: [String: String], method: String, path: String) throws(GitHubError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            return try encoder.encode(fields)
        } catch {
            throw .decoding(method: method, path: path, reason: "could not encode the request: \(error)")
        }
    }

    /// Decodes a JSON answer (dates in ISO 8601, with or without fractional seconds).
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, method: String, url: String)
        throws(GitHubError) -> T
    {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
                return date
            }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        do {
            return try decoder.decode(T.self, from: response.body)
        } catch {
            throw .decoding(method: method, path: displayPath(of: url), reason: token.redact(Self.describe(error)))
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        let (context, what): (DecodingError.Context, String) =
            switch error {
            case .keyNotFound(let key, let context): (context, "missing \(key.stringValue)")
            case .typeMismatch(_, let context): (context, "unexpected type")
            case .valueNotFound(_, let context): (context, "unexpected null")
            case .dataCorrupted(let context): (context, "malformed")
            @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), "unreadable")
            }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return "\(what) at \(path.isEmpty ? "top level" : path): \(context.debugDescription)"
    }

    /// `duration` as a person reads it: `91 s`, `1 h 5 min`.
    static func render(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds) s"
    }
}
