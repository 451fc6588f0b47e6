import Foundation

extension GitHubClient {
    /// What GitHub requires before a pull request into `branch` may merge (see
    /// ``TargetRequirements``). A part the token may not read (403, or the 404 GitHub answers
    /// instead) is left unknown and named in `unreadable`; other failures throw.
    public func requirements(of branch: String) async throws(GitHubError) -> TargetRequirements {
        var requirements = TargetRequirements(branch: branch, requiredApprovals: nil)
        let encoded = Self.encodeSegment(branch)
        var checks: [String] = []
        var approvals: Int?

        let settings: RepositoryMergeSettings = try await get(repositoryPath(""))
        if let merge = settings.allowMergeCommit, let squash = settings.allowSquashMerge,
            let rebase = settings.allowRebaseMerge
        {
            requirements.allowedMethods = [("merge", merge), ("squash", squash), ("rebase", rebase)]
                .filter(\.1).map(\.0)
        }

        let summary: BranchSummary = try await get(repositoryPath("/branches/" + encoded))
        requirements.protected = summary.protected
        checks += summary.protection?.requiredStatusChecks?.contexts ?? []
        if summary.protected == false { approvals = 0 }

        if summary.protected != false {
            do {
                let protection: BranchProtection = try await get(repositoryPath("/branches/" + encoded + "/protection"))
                let required = protection.requiredStatusChecks
                checks += (required?.contexts ?? []) + (required?.checks?.map(\.context) ?? [])
                requirements.upToDate = required?.strict ?? false
                approvals = protection.requiredPullRequestReviews?.requiredApprovingReviewCount ?? 0
                requirements.signatures = protection.requiredSignatures?.enabled ?? false
                requirements.linearHistory = protection.requiredLinearHistory?.enabled ?? false
            } catch {
                guard let status = error.status, status == 403 || status == 404 else { throw error }
                requirements.unreadable.append("branch protection (\(Self.shortReason(error)))")
            }
        }

        do {
            let rules: [BranchRule] = try await list(
                repositoryPath("/rules/branches/" + encoded),
                as: [BranchRule].self
            ) {
                $0
            }
            for rule in rules {
                let parameters = rule.parameters
                switch rule.type {
                case "required_status_checks":
                    checks += parameters?.requiredStatusChecks?.map(\.context) ?? []
                    if parameters?.strictRequiredStatusChecksPolicy == true { requirements.upToDate = true }
                case "pull_request":
                    approvals = max(approvals ?? 0, parameters?.requiredApprovingReviewCount ?? 0)
                    if let methods = parameters?.allowedMergeMethods {
                        requirements.allowedMethods = (requirements.allowedMethods ?? methods).filter {
                            methods.contains($0)
                        }
                    }
                case "merge_queue": requirements.mergeQueue = true
                case "required_signatures": requirements.signatures = true
                case "required_linear_history": requirements.linearHistory = true
                default: break
                }
            }
        } catch {
            guard let status = error.status, status == 403 || status == 404 else { throw error }
            requirements.unreadable.append("rulesets (\(Self.shortReason(error)))")
        }

        if requirements.linearHistory {
            requirements.allowedMethods = requirements.allowedMethods?.filter { $0 != "merge" }
        }
        var unique: [String] = []
        for check in checks where !unique.contains(check) { unique.append(check) }
        requirements.requiredChecks = unique
        requirements.requiredApprovals = approvals
        return requirements
    }

    /// `403: Resource not accessible by integration`, for a part that could not be read.
    private static func shortReason(_ error: GitHubError) -> String {
        guard case .http(let status, _, _, let message) = error else { return error.description }
        return "\(status): \(message)"
    }
}

/// `GET /repos/{o}/{r}`: the merge methods the repository allows (present for tokens that may push).
struct RepositoryMergeSettings: Decodable {
    var allowMergeCommit: Bool?
    var allowSquashMerge: Bool?
    var allowRebaseMerge: Bool?

    enum CodingKeys: String, CodingKey {
        case allowMergeCommit = "allow_merge_commit"
        case allowSquashMerge = "allow_squash_merge"
        case allowRebaseMerge = "allow_rebase_merge"
    }
}

/// `GET /repos/{o}/{r}/branches/{b}`: whether it is protected and, readable by anyone who can read
/// the repository, its required status checks.
struct BranchSummary: Decodable {
    var protected: Bool?
    var protection: Protection?

    struct Protection: Decodable {
        var requiredStatusChecks: RequiredChecks?

        enum CodingKeys: String, CodingKey {
            case requiredStatusChecks = "required_status_checks"
        }
    }

    struct RequiredChecks: Decodable {
        var contexts: [String]?
    }
}

/// `GET /repos/{o}/{r}/branches/{b}/protection` (classic branch protection; needs admin access).
struct BranchProtection: Decodable {
    var requiredStatusChecks: RequiredStatusChecks?
    var requiredPullRequestReviews: RequiredReviews?
    var requiredSignatures: Enabled?
    var requiredLinearHistory: Enabled?

    struct RequiredStatusChecks: Decodable {
        var strict: Bool?
        var contexts: [String]?
        var checks: [Check]?
    }

    struct Check: Decodable {
        var context: String
    }

    struct RequiredReviews: Decodable {
        var requiredApprovingReviewCount: Int?

        enum CodingKeys: String, CodingKey {
            case requiredApprovingReviewCount = "required_approving_review_count"
        }
    }

    struct Enabled: Decodable {
        var enabled: Bool
    }

    enum CodingKeys: String, CodingKey {
        case requiredStatusChecks = "required_status_checks"
        case requiredPullRequestReviews = "required_pull_request_reviews"
        case requiredSignatures = "required_signatures"
        case requiredLinearHistory = "required_linear_history"
    }
}

/// One rule of `GET /repos/{o}/{r}/rules/branches/{b}`: the rulesets' rules for the branch.
struct BranchRule: Decodable {
    var type: String
    var parameters: Parameters?

    struct Parameters: Decodable {
        var requiredApprovingReviewCount: Int?
        var allowedMergeMethods: [String]?
        var requiredStatusChecks: [Check]?
        var strictRequiredStatusChecksPolicy: Bool?

        enum CodingKeys: String, CodingKey {
            case requiredApprovingReviewCount = "required_approving_review_count"
            case allowedMergeMethods = "allowed_merge_methods"
            case requiredStatusChecks = "required_status_checks"
            case strictRequiredStatusChecksPolicy = "strict_required_status_checks_policy"
        }

        /// Each field is read if it is there in the shape expected: other rule types' parameters
        /// (deployments, code scanning, ...) must not make the whole list unreadable.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            requiredApprovingReviewCount = try? container.decodeIfPresent(
                Int.self,
                forKey: .requiredApprovingReviewCount
            )
            allowedMergeMethods = try? container.decodeIfPresent([String].self, forKey: .allowedMergeMethods)
            requiredStatusChecks = try? container.decodeIfPresent([Check].self, forKey: .requiredStatusChecks)
            strictRequiredStatusChecksPolicy = try? container.decodeIfPresent(
                Bool.self,
                forKey: .strictRequiredStatusChecksPolicy
            )
        }
    }

    struct Check: Decodable {
        var context: String
    }
}
