import ChooCore
import Foundation

/// The pull request endpoints.
extension FakeGitHub {
    /// `GET /repos/{o}/{r}`.
    func repositoryInfo() async throws -> Reply {
        var json = repositoryJSON().merging(mergeSettingsJSON()) { $1 }
        json["default_branch"] = try await defaultBranch()
        return .json(json)
    }

    /// The head and base commits of `pull`: live from the repository while it is open.
    func commits(of pull: PullRequestRecord) async throws -> (head: String, base: String) {
        if !pull.isOpen, let head = pull.closedHeadSHA, let base = pull.closedBaseSHA { return (head, base) }
        let head = try await tip(of: pull.head) ?? pull.closedHeadSHA ?? ""
        let base = try await tip(of: pull.base) ?? pull.closedBaseSHA ?? ""
        return (head, base)
    }

    /// The JSON of `pull` with its live commits; with mergeability when `detail`.
    func render(_ pull: PullRequestRecord, detail: Bool) async throws -> [String: Any] {
        let (head, base) = try await commits(of: pull)
        var mergeability: (mergeable: Bool?, state: String)?
        if detail {
            if pull.isOpen && !head.isEmpty && !base.isEmpty {
                let (mergeable, state) = try await self.mergeability(base: base, head: head)
                mergeability = (mergeable, state)
            } else {
                mergeability = (nil, pull.merged ? "unknown" : "dirty")
            }
        }
        return pullRequestJSON(pull, headSHA: head, baseSHA: base, detail: mergeability)
    }

    func record(_ number: Int?) -> PullRequestRecord? {
        guard let number else { return nil }
        return state.withLock { $0.pullRequests.first { $0.number == number } }
    }

    /// `GET /pulls`: filtered by `state` (default open), `head` (`owner:branch`) and `base`; newest first.
    func listPullRequests(_ call: Call) async throws -> Reply {
        let wanted = call.query("state") ?? "open"
        var pulls = state.withLock { $0.pullRequests }.filter { wanted == "all" || $0.state == wanted }
        if let head = call.query("head") {
            let parts = head.split(separator: ":", maxSplits: 1).map(String.init)
            let (headOwner, branch) = parts.count == 2 ? (parts[0], parts[1]) : (owner, parts[0])
            pulls = headOwner.lowercased() == owner.lowercased() ? pulls.filter { $0.head == branch } : []
        }
        if let base = call.query("base") { pulls = pulls.filter { $0.base == base } }
        var items: [Any] = []
        for pull in pulls.reversed() { items.append(try await render(pull, detail: false)) }
        return .list(items)
    }

    /// `POST /pulls`: validates like GitHub (fields, branches, duplicates, no commits) and opens it.
    func createPullRequest(_ call: Call) async throws -> Reply {
        func invalid(_ field: String, _ code: String = "invalid") -> Reply {
            .error(422, "Validation Failed", errors: [["resource": "PullRequest", "field": field, "code": code]])
        }
        guard let title = call.fields["title"] as? String, !title.isEmpty else {
            return invalid("title", "missing_field")
        }
        guard var head = call.fields["head"] as? String else { return invalid("head", "missing_field") }
        guard let base = call.fields["base"] as? String else { return invalid("base", "missing_field") }
        if let colon = head.firstIndex(of: ":") {
            guard head[..<colon].lowercased() == owner.lowercased() else { return invalid("head") }
            head = String(head[head.index(after: colon)...])
        }
        guard let headSHA = try await tip(of: head) else { return invalid("head") }
        guard let baseSHA = try await tip(of: base) else { return invalid("base") }
        if try await git.isAncestor(headSHA, of: baseSHA) {
            return .error(
                422,
                "Validation Failed",
                errors: [
                    ["resource": "PullRequest", "code": "custom", "message": "No commits between \(base) and \(head)"]
                ]
            )
        }
        let created = Self.now()
        let outcome: PullRequestRecord? = state.withLock { state in
            guard !state.pullRequests.contains(where: { $0.isOpen && $0.head == head && $0.base == base }) else {
                return nil
            }
            let pull = PullRequestRecord(
                number: state.pullRequests.count + 1,
                title: title,
                body: call.fields["body"] as? String,
                head: head,
                base: base,
                state: "open",
                merged: false,
                author: state.viewer,
                createdAt: created,
                updatedAt: created
            )
            state.pullRequests.append(pull)
            return pull
        }
        guard let pull = outcome else {
            return .error(
                422,
                "Validation Failed",
                errors: [
                    [
                        "resource": "PullRequest", "code": "custom",
                        "message": "A pull request already exists for \(owner):\(head).",
                    ]
                ]
            )
        }
        return .json(try await render(pull, detail: true), status: 201)
    }

    /// `GET /pulls/{n}`.
    func pullRequest(_ number: Int?) async throws -> Reply {
        guard let pull = record(number) else { return .notFound }
        return .json(try await render(pull, detail: true))
    }

