import ChooCore
import Foundation

extension FakeGitHub {
    /// A request as the fake received it.
    package struct LoggedRequest: Sendable {
        /// The method: `GET`, `POST`, ...
        package var method: String
        /// The path with the query, as sent (`/repos/o/r/pulls?state=open&per_page=100`).
        package var path: String
        /// The header fields, names lowercased (repeated fields joined with `, `).
        package var headers: [String: String]
        /// The body as text.
        package var body: String
        /// The status the fake answered with; `nil` while it is still being answered.
        package var status: Int?

        /// The value of the header `name` (any case).
        package func header(_ name: String) -> String? {
            headers[name.lowercased()]
        }

        /// The path without the query.
        package var pathWithoutQuery: String {
            path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
        }
    }

    /// A pull request as the fake keeps it.
    package struct PullRequestRecord: Sendable, Hashable {
        /// Its number (from 1).
        package var number: Int
        /// The title.
        package var title: String
        /// The description.
        package var body: String?
        /// The head branch (in the same repository).
        package var head: String
        /// The base branch.
        package var base: String
        /// `open` or `closed`.
        package var state: String
        /// Whether it was merged.
        package var merged: Bool
        /// The commit the base branch moved to when it was merged.
        package var mergeCommitSHA: String?
        /// How it was merged: `merge`, `squash` or `rebase`.
        package var mergeMethod: String?
        /// Who opened it.
        package var author: String
        /// The head commit when it was closed (open pull requests read the branch live).
        package var closedHeadSHA: String?
        /// The base commit when it was closed.
        package var closedBaseSHA: String?
        /// When it was opened.
        package var createdAt: Date
        /// When it last changed.
        package var updatedAt: Date

        /// Whether it is open.
        package var isOpen: Bool { state == "open" }
    }

    /// A check run to report for a commit (see ``FakeGitHub/checks``).
    package struct CheckRunSpec: Sendable, Hashable {
        /// The check's name, e.g. `build`.
        package var name: String
        /// `queued`, `in_progress` or `completed`.
        package var status: String
        /// `success`, `failure`, ... once completed.
        package var conclusion: String?
        /// The output's title.
        package var title: String?
        /// The output's summary.
        package var summary: String?
        /// The output's text.
        package var text: String?

        /// Creates a spec; by default a completed, successful check.
        package init(
            name: String,
            status: String = "completed",
            conclusion: String? = "success",
            title: String? = nil,
            summary: String? = nil,
            text: String? = nil
        ) {
            self.name = name
            self.status = status
            self.conclusion = status == "completed" ? conclusion : nil
            self.title = title
            self.summary = summary
            self.text = text
        }

        /// A completed check that passed.
        package static func passing(_ name: String, summary: String? = nil) -> CheckRunSpec {
            CheckRunSpec(name: name, conclusion: "success", summary: summary)
        }

        /// A completed check that failed with `summary`.
        package static func failing(_ name: String, summary: String, text: String? = nil) -> CheckRunSpec {
            CheckRunSpec(name: name, conclusion: "failure", title: "\(name) failed", summary: summary, text: text)
        }

        /// A check still running.
        package static func running(_ name: String) -> CheckRunSpec {
            CheckRunSpec(name: name, status: "in_progress", conclusion: nil)
        }
    }

    /// Why a test control could not do what it was asked.
    package struct ControlError: Error, CustomStringConvertible {
        /// What went wrong.
        package var description: String
    }

    /// A stored check run: what was reported, for which commit.
    struct CheckRunRecord: Sendable {
        var id: Int
        var sha: String
        var spec: CheckRunSpec
        var startedAt: Date
    }

    /// A stored commit status.
    struct StatusRecord: Sendable {
        var id: Int
        var context: String
        var state: String
        var description: String?
        var createdAt: Date
    }

    /// A stored review comment (a comment on a line of the diff).
    struct ReviewCommentRecord: Sendable {
        var comment: ReviewComment
        var commitID: String
    }

    /// A failure the next matching request gets instead of its answer.
    enum Injection: Sendable {
        case fail(status: Int, pathContaining: String?, message: String?)
        case rateLimit(status: Int, retryAfter: Int?, resetEpoch: Int?)

        func matches(_ path: String) -> Bool {
            guard case .fail(_, let filter?, _) = self else { return true }
            return path.contains(filter)
        }
    }
}
