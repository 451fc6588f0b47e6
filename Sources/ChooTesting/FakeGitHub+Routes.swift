import ChooCore
import Foundation
import Hummingbird

extension FakeGitHub {
    /// A request taken apart.
    struct Call {
        /// The method, uppercased.
        var method: String
        /// The path without the query.
        var path: String
        /// The percent-decoded path segments after `/repos/{owner}/{repo}`.
        var segments: [String]
        /// The query items, in order.
        var query: [URLQueryItem]
        /// The body as a JSON object (empty when there is none).
        var fields: [String: Any]

        /// The value of query item `name`.
        func query(_ name: String) -> String? {
            query.first { $0.name == name }?.value
        }
    }

    /// An answer: status, JSON, extra headers; a list answer is paginated on the way out.
    struct Reply {
        var status: Int
        var json: Any?
        var headers: [(String, String)] = []
        var list: [Any]?
        /// For a list wrapped in an object (`json`), the key the page goes under.
        var listKey: String?

        /// `status` with `json`.
        static func json(_ json: Any, status: Int = 200) -> Reply { Reply(status: status, json: json) }
        /// A list, paginated by `per_page` and `page`.
        static func list(_ items: [Any]) -> Reply { Reply(status: 200, json: nil, list: items) }
        /// An error with GitHub's `{"message": ..., "documentation_url": ...}` body (and `errors` when given).
        static func error(
            _ status: Int,
            _ message: String,
            errors: [[String: Any]] = [],
            documentation: String = "https://docs.github.com/rest"
        ) -> Reply {
            var body: [String: Any] = [
                "message": message,
                "documentation_url": documentation,
                "status": String(status),
            ]
            if !errors.isEmpty { body["errors"] = errors }
            return Reply(status: status, json: body)
        }
        /// 404 `Not Found`.
        static var notFound: Reply { .error(404, "Not Found") }
        /// 204 with no body.
        static var noContent: Reply { Reply(status: 204, json: nil) }
    }

    /// Answers one HTTP request: logs it, applies injected failures, checks the token, routes it,
    /// adds `ETag`s (304 when `If-None-Match` matches) and pagination, and holds the answer back
    /// when a delay was injected.
    func respond(to request: Request) async throws -> Response {
        var request = request
        let method = request.method.rawValue.uppercased()
        let uri = request.uri.string
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let bodyData = Data(try await request.collectBody(upTo: 16 * 1024 * 1024).readableBytesView)
        let index = state.withLock { state in
            state.requests.append(
                LoggedRequest(
                    method: method,
                    path: uri,
                    headers: headers,
                    body: String(decoding: bodyData, as: UTF8.self),
                    status: nil
                )
            )
            return state.requests.count - 1
        }
        let delay = state.withLock { $0.delays.isEmpty ? nil : $0.delays.removeFirst() }
        let components = URLComponents(string: uri)
        let path = request.uri.path
        var reply: Reply
        if let injection = takeInjection(for: path) {
            reply = injected(injection)
        } else if !isAuthorized(headers["authorization"]) {
            reply = .error(401, "Bad credentials")
        } else if let call = parse(method: method, path: path, query: components?.queryItems ?? [], body: bodyData) {
            do {
                reply = try await route(call)
            } catch {
                reply = .error(500, "fake GitHub failed: \(error)")
            }
        } else {
            reply = .notFound
        }
        let response = finish(reply, method: method, path: path, query: components?.queryItems ?? [], headers: headers)
        if let delay {
            // The work is done; only the answer is late, as when a response is lost to a timeout.
            try await Task.sleep(for: delay)
        }
        state.withLock { $0.requests[index].status = response.status }
        return makeResponse(response)
    }

    /// The first injected failure matching `path`, removed from the queue.
    private func takeInjection(for path: String) -> Injection? {
        state.withLock { state in
            guard let position = state.injections.firstIndex(where: { $0.matches(path) }) else { return nil }
            return state.injections.remove(at: position)
        }
    }

    private func injected(_ injection: Injection) -> Reply {
        switch injection {
        case .fail(let status, _, let message):
            return .error(status, message ?? (status >= 500 ? "Server Error" : "Injected failure"))
        case .rateLimit(let status, let retryAfter, let resetEpoch):
            let message =
                status == 403 && retryAfter == nil
                ? "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID."
                : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
            var reply = Reply.error(status, message)
            if let retryAfter { reply.headers.append(("Retry-After", String(retryAfter))) }
            if let resetEpoch {
                reply.headers += [
                    ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Used", "5000"), ("X-RateLimit-Reset", String(resetEpoch)),
                ]
            }
            return reply
        }
    }

    private func isAuthorized(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        return authorization == "Bearer " + token || authorization == "token " + token
    }

