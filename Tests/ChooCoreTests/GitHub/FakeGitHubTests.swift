import ChooCore
import ChooTesting
import Foundation
import Testing

/// The fake itself: what it answers at the HTTP level, and that merges really happen in git.
@Suite(.temporaryDirectory)
struct FakeGitHubTests {
    /// Sends a raw request to the fake.
    func send(
        _ method: String,
        _ path: String,
        to fake: FakeGitHub,
        token: String? = GitHubTestbed.token,
        headers: [(name: String, value: String)] = [],
        body: String? = nil
    ) async throws -> HTTPResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer " + token)) }
        let request = HTTPRequest(
            method: method,
            url: fake.apiURL + path,
            headers: all,
            body: body.map { Data($0.utf8) }
        )
        return try await AsyncHTTPClientTransport().send(request, timeout: .seconds(30))
    }

    /// GitHub's `message` in a response body.
    func message(_ response: HTTPResponse) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        return object?["message"] as? String
    }

    @Test("no token or a wrong one is 401 Bad credentials; unknown repositories and routes are 404")
    func authenticationAndNotFound() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, _ in
            let anonymous = try await send("GET", "/repos/octo/widgets/pulls", to: fake, token: nil)
            #expect(anonymous.status == 401)
            #expect(try message(anonymous) == "Bad credentials")
            let wrong = try await send("GET", "/repos/octo/widgets/pulls", to: fake, token: "nope")
            #expect(wrong.status == 401)
            let legacy = try await send(
                "GET",
                "/repos/octo/widgets/pulls",
                to: fake,
                token: nil,
                headers: [("Authorization", "token " + GitHubTestbed.token)]
            )
            #expect(legacy.status == 200)
            for path in [
                "/repos/octo/other/pulls", "/repos/octo/widgets/pulls/7", "/user", "/repos/octo/widgets/nothing",
            ] {
                let response = try await send("GET", path, to: fake)
                #expect(response.status == 404, "\(path)")
                #expect(try message(response) == "Not Found")
            }
            let info = try await send("GET", "/repos/octo/widgets", to: fake)
            let object = try JSONSerialization.jsonObject(with: info.body) as? [String: Any]
            #expect(object?["default_branch"] as? String == "main")
            #expect(fake.requests.first?.header("authorization") == nil)
            #expect(fake.requests.map(\.status).contains(nil) == false)
        }
    }

    @Test("lists are paginated with GitHub's Link header; GETs carry an ETag and match If-None-Match")
    func paginationAndETags() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            for index in 1 ... 5 { try fake.addReaction(pr: 1, content: index % 2 == 0 ? "+1" : "eyes") }
            let path = "/repos/octo/widgets/issues/1/reactions?per_page=2"
            let first = try await send("GET", path, to: fake)
            let root = fake.apiURL + "/repos/octo/widgets/issues/1/reactions"
            #expect(
                first.header("Link")
                    == "<\(root)?per_page=2&page=2>; rel=\"next\", <\(root)?per_page=2&page=3>; rel=\"last\""
            )
            let middle = try await send("GET", path + "&page=2", to: fake)
            let link = try #require(middle.header("Link"))
            #expect(link.contains("page=1>; rel=\"prev\""))
            #expect(link.contains("page=3>; rel=\"next\""))
            #expect(link.contains("page=1>; rel=\"first\""))
            let last = try await send("GET", path + "&page=3", to: fake)
            #expect((try JSONSerialization.jsonObject(with: last.body) as? [Any])?.count == 1)
            #expect(last.header("Link")?.contains("rel=\"next\"") == false)

            let etag = try #require(last.header("ETag"))
            let again = try await send("GET", path + "&page=3", to: fake, headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == etag)
            try fake.addReaction(pr: 1, content: "rocket")
            let changed = try await send("GET", path + "&page=3", to: fake, headers: [("If-None-Match", etag)])
            #expect(changed.status == 200)
            #expect(changed.header("ETag") != etag)
            let unchanged = try await send(
                "GET",
                path,
                to: fake,
                headers: [("If-None-Match", try #require(first.header("ETag")))]
            )
            #expect(unchanged.status == 304)  // the ETag covers the body, not the Link header
        }
    }

    @Test("opening a pull request checks its branches and refuses a second one for the same head")
    func openingValidation() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            for (head, base) in [("missing", "main"), ("feature", "missing"), ("main", "main")] {
                let error = try await #require(throws: GitHubError.self) {
                    try await client.createPullRequest(title: "T", body: "", head: head, base: base)
                }
                #expect(error.status == 422)
            }
            _ = try await client.createPullRequest(title: "T", body: "", head: "octo:feature", base: "main")
            let duplicate = try await send(
                "POST",
                "/repos/octo/widgets/pulls",
                to: fake,
                body: #"{"title":"T","head":"feature","base":"main"}"#
            )
            #expect(duplicate.status == 422)
            let object = try JSONSerialization.jsonObject(with: duplicate.body) as? [String: Any]
            #expect(object?["message"] as? String == "Validation Failed")
            let errors = object?["errors"] as? [[String: Any]]
            #expect(errors?.first?["message"] as? String == "A pull request already exists for octo:feature.")
            #expect(fake.pullRequests.count == 1)
        }
    }

    @Test("a squash merge makes one commit on the base with the head's tree and the title with the number")
    func squashMerge() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["a.txt": "a\n"])
        let head = try await bed.push("feature", files: ["b.txt": "b\n"])
        try await bed.run { _, client in
            let before = try #require(try await bed.originTip("main"))
            _ = try await client.createPullRequest(title: "Add a and b", body: "", head: "feature", base: "main")
            let outcome = try await client.merge(1, sha: head, method: "squash")
            #expect(try await bed.originTip("main") == outcome.sha)
            #expect(try await bed.originGit("rev-parse", "\(outcome.sha)^") == before)
            #expect(
                try await bed.originGit("rev-list", "--parents", "-n", "1", outcome.sha).split(separator: " ").count
                    == 2
            )
            #expect(
                try await bed.originGit("rev-parse", "\(outcome.sha)^{tree}")
                    == bed.originGit("rev-parse", "\(head)^{tree}")
            )
            #expect(try await bed.originGit("log", "-1", "--format=%s", outcome.sha) == "Add a and b (#1)")
        }
    }

    @Test("a head that does not contain the base is behind; requiring up-to-date branches refuses its merge")
    func behind() async throws {
        let bed = try await GitHubTestbed()
        let head = try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            #expect(try await client.pullRequest(1).mergeableState == "clean")
            try await bed.push("main", files: ["other.txt": "o\n"])
            #expect(try await client.pullRequest(1).mergeableState == "behind")
            fake.requiresUpToDateBranches = true
            let refused = try await #require(throws: GitHubError.self) {
                try await client.merge(1, sha: head, method: "merge")
            }
            #expect(refused.status == 405)
            #expect(try await bed.originTip("feature") == head)
        }
    }

    @Test("people close and merge pull requests; deleting a missing branch is 422")
    func peopleAndBranches() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("one", files: ["one.txt": "1\n"])
        try await bed.push("two", files: ["two.txt": "2\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "One", body: "", head: "one", base: "main")
            _ = try await client.createPullRequest(title: "Two", body: "", head: "two", base: "main")
            try await fake.closePullRequest(1)
            let closed = try await client.pullRequest(1)
            #expect(closed.state == "closed")
            #expect(closed.merged == false)
            let tip = try await fake.mergePullRequestByPerson(2)
            #expect(try await bed.originTip("main") == tip)
            #expect(try await client.pullRequest(2).merged)
            #expect(fake.pullRequests.map(\.mergeMethod) == [nil, "merge"])
            let missing = try await send("DELETE", "/repos/octo/widgets/git/refs/heads/nope", to: fake)
            #expect(missing.status == 422)
            #expect(try message(missing) == "Reference does not exist")
            let deleted = try await send("DELETE", "/repos/octo/widgets/git/refs/heads/two", to: fake)
            #expect(deleted.status == 204)
            #expect(try await bed.originTip("two") == nil)
        }
    }
}
