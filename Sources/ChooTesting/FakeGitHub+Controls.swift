import ChooCore
import Foundation

/// What a test does to the fake: people's actions (reviews, comments, reactions, merges), CI
/// results, and failures for the next requests.
extension FakeGitHub {
    /// Adds a submitted review of pull request `pr` on its current head (or on `commitID`); its ID.
    @discardableResult
    package func addReview(
        pr: Int,
        state reviewState: String,
        body: String = "",
        user: String = "reviewer",
        commitID: String? = nil
    ) async throws -> Int {
        let pull = try existing(pr)
        var head = commitID
        if head == nil { head = try await commits(of: pull).head }
        return state.withLock { state in
            let id = state.makeID()
            let review = Review(
                id: id,
                user: User(login: user),
                state: reviewState,
                body: body,
                submittedAt: reviewState == "PENDING" ? nil : Self.now(),
                commitID: head
            )
            state.reviews[pr, default: []].append(review)
            return id
        }
    }

    /// Adds a comment on line `line` of `path` in pull request `pr`'s diff; its ID.
    @discardableResult
    package func addReviewComment(
        pr: Int,
        body: String,
        path: String,
        line: Int?,
        user: String = "reviewer"
    ) async throws -> Int {
        let pull = try existing(pr)
        let head = try await commits(of: pull).head
        return state.withLock { state in
            let id = state.makeID()
            let comment = ReviewComment(
                id: id,
                user: User(login: user),
                body: body,
                path: path,
                line: line,
                createdAt: Self.now()
            )
            state.reviewComments[pr, default: []].append(ReviewCommentRecord(comment: comment, commitID: head))
            return id
        }
    }

    /// Adds a comment to pull request `pr`'s conversation; its ID.
    @discardableResult
    package func addIssueComment(pr: Int, body: String, user: String = "reviewer") throws -> Int {
        _ = try existing(pr)
        return state.withLock { state in
            let id = state.makeID()
            state.issueComments[pr, default: []].append(
                IssueComment(id: id, user: User(login: user), body: body, createdAt: Self.now())
            )
            return id
        }
    }

    /// Adds a reaction (`+1`, `eyes`, ...) to pull request `pr`; its ID.
    @discardableResult
    package func addReaction(pr: Int, content: String, user: String = "reviewer") throws -> Int {
        _ = try existing(pr)
        return state.withLock { state in
            let id = state.makeID()
            state.reactions[pr, default: []].append(
                Reaction(id: id, content: content, user: User(login: user), createdAt: Self.now())
            )
            return id
        }
    }

    /// Removes reaction `id` from pull request `pr` (a reviewer taking their eyes off it).
    package func removeReaction(pr: Int, id: Int) {
        state.withLock { state in state.reactions[pr]?.removeAll { $0.id == id } }
    }

    /// Reports check run `name` on commit `sha` (replacing an earlier one of that name). Once a
    /// commit has check runs set this way, ``checks`` is not asked about it.
    package func setCheckRun(
        sha: String,
        name: String,
        status: String = "completed",
        conclusion: String? = "success",
        summary: String? = nil
    ) {
        let spec = CheckRunSpec(name: name, status: status, conclusion: conclusion, summary: summary)
        state.withLock { state in
            var runs = state.checkRuns[sha] ?? []
            runs.removeAll { $0.spec.name == name }
            runs.append(CheckRunRecord(id: state.makeID(), sha: sha, spec: spec, startedAt: Self.now()))
            state.checkRuns[sha] = runs
        }
    }

    /// Reports commit status `state` (`pending`, `success`, `failure`, `error`) for `context` on `sha`.
    package func setStatus(sha: String, context: String, state statusState: String, description: String? = nil) {
        state.withLock { state in
            var statuses = state.statuses[sha] ?? []
            statuses.removeAll { $0.context == context }
            statuses.append(
                StatusRecord(
                    id: state.makeID(),
                    context: context,
                    state: statusState,
                    description: description,
                    createdAt: Self.now()
                )
            )
            state.statuses[sha] = statuses
        }
    }

    /// Closes pull request `pr` without merging, as a person would.
    package func closePullRequest(_ pr: Int) async throws {
        let pull = try existing(pr)
        let (head, base) = try await commits(of: pull)
        state.withLock { state in
            guard let index = state.pullRequests.firstIndex(where: { $0.number == pr }) else { return }
            state.pullRequests[index].state = "closed"
            state.pullRequests[index].closedHeadSHA = head
            state.pullRequests[index].closedBaseSHA = base
            state.pullRequests[index].updatedAt = Self.now()
        }
    }

    /// Merges pull request `pr` as a person would on the website (for real, in the bare
    /// repository); the base branch's new tip.
    @discardableResult
    package func mergePullRequestByPerson(_ pr: Int, method: String = "merge") async throws -> String {
        switch try await performMerge(pr, method: method, expectedHead: nil) {
        case .merged(let sha): return sha
        case .refused(let status, let message):
            throw ControlError(description: "pull request #\(pr) cannot be merged (\(status)): \(message)")
        }
    }

    /// The next `count` requests (whose path contains `pathContaining`, if given) fail with `status`
    /// and GitHub's error body with `message` (by default a generic one).
    package func failNext(_ count: Int = 1, status: Int = 500, pathContaining: String? = nil, message: String? = nil) {
        state.withLock { state in
            state.injections += Array(
                repeating: .fail(status: status, pathContaining: pathContaining, message: message),
                count: count
            )
        }
    }

    /// The next `count` requests are rate limited: 403 or 429, with `Retry-After: retryAfter` and/or
    /// `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset: resetEpoch`, and GitHub's message.
    package func rateLimitNext(status: Int = 403, retryAfter: Int? = nil, resetEpoch: Int? = nil, count: Int = 1) {
        state.withLock { state in
            state.injections += Array(
                repeating: .rateLimit(status: status, retryAfter: retryAfter, resetEpoch: resetEpoch),
                count: count
            )
        }
    }

    /// The next request is carried out at once but answered only after `duration`, as when an
    /// answer is lost to a timeout (the server waits, not the test).
    package func delayNext(by duration: Duration) {
        state.withLock { $0.delays.append(duration) }
    }

    private func existing(_ pr: Int) throws -> PullRequestRecord {
        guard let pull = record(pr) else { throw ControlError(description: "there is no pull request #\(pr)") }
        return pull
    }
}
