import ChooCore
import Foundation

/// Reviews, comments, reactions, check runs and statuses: the endpoints choo polls.
extension FakeGitHub {
    /// `GET /pulls/{n}/reviews`, oldest first.
    func listReviews(_ number: Int?) -> Reply {
        guard let pull = record(number) else { return .notFound }
        let reviews = state.withLock { $0.reviews[pull.number] ?? [] }
        return .list(reviews.map { reviewJSON($0, pull: pull.number) })
    }

    /// `GET /pulls/{n}/comments`, oldest first.
    func listReviewComments(_ number: Int?) -> Reply {
        guard let pull = record(number) else { return .notFound }
        let comments = state.withLock { $0.reviewComments[pull.number] ?? [] }
        return .list(comments.map { reviewCommentJSON($0, pull: pull.number) })
    }

    /// `GET /issues/{n}/comments`, oldest first.
    func listIssueComments(_ number: Int?) -> Reply {
        guard let pull = record(number) else { return .notFound }
        let comments = state.withLock { $0.issueComments[pull.number] ?? [] }
        return .list(comments.map { issueCommentJSON($0, pull: pull.number) })
    }

    /// `POST /issues/{n}/comments`: a comment by the token's user.
    func createIssueComment(_ number: Int?, _ call: Call) -> Reply {
        guard let pull = record(number) else { return .notFound }
        guard let body = call.fields["body"] as? String, !body.isEmpty else {
            return .error(
                422,
                "Validation Failed",
                errors: [["resource": "IssueComment", "field": "body", "code": "missing_field"]]
            )
        }
        let comment = state.withLock { state in
            let comment = IssueComment(
                id: state.makeID(),
                user: User(login: state.viewer),
                body: body,
                createdAt: Self.now()
            )
            state.issueComments[pull.number, default: []].append(comment)
            return comment
        }
        return .json(issueCommentJSON(comment, pull: pull.number), status: 201)
    }

    /// `GET /issues/{n}/reactions`.
    func listReactions(_ number: Int?) -> Reply {
        guard let pull = record(number) else { return .notFound }
        let reactions = state.withLock { $0.reactions[pull.number] ?? [] }
        return .list(reactions.map { reactionJSON($0) })
    }

    /// `GET /commits/{ref}/check-runs`: `{"total_count", "check_runs"}`, paginated. The first time a
    /// commit without explicitly set check runs is asked about, ``checks`` decides its check runs.
    func listCheckRuns(ref: String) async throws -> Reply {
        guard let sha = try await commit(for: ref) else { return .error(422, "No commit found for SHA: \(ref)") }
        // CI that registers late has nothing to report until its time has come.
        let registered = checksRegistered(sha)
        let hook = state.withLock { $0.checkRuns[sha] == nil && registered ? $0.checks : nil }
        // The hook runs outside the lock, so it may look at the fake itself.
        let decided = hook.map { $0(sha) }
        let runs = state.withLock { state in
            if state.checkRuns[sha] == nil, let decided {
                state.checkRuns[sha] = decided.map {
                    CheckRunRecord(id: state.makeID(), sha: sha, spec: $0, startedAt: Self.now())
                }
            }
            return state.checkRuns[sha] ?? []
        }
        var reply = Reply.list(runs.map { checkRunJSON($0) })
        reply.json = ["total_count": runs.count]
        reply.listKey = "check_runs"
        return reply
    }

    /// `GET /commits/{ref}/status`: the latest status of each context and their combined state.
    func combinedStatus(ref: String) async throws -> Reply {
        guard let sha = try await commit(for: ref) else { return .error(422, "No commit found for SHA: \(ref)") }
        let statuses = state.withLock { $0.statuses[sha] ?? [] }
        let states = Set(statuses.map(\.state))
        let combined =
            if !states.isDisjoint(with: ["failure", "error"]) {
                "failure"
            } else if states.isEmpty || states.contains("pending") {
                "pending"
            } else {
                "success"
            }
        return .json([
            "state": combined,
            "sha": sha,
            "total_count": statuses.count,
            "statuses": statuses.map { statusJSON($0) },
            "repository": repositoryJSON(),
            "commit_url": "\(repositoryURL)/commits/\(sha)",
            "url": "\(repositoryURL)/commits/\(sha)/status",
        ])
    }
}
