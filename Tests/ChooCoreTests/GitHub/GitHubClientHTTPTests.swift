import ChooCore
import ChooTesting
import Foundation
import Testing

/// Retries, rate limits, conditional requests, timeouts and error texts, over real HTTP against
/// the fake GitHub, with a manual clock: every wait is recorded, none is waited.
@Suite(.temporaryDirectory)
struct GitHubClientHTTPTests {
    let token = GitHubTestbed.token

    /// A testbed with one pushed branch `feature` and pull request #1 from it.
    func withPullRequest(
        policy: GitHubClient.Policy = .init(),
        _ body: (GitHubTestbed, FakeGitHub, GitHubClient) async throws -> Void
    ) async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run(policy: policy) { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            try await body(bed, fake, client)
        }
    }

    /// The requests for pull request #1 itself.
    func pullRequestRequests(_ fake: FakeGitHub) -> [FakeGitHub.LoggedRequest] {
        fake.requests.filter { $0.pathWithoutQuery == "/repos/octo/widgets/pulls/1" }
    }

    @Test("every request carries the token, GitHub's media type and API version, and choo's user agent")
    func headers() async throws {
        try await withPullRequest { _, fake, client in
            _ = try await client.pullRequest(1)
            let request = try #require(pullRequestRequests(fake).last)
            #expect(request.header("Authorization") == "Bearer \(token)")
            #expect(request.header("Accept") == "application/vnd.github+json")
            #expect(request.header("X-GitHub-Api-Version") == "2022-11-28")
            #expect(request.header("User-Agent") == "choo/\(ChooVersion.current)")
            #expect(request.header("Content-Type") == nil)
        }
    }

    @Test("a repeated GET is conditional: 304 answers from the cache; a change answers anew")
    func conditionalRequests() async throws {
        try await withPullRequest { bed, fake, client in
            let first = try await client.pullRequest(1)
            let copy = client  // copies share the cache
            let second = try await copy.pullRequest(1)
            #expect(second == first)
            let requests = pullRequestRequests(fake)
            #expect(requests.count == 2)
            #expect(requests[0].header("If-None-Match") == nil)
            #expect(requests[0].status == 200)
            #expect(requests[1].header("If-None-Match")?.hasPrefix("W/\"") == true)
            #expect(requests[1].status == 304)

            let pushed = try await bed.push("feature", files: ["f.txt": "changed\n"])
            let third = try await client.pullRequest(1)
            #expect(third.head.sha == pushed)
            #expect(pullRequestRequests(fake).last?.status == 200)
            #expect(bed.clock.sleeps.isEmpty)
        }
    }

    @Test("500, 500, then 200: retried after waiting 1 s and 2 s")
    func retriesServerErrors() async throws {
        try await withPullRequest { bed, fake, client in
            fake.failNext(2, status: 500, pathContaining: "/pulls/1")
            let pull = try await client.pullRequest(1)
            #expect(pull.number == 1)
            #expect(bed.clock.sleeps == [.seconds(1), .seconds(2)])
            #expect(pullRequestRequests(fake).map(\.status) == [500, 500, 200])
        }
    }

    @Test("a server error that persists fails after maxAttempts, the waits doubling up to maxBackoff")
    func givesUpOnServerErrors() async throws {
        let policy = GitHubClient.Policy(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(3))
        try await withPullRequest(policy: policy) { bed, fake, client in
            fake.failNext(10, status: 502, pathContaining: "/pulls/1")
            let error = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
            #expect(error.status == 502)
            #expect(error.description.contains("5 attempts"))
            #expect(bed.clock.sleeps == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
            #expect(pullRequestRequests(fake).count == 5)
        }
    }

    @Test("403 with no requests remaining waits until the reset time plus a second, then succeeds")
    func waitsForRateLimitReset() async throws {
        try await withPullRequest { bed, fake, client in
            let now = Int(bed.clock.now().timeIntervalSince1970)
            fake.rateLimitNext(status: 403, resetEpoch: now + 90)
            let pull = try await client.pullRequest(1)
            #expect(pull.number == 1)
            #expect(bed.clock.sleeps == [.seconds(91)])
            #expect(pullRequestRequests(fake).map(\.status) == [403, 200])
        }
    }

    @Test("429 with Retry-After waits that long; a rate-limit message without headers waits a minute")
    func retryAfterAndSecondaryLimits() async throws {
        try await withPullRequest { bed, fake, client in
            fake.rateLimitNext(status: 429, retryAfter: 7)
            _ = try await client.pullRequest(1)
            #expect(bed.clock.sleeps == [.seconds(7)])
            fake.rateLimitNext(status: 403)
            _ = try await client.reviews(1)
            #expect(bed.clock.sleeps == [.seconds(7), .seconds(60)])
        }
    }

    @Test("rate-limit waits do not use up the attempts for server errors")
    func rateLimitsAndRetriesAreCountedApart() async throws {
        let policy = GitHubClient.Policy(maxAttempts: 2)
        try await withPullRequest(policy: policy) { bed, fake, client in
            fake.failNext(1, status: 500, pathContaining: "/pulls/1")
            fake.rateLimitNext(status: 429, retryAfter: 5, count: 3)
            _ = try await client.pullRequest(1)
            #expect(bed.clock.sleeps == [.seconds(1), .seconds(5), .seconds(5), .seconds(5)])
        }
    }

    @Test("a rate limit longer than maxRateLimitWait, or one that keeps coming back, fails clearly")
    func givesUpOnRateLimits() async throws {
        let policy = GitHubClient.Policy(maxRateLimitWait: .seconds(600), maxRateLimitWaits: 2)
        try await withPullRequest(policy: policy) { bed, fake, client in
            let now = Int(bed.clock.now().timeIntervalSince1970)
            fake.rateLimitNext(status: 403, resetEpoch: now + 7200)
            let tooLong = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
            guard case .rateLimited = tooLong else {
                Issue.record("expected a rate-limit error: \(tooLong)")
                return
            }
            #expect(tooLong.description.contains("2 h"))
            #expect(bed.clock.sleeps.isEmpty)

            fake.rateLimitNext(status: 429, retryAfter: 1, count: 3)
            let tooOften = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
            #expect(tooOften.description.contains("after 2 waits"))
            #expect(bed.clock.sleeps == [.seconds(1), .seconds(1)])
        }
    }

    @Test("a 403 that is not a rate limit, and a 422, fail at once with GitHub's message")
    func clientErrorsFailAtOnce() async throws {
        try await withPullRequest { bed, fake, client in
            fake.failNext(1, status: 403)
            let forbidden = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
            #expect(forbidden.status == 403)
            #expect(forbidden.description.contains("permission"))

            let duplicate = try await #require(throws: GitHubError.self) {
                try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            }
            #expect(duplicate.status == 422)
            #expect(duplicate.description.contains("Validation Failed"))
            #expect(duplicate.description.contains("A pull request already exists for octo:feature."))
            #expect(duplicate.description.contains("POST /repos/octo/widgets/pulls"))
            #expect(bed.clock.sleeps.isEmpty)
        }
    }

    @Test("401 says which variables hold the token, and never the token")
    func badCredentials() async throws {
        let bed = try await GitHubTestbed()
        let wrong = "ghp_WrongTokenValue99"
        try await bed.run(token: wrong) { fake, client in
            let error = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
            #expect(error.status == 401)
            #expect(error.description.contains("Bad credentials"))
            #expect(error.description.contains("GITHUB_TOKEN"))
            #expect(error.description.contains("GH_TOKEN"))
            #expect(!error.description.contains(wrong))
            #expect(fake.requests.count == 1)
        }
    }

    @Test("404 for the repository points at github.owner and github.repo")
    func notFound() async throws {
        let bed = try await GitHubTestbed()
        try await bed.run { fake, _ in
            let elsewhere = GitHubClient(
                apiURL: fake.apiURL,
                repository: GitHubRepository(owner: "octo", name: "gadgets"),
                token: GitHubToken(value: token, source: "GH_TOKEN"),
                transport: AsyncHTTPClientTransport(),
                clock: bed.clock
            )
            let error = try await #require(throws: GitHubError.self) { try await elsewhere.pullRequest(1) }
            #expect(error.status == 404)
            #expect(error.description.contains("github.owner and github.repo"))
        }
    }

    @Test("a request that times out is retried")
    func timeoutIsRetried() async throws {
        try await withPullRequest { bed, fake, client in
            var quick = client
            quick.policy.requestTimeout = .milliseconds(500)
            try fake.addReaction(pr: 1, content: "rocket")
            fake.delayNext(by: .seconds(60))
            let reactions = try await quick.reactions(1)
            #expect(reactions.map(\.content) == ["rocket"])
            #expect(bed.clock.sleeps == [.seconds(1)])
            #expect(fake.requests.filter { $0.path.contains("/reactions") }.count == 2)
        }
    }

    @Test("a create or merge whose answer was lost is not mistaken for a refusal when retried")
    func lostAnswers() async throws {
        let bed = try await GitHubTestbed()
        let head = try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run(policy: GitHubClient.Policy(requestTimeout: .milliseconds(600))) { fake, client in
            fake.delayNext(by: .seconds(60))
            let created = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            #expect(created.number == 1)
            #expect(fake.pullRequests.count == 1)
            #expect(fake.requests.filter { $0.method == "POST" }.map(\.status) == [nil, 422])

            fake.delayNext(by: .seconds(60))
            let merged = try await client.merge(1, sha: head, method: "squash")
            #expect(merged.merged)
            #expect(try await bed.originTip("main") == merged.sha)
            #expect(bed.clock.sleeps == [.seconds(1), .seconds(1)])
            #expect(fake.requests.filter { $0.method == "PUT" }.map(\.status) == [nil, 405])
        }
    }

    @Test("a server that is gone fails as a transport error after every attempt")
    func connectionRefused() async throws {
        let bed = try await GitHubTestbed()
        let closedURL = try await bed.run { fake, _ in fake.apiURL }  // the server has stopped
        let client = bed.client(apiURL: closedURL, policy: GitHubClient.Policy(maxAttempts: 3))
        let error = try await #require(throws: GitHubError.self) { try await client.pullRequest(1) }
        guard case .transport(let method, let path, _) = error else {
            Issue.record("expected a transport error: \(error)")
            return
        }
        #expect(method == "GET")
        #expect(path == "/repos/octo/widgets/pulls/1")
        #expect(bed.clock.sleeps == [.seconds(1), .seconds(2)])
    }

    @Test("a cancelled task stops without sending or waiting")
    func cancellation() async throws {
        let client = GitHubClient(
            apiURL: "http://127.0.0.1:9",
            repository: GitHubRepository(owner: "o", name: "r"),
            token: GitHubToken(value: token, source: "GH_TOKEN"),
            transport: FailingHTTPTransport(),
            clock: ManualWaitClock()
        )
        let error = await withTaskGroup(of: GitHubError?.self) { group in
            group.cancelAll()
            group.addTask {
                do {
                    _ = try await client.pullRequest(1)
                    return nil
                } catch let error as GitHubError {
                    return error
                } catch {
                    Issue.record("not a GitHubError: \(error)")
                    return nil
                }
            }
            return await group.next() ?? nil
        }
        #expect(error == .cancelled(method: "GET", path: "/repos/o/r/pulls/1"))
    }

    @Test("no error text contains the token, even where GitHub's message or a path would carry it")
    func tokenNeverInErrors() async throws {
        let bed = try await GitHubTestbed()
        let branch = "leak-\(token)"
        try await bed.push(branch, files: ["x.txt": "x\n"])
        var errors: [GitHubError] = []
        func record(_ call: () async throws -> Void) async {
            do {
                try await call()
            } catch let error as GitHubError {
                errors.append(error)
            } catch {
                Issue.record("not a GitHubError: \(error)")
            }
        }
        try await bed.run(policy: GitHubClient.Policy(maxAttempts: 2)) { fake, client in
            _ = try await client.createPullRequest(title: "X", body: "", head: branch, base: "main")
            await record { _ = try await client.createPullRequest(title: "X", body: "", head: branch, base: "main") }
            fake.failNext(2, status: 500)
            await record { _ = try await client.pullRequest(1) }
            await record { _ = try await client.pullRequest(404) }
            fake.failNext(1, status: 422, pathContaining: "/git/refs")
            await record { try await client.deleteBranch(branch) }
            fake.rateLimitNext(status: 403, resetEpoch: Int(bed.clock.now().timeIntervalSince1970) + 999_999)
            await record { _ = try await client.reviews(1) }
            await record { _ = try await bed.client(apiURL: fake.apiURL, token: "ghp_wrong").pullRequest(1) }
        }
        let unreachable = bed.client(apiURL: "http://127.0.0.1:9", policy: GitHubClient.Policy(maxAttempts: 1))
        await record { _ = try await unreachable.pullRequest(1) }
        #expect(errors.count == 7)
        #expect(errors.first?.description.contains("A pull request already exists for octo:leak-***.") == true)
        for error in errors {
            #expect(!error.description.contains(token), "\(error)")
            #expect(!String(reflecting: error).contains(token))
        }
    }
}
