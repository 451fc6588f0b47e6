/// Where a pull request head's CI stands, from its check runs and commit statuses, decided
/// without I/O: what failed (with the output GitHub gives), what is still running, and which
/// required checks have not reported at all. None of them means green.
struct CIResult: Sendable, Hashable {
    /// The check-run conclusions that fail a check; `success`, `neutral` and `skipped` do not.
    static let failingConclusions: Set<String> = [
        "failure", "timed_out", "cancelled", "action_required", "startup_failure",
    ]

    /// Each failed check: its name, how it ended, and its output.
    var failures: [String] = []
    /// The checks and statuses not finished.
    var pending: [String] = []

    /// The required checks (`required`) that reported nothing at all on the head.
    var missing: [String] = []
    /// Whether anything at all (a check run or a status) reported on the head.
    var reported: Bool

    /// Classifies `runs` and `statuses`; a context in `required` that neither names is ``missing``.
    init(runs: [CheckRun], statuses: [CombinedStatus.Status], required: [String] = []) {
        reported = !runs.isEmpty || !statuses.isEmpty
        let names = Set(runs.map(\.name) + statuses.map(\.context))
        missing = required.filter { !names.contains($0) }
        for run in runs {
            if run.status != "completed" {
                pending.append(run.name)
            } else if let conclusion = run.conclusion, Self.failingConclusions.contains(conclusion) {
                let parts: [String?] = [run.output?.title, run.output?.summary, run.output?.text]
                let output = parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
                failures.append("\(run.name) (\(conclusion))" + (output.isEmpty ? "" : ":\n" + output))
            }
        }
        for status in statuses {
            switch status.state {
            case "pending":
                pending.append(status.context)
            case "failure", "error":
                failures.append("\(status.context) (\(status.state))" + (status.description.map { ": " + $0 } ?? ""))
            default:
                break
            }
        }
    }
}
