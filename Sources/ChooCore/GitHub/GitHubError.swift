/// Why a GitHub API call failed. Every text in it has been through ``GitHubToken/redact(_:)``,
/// so it can be shown and logged as it is.
public enum GitHubError: Error, Sendable, Hashable, CustomStringConvertible {
    /// GitHub answered with an error status (a 4xx at once, a 5xx after the retries); `message`
    /// is GitHub's own message, with each of its `errors[].message` appended.
    case http(status: Int, method: String, path: String, message: String)
    /// No answer: the connection failed or timed out on every attempt.
    case transport(method: String, path: String, reason: String)
    /// Rate limited for longer than choo will wait, or too many times in a row.
    case rateLimited(method: String, path: String, reason: String)
    /// GitHub answered, but not with what this call expects.
    case decoding(method: String, path: String, reason: String)
    /// The calling task was cancelled (choo is stopping).
    case cancelled(method: String, path: String)

    /// The HTTP status for ``http(status:method:path:message:)``, else `nil`.
    public var status: Int? {
        if case .http(let status, _, _, _) = self { return status }
        return nil
    }

    public var description: String {
        switch self {
        case .http(let status, let method, let path, let message):
            let what = "GitHub answered \(status) to \(method) \(path)" + (message.isEmpty ? "." : ": \(message)")
            return what + Self.hint(status: status)
        case .transport(let method, let path, let reason):
            return "Could not reach GitHub for \(method) \(path): \(reason). "
                + "Check the network connection and github.api_url."
        case .rateLimited(let method, let path, let reason):
            return "GitHub rate limit for \(method) \(path): \(reason). Try again later, or use another token."
        case .decoding(let method, let path, let reason):
            return "GitHub's answer to \(method) \(path) was not what choo expects: \(reason)"
        case .cancelled(let method, let path):
            return "\(method) \(path) was abandoned because choo is stopping."
        }
    }

    private static func hint(status: Int) -> String {
        switch status {
        case 401:
            " Check the token in GITHUB_TOKEN or GH_TOKEN (or run `gh auth login`): it may be wrong or expired."
        case 403:
            " The token may lack a permission this needs (contents and pull requests: read and write)."
        case 404:
            " Check github.owner and github.repo in .choo.yaml (or the origin remote), and that the token"
                + " has access to the repository."
        case 500...:
            " GitHub may be having trouble (https://www.githubstatus.com); try again later."
        default:
            ""
        }
    }
}
