import ChooCore
import Foundation

/// What the target branch requires, as GitHub keeps it: the repository's merge settings, classic
/// branch protection (readable only with admin access) and rulesets; and CI that registers late.
/// Merges through the API are refused with GitHub's own 405 messages when they break a rule.
extension FakeGitHub {
    /// Classic branch protection of the base branch (every branch, in the fake).
    package struct Protection: Sendable, Hashable {
        /// The required status checks' contexts.
        package var requiredChecks: [String]
        /// Whether the head must be up to date with the base (`strict`).
        package var strict: Bool
        /// The required approving review count (0: no review required).
        package var requiredApprovals: Int
        /// Whether commits must be signed.
        package var signatures: Bool
        /// Whether the history must be linear.
        package var linearHistory: Bool

        /// Creates protection; by default it requires nothing.
        package init(
            requiredChecks: [String] = [],
            strict: Bool = false,
            requiredApprovals: Int = 0,
            signatures: Bool = false,
            linearHistory: Bool = false
        ) {
            self.requiredChecks = requiredChecks
            self.strict = strict
            self.requiredApprovals = requiredApprovals
            self.signatures = signatures
            self.linearHistory = linearHistory
        }
    }

    /// A ruleset rule that applies to every branch, in the fake.
    package enum Rule: Sendable, Hashable {
        /// `required_status_checks`.
        case requiredChecks([String], strict: Bool = false)
        /// `pull_request`: approving reviews and, if given, the merge methods allowed.
        case pullRequest(approvals: Int, methods: [String]? = nil)
        /// `merge_queue`.
        case mergeQueue
        /// `required_signatures`.
        case signatures
        /// `required_linear_history`.
        case linearHistory
    }

    /// CI that registers its check runs `delay` after a commit is first asked about (as CI starts a
    /// while after a push), measured on `clock`.
    struct LateChecks: Sendable {
        var delay: Duration
        var clock: any WaitClock
    }

    /// Protects the base branch; with `readable: false` the protection endpoint answers 403, as it
    /// does for a token without admin access.
    package func protect(_ protection: Protection, readable: Bool = true) {
        state.withLock { state in
            state.protection = protection
            state.protectionReadable = readable
        }
    }

    /// Adds a ruleset rule for every branch.
    package func addRule(_ rule: Rule) {
        state.withLock { $0.rules.append(rule) }
    }

    /// The merge methods the repository allows (`allow_merge_commit`, ...); all three by default.
    package var allowedMergeMethods: Set<String> {
        get { state.withLock { $0.allowedMergeMethods } }
        set { state.withLock { $0.allowedMergeMethods = newValue } }
    }

    /// From now on, the check runs ``checks`` decides for a commit appear only `delay` after the
    /// commit's check runs or status were first asked for, on `clock`; until then it has none.
    package func registerChecksLate(after delay: Duration, clock: any WaitClock) {
        state.withLock { $0.lateChecks = LateChecks(delay: delay, clock: clock) }
    }

    /// Whether `sha`'s late check runs have registered (noting the first look at it).
    func checksRegistered(_ sha: String) -> Bool {
        state.withLock { state in
            guard let late = state.lateChecks else { return true }
            let now = late.clock.now()
            let first = state.firstSeen[sha] ?? now
            state.firstSeen[sha] = first
            return now.timeIntervalSince(first) >= Double(late.delay.components.seconds)
        }
    }

    /// Whether any rule or protection requires the head to be up to date.
    var requiresStrictChecks: Bool {
        state.withLock { state in
            state.protection?.strict == true
                || state.rules.contains { if case .requiredChecks(_, true) = $0 { true } else { false } }
        }
    }

    /// `GET /branches/{b}`.
    func branch(_ name: String) async throws -> Reply {
        guard let sha = try await tip(of: name) else { return .error(404, "Branch not found") }
        let protection = state.withLock { $0.protection }
        var json: [String: Any] = [
            "name": name,
            "commit": ["sha": sha, "url": "\(repositoryURL)/commits/\(sha)"] as [String: Any],
            "protected": protection != nil,
            "protection_url": "\(repositoryURL)/branches/\(name)/protection",
            "_links": ["self": "\(repositoryURL)/branches/\(name)", "html": "\(webURL)/tree/\(name)"],
        ]
        json["protection"] =
            [
                "enabled": protection != nil,
                "required_status_checks": [
                    "enforcement_level": protection == nil ? "off" : "non_admins",
                    "contexts": protection?.requiredChecks ?? [],
                    "checks": (protection?.requiredChecks ?? []).map { ["context": $0, "app_id": NSNull()] },
                ] as [String: Any],
            ] as [String: Any]
        return .json(json)
    }

    /// `GET /branches/{b}/protection`: 404 when not protected, 403 when not readable.
    func branchProtection(_ name: String) async throws -> Reply {
        let documentation = "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"
        guard try await tip(of: name) != nil else {
            return .error(404, "Branch not found", documentation: documentation)
        }
        let (protection, readable) = state.withLock { ($0.protection, $0.protectionReadable) }
        guard let protection else { return .error(404, "Branch not protected", documentation: documentation) }
        guard readable else {
            return .error(403, "Resource not accessible by integration", documentation: documentation)
        }
        let url = "\(repositoryURL)/branches/\(name)/protection"
        var json: [String: Any] = [
            "url": url,
            "required_status_checks": [
                "url": url + "/required_status_checks",
                "strict": protection.strict,
                "contexts": protection.requiredChecks,
                "contexts_url": url + "/required_status_checks/contexts",
                "checks": protection.requiredChecks.map { ["context": $0, "app_id": NSNull()] },
            ] as [String: Any],
            "required_signatures": ["url": url + "/required_signatures", "enabled": protection.signatures],
            "enforce_admins": ["url": url + "/enforce_admins", "enabled": false],
            "required_linear_history": ["enabled": protection.linearHistory],
            "allow_force_pushes": ["enabled": false],
            "allow_deletions": ["enabled": false],
            "required_conversation_resolution": ["enabled": false],
        ]
        if protection.requiredApprovals > 0 {
            json["required_pull_request_reviews"] =
                [
                    "url": url + "/required_pull_request_reviews",
                    "dismiss_stale_reviews": false,
                    "require_code_owner_reviews": false,
                    "required_approving_review_count": protection.requiredApprovals,
                    "require_last_push_approval": false,
                ] as [String: Any]
        }
        return .json(json)
    }

