import Foundation

/// The texts choo writes in GitHub mode: a unit's pull request title and body, its comments on
/// the pull request, and the prompts that hand review feedback and failing CI checks to the agent.
enum PullRequestText {
    /// Marks comments choo wrote, so it never takes its own words for review feedback. It also
    /// lists the feedback a comment answered, so a resumed run does not answer it twice.
    static let marker = "<!-- choo"

    /// The title: the plan's first heading, else the unit's ID.
    static func title(of unit: Unit) -> String {
        let heading = unit.title?.trimmingCharacters(in: .whitespaces) ?? ""
        return heading.isEmpty ? unit.id : heading
    }

    /// The body: the unit, its tasks with their checks and results, and the baseline checks.
    static func body(of unit: Unit, baselineChecks: [ChooConfig.BaselineCheck]) -> String {
        var text = "Unit `\(unit.id)`, planned in `\(unit.planFile)`.\n\n"
        text += "| # | Task | Check | Result |\n|---|---|---|---|\n"
        for task in unit.tasks {
            let check = task.backpressure.map { "`\(escape($0))`" } ?? "none"
            let result = task.status == .complete ? "passed" : task.status.rawValue
            text += "| \(task.number ?? 0) | \(escape(task.title ?? task.fileName)) | \(check) | \(result) |\n"
        }
        if !baselineChecks.isEmpty {
            text += "\nBaseline checks, all passing: "
            text += baselineChecks.map { "\($0.name) (`\(escape($0.command))`)" }.joined(separator: ", ") + ".\n"
        }
        text += "\nOpened by choo, which answers review comments and failing checks on this pull request and "
        text += "merges it once it is approved and green.\n\n\(marker) unit=\(unit.id) -->\n"
        return text
    }

    /// What choo says on the pull request after pushing a fix; `answered` are the feedback IDs.
    static func fixComment(commit: String, summary: String, answered: [String]) -> String {
        "\(summary) Pushed \(commit); the unit's checks pass on it.\n\n\(marker) answered=\(answered.joined(separator: ","))"
            + " -->\n"
    }

    /// The feedback IDs an earlier comment of choo's says it answered.
    static func answered(in comment: String) -> [String] {
        guard let range = comment.range(of: "\(marker) answered=") else { return [] }
        let rest = comment[range.upperBound...]
        let list = rest.prefix { $0 != " " && $0 != "-" && !$0.isNewline }
        return list.split(separator: ",").map(String.init)
    }

    /// Whether a comment was written by choo.
    static func isChoo(_ body: String) -> Bool { body.contains(marker) }

    /// One piece of review feedback.
    struct Feedback: Sendable, Hashable {
        /// A stable ID, e.g. `review:12` or `comment:7`.
        var id: String
        var author: String
        var body: String
        /// `path:line` for a comment on the diff.
        var location: String?
    }

    /// The prompt that hands review feedback to the agent.
    static func feedbackPrompt(unit: Unit, pullRequest: Int, feedback: [Feedback], checks: [String], problem: String?)
        -> String
    {
        var text = """
            You are a coding agent working in a git worktree of this repository, on unit `\(unit.id)` \
            (\(title(of: unit))). Its work is in pull request #\(pullRequest), and reviewers asked for changes:


            """
        for item in feedback {
            let place = item.location.map { " on `\($0)`" } ?? ""
            text += "- \(item.author)\(place):\n\n" + quoted(item.body) + "\n\n"
        }
        text += feedbackTail(checks: checks, problem: problem)
        return text
    }

    /// The prompt that hands failing CI checks to the agent.
    static func checksPrompt(unit: Unit, pullRequest: Int, failures: [String], checks: [String], problem: String?)
        -> String
    {
        var text = """
            You are a coding agent working in a git worktree of this repository, on unit `\(unit.id)` \
            (\(title(of: unit))). Its pull request #\(pullRequest) fails these CI checks on GitHub:


            """
        for failure in failures { text += quoted(failure) + "\n\n" }
        text += feedbackTail(checks: checks, problem: problem)
        return text
    }

    private static func feedbackTail(checks: [String], problem: String?) -> String {
        var text = ""
        if let problem { text += "Your previous attempt did not pass: \(problem)\n\n" }
        text += """
            Make the changes this asks for in this worktree, keeping the unit's intent. Afterwards these checks \
            must pass, run from the repository root:

            \(checks.map { "- \($0)" }.joined(separator: "\n"))

            Do not commit, push or change any task's status: choo runs the checks, commits, pushes and answers \
            on the pull request itself.

            """
        return text
    }

    /// `text` (someone else's words: a comment, a CI summary) as a quote, capped and with control
    /// characters made visible.
    private static func quoted(_ text: String) -> String {
        QuotedOutput.quote(text, limit: 8192).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "> " + $0 }.joined(separator: "\n")
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
