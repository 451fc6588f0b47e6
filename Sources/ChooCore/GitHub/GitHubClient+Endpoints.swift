extension GitHubClient {
    /// The open pull request from `branch` (in this repository) into `base`, if there is one.
    public func openPullRequest(head branch: String, base: String) async throws(GitHubError) -> PullRequest? {
        let query = [("state", "open"), ("head", repository.owner + ":" + branch), ("base", base)]
        let pulls = try await list(repositoryPath("/pulls"), query: query, as: [PullRequest].self) { $0 }
        return pulls.first { $0.head.ref == branch && $0.base.ref == base }
    }

    /// Opens a pull request from `head` into `base`. GitHub refuses (422) when one is already open
    /// for them, except that when that one was opened by this call's own earlier, unanswered
    /// attempt (a timeout, then a retry), it is returned.
    public func createPullRequest(title: String, body: String, head: String, base: String)
        async throws(GitHubError) -> PullRequest
    {
        var uncertain = 0
        let fields = ["title": title, "body": body, "head": head, "base": base]
        do {
            return try await send("POST", repositoryPath("/pulls"), fields: fields, uncertain: &uncertain)
        } catch {
            guard uncertain > 0, case .http(422, _, _, let message) = error, message.contains("already exists") else {
                throw error
            }
            let branch = head.split(separator: ":", maxSplits: 1).last.map(String.init) ?? head
            guard let existing = try await openPullRequest(head: branch, base: base), existing.title == title else {
                throw error
            }
            return existing
        }
    }

    /// Pull request `number`, with `mergeable` and `mergeable_state` (a conditional GET).
    public func pullRequest(_ number: Int) async throws(GitHubError) -> PullRequest {
        try await get(repositoryPath("/pulls/\(number)"))
    }

    /// Changes the title and/or description of pull request `number` (`nil` leaves one as it is).
    public func updatePullRequest(_ number: Int, title: String?, body: String?) async throws(GitHubError)
        -> PullRequest
    {
        var fields: [String: String] = [:]
        if let title { fields["title"] = title }
        if let body { fields["body"] = body }
        return try await send("PATCH", repositoryPath("/pulls/\(number)"), fields: fields)
    }

    /// Every review of pull request `number`, oldest first.
    public func reviews(_ number: Int) async throws(GitHubError) -> [Review] {
        try await list(repositoryPath("/pulls/\(number)/reviews"), as: [Review].self) { $0 }
    }

    /// Every comment on the diff of pull request `number`, oldest first.
    public func reviewComments(_ number: Int) async throws(GitHubError) -> [ReviewComment] {
        try await list(repositoryPath("/pulls/\(number)/comments"), as: [ReviewComment].self) { $0 }
    }

    /// Every comment in the conversation of pull request `number`, oldest first.
    public func issueComments(_ number: Int) async throws(GitHubError) -> [IssueComment] {
        try await list(repositoryPath("/issues/\(number)/comments"), as: [IssueComment].self) { $0 }
    }

    /// Every reaction on pull request `number` itself.
    public func reactions(_ number: Int) async throws(GitHubError) -> [Reaction] {
        try await list(repositoryPath("/issues/\(number)/reactions"), as: [Reaction].self) { $0 }
    }

    /// Adds a comment to the conversation of pull request `number`.
    public func addComment(_ number: Int, body: String) async throws(GitHubError) -> IssueComment {
        try await send("POST", repositoryPath("/issues/\(number)/comments"), fields: ["body": body])
    }

    /// Every check run on `ref` (a commit SHA, branch or tag).
    public func checkRuns(ref: String) async throws(GitHubError) -> [CheckRun] {
        let path = repositoryPath("/commits/" + Self.encodeSegment(ref) + "/check-runs")
        return try await list(path, as: CheckRunPage.self) { $0.checkRuns }
    }

    /// The combined commit status of `ref` (a commit SHA, branch or tag).
    public func combinedStatus(ref: String) async throws(GitHubError) -> CombinedStatus {
        try await get(repositoryPath("/commits/" + Self.encodeSegment(ref) + "/status"), query: [("per_page", "100")])
    }

    /// Merges pull request `number` if its head is still `sha`, by `method`: `squash`, `merge` or
    /// `rebase`. GitHub answers 405 when it cannot be merged and 409 when the head has moved; when
    /// a retry meets 405 or 409 because this call's own unanswered attempt merged it, the merge is
    /// reported as done.
    public func merge(_ number: Int, sha: String, method: String) async throws(GitHubError) -> MergeOutcome {
        var uncertain = 0
        let fields = ["merge_method": method, "sha": sha]
        do {
            return try await send(
                "PUT",
                repositoryPath("/pulls/\(number)/merge"),
                fields: fields,
                uncertain: &uncertain
            )
        } catch {
            guard uncertain > 0, error.status == 405 || error.status == 409 else { throw error }
            let pull = try await pullRequest(number)
            guard pull.merged, pull.head.sha == sha, let merged = pull.mergeCommitSHA else { throw error }
            return MergeOutcome(sha: merged, merged: true, message: "Pull Request successfully merged")
        }
    }

    /// Deletes `branch` on GitHub; a branch that is already gone counts as deleted.
    public func deleteBranch(_ branch: String) async throws(GitHubError) {
        do {
            _ = try await exchange("DELETE", url: url(repositoryPath("/git/refs/heads/" + Self.encodeSegment(branch))))
        } catch {
            switch error {
            case .http(404, _, _, _): return
            case .http(422, _, _, let message) where message.contains("Reference does not exist"): return
            default: throw error
            }
        }
    }
}
