import Foundation

/// GitHub's refusal of a merge (`PUT /pulls/{n}/merge`), decided without I/O: whether trying again
/// can help and, when it cannot, what the user can do.
///
/// Transient: the head or base moved (409, "Base branch was modified", "Head branch is out of date",
/// which the next round brings up to date), mergeability still being computed, required checks not
/// reported yet (the next round waits for CI again). Permanent: a merge method the repository does
/// not allow, a required merge queue, required signatures, a review GitHub requires, missing
/// permission, a ruleset's violation, any 4xx other than 405/409. An unknown 405 is tried again, as
/// GitHub answers 405 while it computes mergeability.
struct MergeRefusal: Sendable, Hashable {
    /// GitHub's status.
    var status: Int
    /// GitHub's message.
    var message: String
    /// For a permanent refusal, what the user can do; `nil` when trying again may help.
    var advice: String?

    /// Whether trying again cannot help.
    var isPermanent: Bool { advice != nil }

    /// The refusal in `error`, or `nil` when it is not GitHub refusing (no answer, cancelled).
    init?(_ error: GitHubError, method: String, allowedMethods: [String]?) {
        guard case .http(let status, _, _, let message) = error else { return nil }
        self.status = status
        self.message = message
        let text = message.lowercased()
        let allowed = allowedMethods.map { " (\($0.joined(separator: ", ")))" } ?? ""
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        if has("merge commits are not allowed", "squash merges are not allowed", "rebase merges are not allowed")
            || has("merge method", "not allowed on this repository")
        {
            advice =
                "merge.method is \(method), which this repository does not allow: set merge.method in .choo.yaml to "
                + "a method it allows\(allowed)"
        } else if has("merge queue") {
            advice =
                "the branch requires a merge queue, which choo does not use: add the pull request to the queue on "
                + "GitHub, or run again once it merged"
        } else if has("signature", "signed commit") {
            advice =
                "the branch requires signed commits: configure git to sign commits (commit.gpgsign), or relax the "
                + "rule, then run again"
        } else if has("approving review", "review is required", "reviews are required", "code owner", "review required")
        {
            advice =
                "GitHub requires an approving review: approve the pull request with a review on GitHub (a +1 reaction "
                + "does not count), then run again"
        } else if has("changes requested", "requested changes") {
            advice = "a reviewer requested changes: answer them on GitHub, then run again"
        } else if status == 403 || has("resource not accessible", "permission") {
            advice =
                "the token may not merge here: it needs write access to the repository's contents and pull requests"
        } else if status == 409 || status == 405 {
            // Head or base moved, mergeability being computed, required checks still coming.
            advice = nil
        } else {
            advice = "see GitHub's message; the repository's settings or rules refuse this merge"
        }
    }
}