    /// `GET /rules/branches/{b}`: the rules of every ruleset, paginated.
    func branchRules(_ name: String) async throws -> Reply {
        let rules = state.withLock { $0.rules }
        let items: [Any] = rules.enumerated().map { index, rule in
            var json: [String: Any] = [
                "ruleset_source_type": "Repository",
                "ruleset_source": "\(owner)/\(repo)",
                "ruleset_id": 100 + index,
            ]
            switch rule {
            case .requiredChecks(let contexts, let strict):
                json["type"] = "required_status_checks"
                json["parameters"] =
                    [
                        "required_status_checks": contexts.map { ["context": $0, "integration_id": 15368] },
                        "strict_required_status_checks_policy": strict,
                        "do_not_enforce_on_create": false,
                    ] as [String: Any]
            case .pullRequest(let approvals, let methods):
                json["type"] = "pull_request"
                var parameters: [String: Any] = [
                    "required_approving_review_count": approvals,
                    "dismiss_stale_reviews_on_push": false,
                    "require_code_owner_review": false,
                    "require_last_push_approval": false,
                    "required_review_thread_resolution": false,
                ]
                if let methods { parameters["allowed_merge_methods"] = methods }
                json["parameters"] = parameters
            case .mergeQueue:
                json["type"] = "merge_queue"
                json["parameters"] =
                    [
                        "check_response_timeout_minutes": 60, "grouping_strategy": "ALLGREEN",
                        "max_entries_to_build": 5,
                        "max_entries_to_merge": 5, "merge_method": "MERGE", "min_entries_to_merge": 1,
                        "min_entries_to_merge_wait_minutes": 5,
                    ] as [String: Any]
            case .signatures: json["type"] = "required_signatures"
            case .linearHistory: json["type"] = "required_linear_history"
            }
            return json
        }
        return .list(items)
    }

    /// GitHub's refusal of merging `pull` at `head` by `method` under the repository's settings,
    /// protection and rules, or `nil` when they allow it.
    func mergeRefusal(_ pull: PullRequestRecord, method: String, head: String) async throws -> MergeResult? {
        let (allowed, protection, rules) = state.withLock { ($0.allowedMergeMethods, $0.protection, $0.rules) }
        var methods = allowed
        var approvals = protection?.requiredApprovals ?? 0
        var checks = protection?.requiredChecks ?? []
        var queue = false
        var signatures = protection?.signatures ?? false
        var linear = protection?.linearHistory ?? false
        for rule in rules {
            switch rule {
            case .requiredChecks(let contexts, _): checks += contexts
            case .pullRequest(let count, let allowedByRule):
                approvals = max(approvals, count)
                if let allowedByRule { methods.formIntersection(allowedByRule) }
            case .mergeQueue: queue = true
            case .signatures: signatures = true
            case .linearHistory: linear = true
            }
        }
        if linear { methods.remove("merge") }
        func refused(_ message: String) -> MergeResult { .refused(status: 405, message: message) }
        if !methods.contains(method) {
            let name =
                ["merge": "Merge commits", "squash": "Squash merges", "rebase": "Rebase merges"][method] ?? method
            return refused("\(name) are not allowed on this repository.")
        }
        if queue {
            return refused("Repository rule violations found\n\nChanges must be made through the merge queue")
        }
        let approved = approvingReviewers(pull)
        if approved < approvals {
            return refused(
                "At least \(approvals) approving review\(approvals == 1 ? " is" : "s are") required by reviewers "
                    + "with write access."
            )
        }
        for context in checks {
            let (runs, statuses) = state.withLock { ($0.checkRuns[head] ?? [], $0.statuses[head] ?? []) }
            let run = runs.first { $0.spec.name == context }
            let status = statuses.first { $0.context == context }
            if run == nil && status == nil { return refused("Required status check \"\(context)\" is expected.") }
            if let run, run.spec.status != "completed" {
                return refused("Required status check \"\(context)\" is in progress.")
            }
            let passed =
                ["success", "neutral", "skipped"].contains(run?.spec.conclusion ?? "") || status?.state == "success"
            if !passed { return refused("Required status check \"\(context)\" is failing.") }
        }
        if signatures { return refused("Commits must have verified signatures.") }
        return nil
    }

    /// How many people other than the author approve `pull` by their latest review.
    private func approvingReviewers(_ pull: PullRequestRecord) -> Int {
        let reviews = state.withLock { $0.reviews[pull.number] ?? [] }
        var latest: [String: String] = [:]
        for review in reviews.sorted(by: { $0.id < $1.id }) {
            guard let login = review.user?.login, login != pull.author, !login.hasSuffix("[bot]") else { continue }
            if ["APPROVED", "CHANGES_REQUESTED", "DISMISSED"].contains(review.state) { latest[login] = review.state }
        }
        return latest.values.count { $0 == "APPROVED" }
    }
}
