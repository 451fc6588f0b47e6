/// What GitHub requires before a pull request into the target branch may merge, as far as a token
/// with read access can see: from the branch (`GET /branches/{b}`), its classic protection
/// (`/protection`, readable only with admin access: a 403 or 404 leaves it unknown), the rulesets
/// that apply to it (`GET /rules/branches/{b}`) and the repository's merge settings (`GET /repos/{o}/{r}`).
public struct TargetRequirements: Sendable, Hashable, Codable {
    /// The target branch.
    public var branch: String
    /// Whether the branch is protected (classic protection); `nil` when GitHub did not say.
    public var protected: Bool?
    /// The status checks that must pass (their contexts: check run names or status contexts).
    public var requiredChecks: [String]
    /// Whether the head must contain the base's tip (`strict`).
    public var upToDate: Bool
    /// How many approving reviews are required; `nil` when it could not be read.
    public var requiredApprovals: Int?
    /// Whether pull requests must go through a merge queue.
    public var mergeQueue: Bool
    /// Whether commits must have verified signatures.
    public var signatures: Bool
    /// Whether the history must be linear (no merge commits).
    public var linearHistory: Bool
    /// The merge methods allowed (`merge`, `squash`, `rebase`); `nil` when not known.
    public var allowedMethods: [String]?
    /// What could not be read, and why (e.g. `branch protection (403: Resource not accessible)`).
    public var unreadable: [String]

    /// Creates requirements; by default a branch that requires nothing.
    public init(
        branch: String,
        protected: Bool? = nil,
        requiredChecks: [String] = [],
        upToDate: Bool = false,
        requiredApprovals: Int? = 0,
        mergeQueue: Bool = false,
        signatures: Bool = false,
        linearHistory: Bool = false,
        allowedMethods: [String]? = nil,
        unreadable: [String] = []
    ) {
        self.branch = branch
        self.protected = protected
        self.requiredChecks = requiredChecks
        self.upToDate = upToDate
        self.requiredApprovals = requiredApprovals
        self.mergeQueue = mergeQueue
        self.signatures = signatures
        self.linearHistory = linearHistory
        self.allowedMethods = allowedMethods
        self.unreadable = unreadable
    }

    /// Whether approval must be an approving review: GitHub requires one (a +1 reaction then
    /// never lets a pull request merge).
    public var approvalNeedsReview: Bool { (requiredApprovals ?? 0) > 0 }

    /// Whether `method` is allowed; `true` when that is not known.
    public func allows(method: String) -> Bool { allowedMethods?.contains(method) ?? true }

    private enum CodingKeys: String, CodingKey {
        case branch, protected, unreadable, signatures
        case requiredChecks = "required_checks"
        case upToDate = "up_to_date"
        case requiredApprovals = "required_approvals"
        case mergeQueue = "merge_queue"
        case linearHistory = "linear_history"
        case allowedMethods = "allowed_methods"
    }
}

extension TargetRequirements {
    /// What a person needs to know at the start of a run, one clause each; with `method`
    /// (`merge.method`), also whether GitHub will refuse it.
    public func summary(method: String? = nil) -> [String] {
        var lines: [String] = []
        switch requiredApprovals {
        case .some(0): lines.append("no approving review required (an approving review or a +1 reaction approves)")
        case .some(let count):
            lines.append(
                "\(count) approving review\(count == 1 ? "" : "s") required: approval must be a review, "
                    + "a +1 reaction does not count for merging"
            )
        case nil: lines.append("required reviews unknown (branch protection not readable with this token)")
        }
        lines.append(
            requiredChecks.isEmpty
                ? "no required status checks" : "required checks: " + requiredChecks.joined(separator: ", ")
        )
        if upToDate { lines.append("the head must be up to date with `\(branch)`") }
        if mergeQueue {
            lines.append(
                "a merge queue is required: choo does not merge through the queue, so each approved, green pull "
                    + "request is left open for you to add to the queue"
            )
        }
        if signatures { lines.append("signed commits required (choo's commits are signed only if git signs them)") }
        if linearHistory { lines.append("linear history required (no merge commits)") }
        if let allowedMethods {
            lines.append("merge methods allowed: " + allowedMethods.joined(separator: ", "))
            if let method, !allowedMethods.contains(method) {
                lines.append(
                    "merge.method is \(method), which GitHub will refuse; set merge.method to one of "
                        + allowedMethods.joined(separator: ", ")
                )
            }
        }
        for what in unreadable { lines.append("not readable: \(what)") }
        return lines
    }
}