    /// The call for `/repos/{owner}/{repo}/...`, or `nil` for any other path or another repository.
    private func parse(method: String, path: String, query: [URLQueryItem], body: Data) -> Call? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.removingPercentEncoding ?? String($0) }
        guard segments.count >= 3, segments[0] == "repos",
            segments[1].lowercased() == owner.lowercased(), segments[2].lowercased() == repo.lowercased()
        else { return nil }
        let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        return Call(method: method, path: path, segments: Array(segments.dropFirst(3)), query: query, fields: fields)
    }

    /// Sends `call` to the endpoint it names.
    private func route(_ call: Call) async throws -> Reply {
        let rest = call.segments
        let number = rest.count >= 2 ? Int(rest[1]) : nil
        switch (call.method, rest.first ?? "", rest.count) {
        case ("GET", "", 0), ("GET", "", 1): return try await repositoryInfo()
        case ("GET", "pulls", 1): return try await listPullRequests(call)
        case ("POST", "pulls", 1): return try await createPullRequest(call)
        case ("GET", "pulls", 2): return try await pullRequest(number)
        case ("PATCH", "pulls", 2): return try await updatePullRequest(number, call)
        case ("GET", "pulls", 3) where rest[2] == "reviews": return listReviews(number)
        case ("GET", "pulls", 3) where rest[2] == "comments": return listReviewComments(number)
        case ("PUT", "pulls", 3) where rest[2] == "merge": return try await mergePullRequest(number, call)
        case ("GET", "issues", 3) where rest[2] == "comments": return listIssueComments(number)
        case ("POST", "issues", 3) where rest[2] == "comments": return createIssueComment(number, call)
        case ("GET", "issues", 3) where rest[2] == "reactions": return listReactions(number)
        case ("GET", "commits", 3...) where rest.last == "check-runs":
            return try await listCheckRuns(ref: rest.dropFirst().dropLast().joined(separator: "/"))
        case ("GET", "commits", 3...) where rest.last == "status":
            return try await combinedStatus(ref: rest.dropFirst().dropLast().joined(separator: "/"))
        case ("GET", "branches", 3...) where rest.last == "protection":
            return try await branchProtection(rest.dropFirst().dropLast().joined(separator: "/"))
        case ("GET", "branches", 2...): return try await branch(rest.dropFirst().joined(separator: "/"))
        case ("GET", "rules", 3...) where rest[1] == "branches":
            return try await branchRules(rest.dropFirst(2).joined(separator: "/"))
        case ("DELETE", "git", 4...) where rest[1] == "refs" && rest[2] == "heads":
            return try await deleteBranch(rest.dropFirst(3).joined(separator: "/"))
        default: return .notFound
        }
    }

    /// The finished answer: status, headers, body bytes.
    struct Finished {
        var status: Int
        var headers: [(String, String)]
        var body: Data
    }

    /// Paginates a list, serialises the JSON, and adds `ETag` (answering 304 when it matches).
    private func finish(
        _ reply: Reply,
        method: String,
        path: String,
        query: [URLQueryItem],
        headers requestHeaders: [String: String]
    ) -> Finished {
        var reply = reply
        if let items = reply.list {
            let perPage = min(max(Int(query.first { $0.name == "per_page" }?.value ?? "") ?? 30, 1), 100)
            let page = max(Int(query.first { $0.name == "page" }?.value ?? "") ?? 1, 1)
            let lastPage = max((items.count + perPage - 1) / perPage, 1)
            let start = min((page - 1) * perPage, items.count)
            let pageItems = Array(items[start ..< min(start + perPage, items.count)])
            if let key = reply.listKey, var wrapper = reply.json as? [String: Any] {
                wrapper[key] = pageItems
                reply.json = wrapper
            } else {
                reply.json = pageItems
            }
            if let link = linkHeader(path: path, query: query, page: page, lastPage: lastPage) {
                reply.headers.append(("Link", link))
            }
        }
        var headers = reply.headers
        headers += [
            ("X-GitHub-Api-Version-Selected", "2022-11-28"),
            ("X-RateLimit-Limit", "5000"),
        ]
        if !headers.contains(where: { $0.0 == "X-RateLimit-Remaining" }) {
            headers.append(("X-RateLimit-Remaining", "4999"))
        }
        var body = Data()
        if let json = reply.json {
            body =
                (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data()
            headers.append(("Content-Type", "application/json; charset=utf-8"))
        }
        if method == "GET" && reply.status == 200 {
            let etag = "W/\"" + Self.fingerprint(body) + "\""
            headers.append(("ETag", etag))
            let presented = requestHeaders["if-none-match"]?.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if presented?.contains(etag) == true {
                return Finished(status: 304, headers: headers.filter { $0.0 != "Content-Type" }, body: Data())
            }
        }
        return Finished(status: reply.status, headers: headers, body: body)
    }

    /// GitHub's `Link` header for page `page` of `lastPage`, or `nil` when there is one page.
    private func linkHeader(path: String, query: [URLQueryItem], page: Int, lastPage: Int) -> String? {
        guard lastPage > 1 else { return nil }
        let root = apiURL
        func link(_ target: Int, _ relation: String) -> String {
            var components = URLComponents()
            components.queryItems =
                query.filter { $0.name != "page" } + [URLQueryItem(name: "page", value: String(target))]
            return "<\(root)\(path)?\(components.percentEncodedQuery ?? "")>; rel=\"\(relation)\""
        }
        var links: [String] = []
        if page > 1 { links.append(link(page - 1, "prev")) }
        if page < lastPage { links += [link(page + 1, "next"), link(lastPage, "last")] }
        if page > 1 { links.append(link(1, "first")) }
        return links.joined(separator: ", ")
    }

    private func makeResponse(_ finished: Finished) -> Response {
        var fields = HTTPFields()
        for (name, value) in finished.headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields.append(.init(name: fieldName, value: value)) }
        }
        return Response(
            status: .init(code: finished.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: finished.body))
        )
    }

    /// A stable fingerprint of `data` (FNV-1a, 64 bits) for `ETag`s.
    static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