    /// `PATCH /pulls/{n}`: `title`, `body`, `state` (`open`/`closed`), `base`.
    func updatePullRequest(_ number: Int?, _ call: Call) async throws -> Reply {
        guard let current = record(number) else { return .notFound }
        var closing: (head: String, base: String)?
        if call.fields["state"] as? String == "closed" && current.isOpen {
            closing = try await commits(of: current)
        }
        let updated: PullRequestRecord? = state.withLock { state in
            guard let index = state.pullRequests.firstIndex(where: { $0.number == current.number }) else { return nil }
            var pull = state.pullRequests[index]
            if let title = call.fields["title"] as? String { pull.title = title }
            if let body = call.fields["body"] as? String { pull.body = body }
            if let base = call.fields["base"] as? String { pull.base = base }
            if let closing {
                pull.state = "closed"
                pull.closedHeadSHA = closing.head
                pull.closedBaseSHA = closing.base
            }
            if call.fields["state"] as? String == "open" && !pull.merged { pull.state = "open" }
            pull.updatedAt = Self.now()
            state.pullRequests[index] = pull
            return pull
        }
        guard let updated else { return .notFound }
        return .json(try await render(updated, detail: true))
    }

    /// `PUT /pulls/{n}/merge`: merges for real in the bare repository.
    func mergePullRequest(_ number: Int?, _ call: Call) async throws -> Reply {
        guard let number, record(number) != nil else { return .notFound }
        let method = call.fields["merge_method"] as? String ?? "merge"
        guard ["merge", "squash", "rebase"].contains(method) else {
            return .error(
                422,
                "Validation Failed",
                errors: [["resource": "PullRequest", "field": "merge_method", "code": "invalid"]]
            )
        }
        let result = try await performMerge(
            number,
            method: method,
            enforcingRules: true,
            expectedHead: call.fields["sha"] as? String,
            title: call.fields["commit_title"] as? String,
            message: call.fields["commit_message"] as? String
        )
        switch result {
        case .merged(let sha):
            return .json(["sha": sha, "merged": true, "message": "Pull Request successfully merged"])
        case .refused(let status, let message):
            return .error(
                status,
                message,
                documentation: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"
            )
        }
    }

    /// How a merge went: the base's new tip, or GitHub's refusal.
    enum MergeResult: Sendable, Equatable {
        case merged(sha: String)
        case refused(status: Int, message: String)
    }

    /// Merges pull request `number` as GitHub does: 405 when closed, behind (if required) or
    /// conflicting; 409 when `expectedHead` is not the head; `enforcingRules` (a merge through the
    /// API), 405 with GitHub's messages when the repository's merge settings, branch protection or
    /// rulesets refuse it (see ``mergeRefusal(_:method:head:)``).
    func performMerge(
        _ number: Int,
        method: String,
        enforcingRules: Bool = false,
        expectedHead: String?,
        title: String? = nil,
        message: String? = nil
    ) async throws -> MergeResult {
        let notMergeable = MergeResult.refused(status: 405, message: "Pull Request is not mergeable")
        return try await repositoryLock.withLock {
            guard let pull = record(number) else { return .refused(status: 404, message: "Not Found") }
            guard pull.isOpen else { return notMergeable }
            guard let headSHA = try await tip(of: pull.head), let baseSHA = try await tip(of: pull.base) else {
                return notMergeable
            }
            if let expectedHead, expectedHead != headSHA {
                return .refused(status: 409, message: "Head branch was modified. Review and try the merge again.")
            }
            if enforcingRules, let refusal = try await mergeRefusal(pull, method: method, head: headSHA) {
                return refusal
            }
            if requiresUpToDateBranches || enforcingRules && requiresStrictChecks,
                try await !git.isAncestor(baseSHA, of: headSHA)
            {
                return .refused(status: 405, message: "Head branch is out of date. Review and try the merge again.")
            }
            let subject =
                title
                ?? (method == "merge"
                    ? "Merge pull request #\(number) from \(owner)/\(pull.head)" : "\(pull.title) (#\(number))")
            let description = message ?? (method == "merge" ? pull.title : "")
            let text = description.isEmpty ? subject : subject + "\n\n" + description
            guard
                let newTip = try await merge(
                    method: method,
                    head: headSHA,
                    into: pull.base,
                    baseSHA: baseSHA,
                    message: text
                )
            else { return notMergeable }
            state.withLock { state in
                guard let index = state.pullRequests.firstIndex(where: { $0.number == number }) else { return }
                state.pullRequests[index].state = "closed"
                state.pullRequests[index].merged = true
                state.pullRequests[index].mergeMethod = method
                state.pullRequests[index].mergeCommitSHA = newTip
                state.pullRequests[index].closedHeadSHA = headSHA
                state.pullRequests[index].closedBaseSHA = baseSHA
                state.pullRequests[index].updatedAt = Self.now()
            }
            return .merged(sha: newTip)
        }
    }

    /// `DELETE /git/refs/heads/{branch}`.
    func deleteBranch(_ branch: String) async throws -> Reply {
        let deleted = try await repositoryLock.withLock { try await deleteBranchInRepository(branch) }
        return deleted ? .noContent : .error(422, "Reference does not exist")
    }
}
