import ChooCore
import Foundation

/// GitHub's JSON shapes, written out from the REST documentation (independently of the client's
/// decoding, so a wrong key on either side shows up in tests).
extension FakeGitHub {
    /// `value`, or JSON `null`.
    static func orNull(_ value: Any?) -> Any { value ?? NSNull() }

    /// A timestamp as GitHub writes it: `2024-01-02T03:04:05Z`.
    static func timestamp(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return date.formatted(.iso8601)
    }

    /// The time for a new record, in whole seconds as GitHub keeps it.
    static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }

    func userJSON(_ login: String?) -> Any {
        guard let login else { return NSNull() }
        return [
            "login": login,
            "id": login.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 1_000_003 },
            "type": login.hasSuffix("[bot]") ? "Bot" : "User",
            "site_admin": false,
        ] as [String: Any]
    }

    var repositoryURL: String { "\(apiURL)/repos/\(owner)/\(repo)" }

    var webURL: String { "\(apiURL)/\(owner)/\(repo)" }

    func repositoryJSON() -> [String: Any] {
        [
            "id": 1,
            "name": repo,
            "full_name": "\(owner)/\(repo)",
            "owner": userJSON(owner),
            "private": false,
            "html_url": webURL,
            "url": repositoryURL,
        ]
    }

    /// The repository's merge settings, as `GET /repos/{o}/{r}` gives them to a token that may push.
    func mergeSettingsJSON() -> [String: Any] {
        let allowed = state.withLock { $0.allowedMergeMethods }
        return [
            "allow_merge_commit": allowed.contains("merge"),
            "allow_squash_merge": allowed.contains("squash"),
            "allow_rebase_merge": allowed.contains("rebase"),
            "allow_auto_merge": false,
            "delete_branch_on_merge": false,
        ]
    }

    /// A pull request; `detail` (mergeability) only in single-pull-request answers, as on GitHub.
    func pullRequestJSON(
        _ pull: PullRequestRecord,
        headSHA: String,
        baseSHA: String,
        detail: (mergeable: Bool?, state: String)?
    ) -> [String: Any] {
        func side(_ branch: String, _ sha: String) -> [String: Any] {
            [
                "label": "\(owner):\(branch)", "ref": branch, "sha": sha, "user": userJSON(owner),
                "repo": repositoryJSON(),
            ]
        }
        var json: [String: Any] = [
            "id": 500_000 + pull.number,
            "node_id": "PR_fake\(pull.number)",
            "number": pull.number,
            "url": "\(repositoryURL)/pulls/\(pull.number)",
            "html_url": "\(webURL)/pull/\(pull.number)",
            "state": pull.state,
            "locked": false,
            "draft": false,
            "title": pull.title,
            "body": Self.orNull(pull.body),
            "user": userJSON(pull.author),
            "created_at": Self.timestamp(pull.createdAt),
            "updated_at": Self.timestamp(pull.updatedAt),
            "closed_at": Self.timestamp(pull.isOpen ? nil : pull.updatedAt),
            "merged_at": Self.timestamp(pull.merged ? pull.updatedAt : nil),
            "merge_commit_sha": Self.orNull(pull.mergeCommitSHA),
            "head": side(pull.head, headSHA),
            "base": side(pull.base, baseSHA),
            "author_association": "OWNER",
        ]
        if let detail {
            json["merged"] = pull.merged
            json["mergeable"] = Self.orNull(detail.mergeable)
            json["mergeable_state"] = detail.state
            json["merged_by"] = pull.merged ? userJSON(viewer) : NSNull()
            json["comments"] = state.withLock { $0.issueComments[pull.number]?.count ?? 0 }
            json["review_comments"] = state.withLock { $0.reviewComments[pull.number]?.count ?? 0 }
        }
        return json
    }

    func reviewJSON(_ review: Review, pull: Int) -> [String: Any] {
        var json: [String: Any] = [
            "id": review.id,
            "node_id": "PRR_fake\(review.id)",
            "user": userJSON(review.user?.login),
            "body": review.body ?? "",
            "state": review.state,
            "html_url": "\(webURL)/pull/\(pull)#pullrequestreview-\(review.id)",
            "pull_request_url": "\(repositoryURL)/pulls/\(pull)",
            "commit_id": Self.orNull(review.commitID),
            "author_association": "COLLABORATOR",
        ]
        if review.state != "PENDING" { json["submitted_at"] = Self.timestamp(review.submittedAt) }
        return json
    }

    func reviewCommentJSON(_ record: ReviewCommentRecord, pull: Int) -> [String: Any] {
        let comment = record.comment
        return [
            "id": comment.id,
            "node_id": "PRRC_fake\(comment.id)",
            "pull_request_review_id": comment.id + 1,
            "diff_hunk": "@@ -1 +1 @@",
            "path": Self.orNull(comment.path),
            "line": Self.orNull(comment.line),
            "original_line": Self.orNull(comment.line),
            "side": "RIGHT",
            "commit_id": record.commitID,
            "original_commit_id": record.commitID,
            "user": userJSON(comment.user?.login),
            "body": comment.body,
            "created_at": Self.timestamp(comment.createdAt),
            "updated_at": Self.timestamp(comment.createdAt),
            "html_url": "\(webURL)/pull/\(pull)#discussion_r\(comment.id)",
            "pull_request_url": "\(repositoryURL)/pulls/\(pull)",
            "author_association": "COLLABORATOR",
        ]
    }

    func issueCommentJSON(_ comment: IssueComment, pull: Int) -> [String: Any] {
        [
            "id": comment.id,
            "node_id": "IC_fake\(comment.id)",
            "user": userJSON(comment.user?.login),
            "body": comment.body,
            "created_at": Self.timestamp(comment.createdAt),
            "updated_at": Self.timestamp(comment.createdAt),
            "html_url": "\(webURL)/pull/\(pull)#issuecomment-\(comment.id)",
            "issue_url": "\(repositoryURL)/issues/\(pull)",
            "author_association": "COLLABORATOR",
        ]
    }

    func reactionJSON(_ reaction: Reaction) -> [String: Any] {
        [
            "id": reaction.id,
            "node_id": "REA_fake\(reaction.id)",
            "user": userJSON(reaction.user?.login),
            "content": reaction.content,
            "created_at": Self.timestamp(reaction.createdAt),
        ]
    }

    func checkRunJSON(_ record: CheckRunRecord) -> [String: Any] {
        let spec = record.spec
        return [
            "id": record.id,
            "node_id": "CR_fake\(record.id)",
            "head_sha": record.sha,
            "external_id": "",
            "url": "\(repositoryURL)/check-runs/\(record.id)",
            "html_url": "\(webURL)/runs/\(record.id)",
            "details_url": "\(webURL)/runs/\(record.id)",
            "name": spec.name,
            "status": spec.status,
            "conclusion": Self.orNull(spec.conclusion),
            "started_at": Self.timestamp(record.startedAt),
            "completed_at": Self.timestamp(spec.status == "completed" ? record.startedAt : nil),
            "output": [
                "title": Self.orNull(spec.title),
                "summary": Self.orNull(spec.summary),
                "text": Self.orNull(spec.text),
                "annotations_count": 0,
                "annotations_url": "\(repositoryURL)/check-runs/\(record.id)/annotations",
            ] as [String: Any],
            "check_suite": ["id": record.id + 1],
            "app": ["id": 15368, "slug": "github-actions", "name": "GitHub Actions"] as [String: Any],
            "pull_requests": [Any](),
        ]
    }

    func statusJSON(_ record: StatusRecord) -> [String: Any] {
        [
            "id": record.id,
            "node_id": "SC_fake\(record.id)",
            "url": "\(repositoryURL)/statuses/\(record.id)",
            "state": record.state,
            "description": Self.orNull(record.description),
            "target_url": NSNull(),
            "context": record.context,
            "creator": userJSON("ci-bot"),
            "created_at": Self.timestamp(record.createdAt),
            "updated_at": Self.timestamp(record.createdAt),
        ]
    }
}
