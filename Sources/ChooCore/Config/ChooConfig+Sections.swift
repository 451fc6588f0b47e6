import Foundation
import Logging

extension ChooConfig {
    /// `github`: the repository pull requests go to, and how they are handled.
    public struct GitHubSettings: Sendable, Equatable {
        /// `github.owner`: the owning user or organisation; `auto` reads it from the `origin` remote.
        public var owner: String
        /// `github.repo`: the repository name; `auto` reads it from the `origin` remote.
        public var repo: String
        /// `github.api_url`: the REST API root; `nil` means `https://api.github.com`.
        public var apiURL: URL?
        /// `github.delete_branch`: whether a unit's branch is deleted on GitHub after its pull request merges.
        public var deleteBranch: Bool
        /// `github.ci`: whether a pull request's head must wait for CI that has not reported yet.
        public var ci: CIExpectation
        /// `github.ci_grace`: how long a head waits for expected CI to report before its unit fails.
        public var ciGrace: Duration
        /// `github.bots`: logins whose comments are never feedback, besides accounts GitHub marks as bots.
        public var bots: [String]

        /// Creates GitHub settings with choo's defaults.
        public init(
            owner: String = "auto",
            repo: String = "auto",
            apiURL: URL? = nil,
            deleteBranch: Bool = true,
            ci: CIExpectation = .auto,
            ciGrace: Duration = .seconds(600),
            bots: [String] = []
        ) {
            self.owner = owner
            self.repo = repo
            self.apiURL = apiURL
            self.deleteBranch = deleteBranch
            self.ci = ci
            self.ciGrace = ciGrace
            self.bots = bots
        }
    }

    /// `github.ci`: when a pull request's head with no checks reported yet waits for CI.
    public enum CIExpectation: String, Sendable, Equatable, CaseIterable {
        /// Always: every head must report checks that pass.
        case required
        /// When the repository's workflows run for pull requests or pushes to the branch, or checks
        /// were seen on another head in this run.
        case auto
        /// Never: a head with nothing reported is green (with a warning when CI was to be expected).
        case none
    }

    /// `worktree`: where unit worktrees live and the commands run around them.
    public struct WorktreeSettings: Sendable, Equatable {
        /// `worktree.base_path`: the folder holding one worktree per unit, relative to the repository root.
        public var basePath: String
        /// `worktree.setup`: commands run in a new worktree before the first task.
        public var setup: [ConditionalCommand]
        /// `worktree.teardown`: commands run in a worktree before it is removed.
        public var teardown: [ConditionalCommand]
        /// `worktree.keep`: whether finished worktrees are kept instead of removed.
        public var keep: Bool
        /// `worktree.reuse`: whether a landed unit's worktree folder is recycled for the next unit
        /// (switched to its branch, so only the files that differ are written) instead of removed.
        public var reuse: Bool
        /// `worktree.keep_ignored`: whether a recycled worktree keeps the files git ignores (build
        /// caches stay warm); otherwise they are cleaned with the untracked ones.
        public var keepIgnored: Bool

        /// Creates worktree settings with choo's defaults.
        public init(
            basePath: String = ".ralph/worktrees",
            setup: [ConditionalCommand] = [],
            teardown: [ConditionalCommand] = [],
            keep: Bool = false,
            reuse: Bool = true,
            keepIgnored: Bool = false
        ) {
            self.basePath = basePath
            self.setup = setup
            self.teardown = teardown
            self.keep = keep
            self.reuse = reuse
            self.keepIgnored = keepIgnored
        }
    }

    /// One `worktree.setup` or `worktree.teardown` entry: a shell command, run only if a file exists when `if` is set.
    public struct ConditionalCommand: Sendable, Equatable {
        /// `command`: the shell command.
        public var command: String
        /// `if`: a path, relative to the worktree, that must exist for the command to run.
        public var condition: String?

        /// Creates a command, optionally conditional on `condition` existing.
        public init(command: String, condition: String? = nil) {
            self.command = command
            self.condition = condition
        }
    }

    /// `claude`: how the Claude Code CLI is invoked.
    public struct ClaudeSettings: Sendable, Equatable {
        /// `claude.command`: the executable to run.
        public var command: String
        /// `claude.max_turns`: the most agentic turns per invocation; 0 means no limit.
        public var maxTurns: Int

        /// Creates Claude settings with choo's defaults.
        public init(command: String = "claude", maxTurns: Int = 0) {
            self.command = command
            self.maxTurns = maxTurns
        }
    }

    /// One `baseline_checks` entry: a command that must pass after a unit's tasks are done.
    public struct BaselineCheck: Sendable, Equatable {
        /// `name`: what the check is called in output.
        public var name: String
        /// `command`: the shell command.
        public var command: String
        /// `pattern`: a glob; when set the check runs only if a changed file matches it.
        public var pattern: String?

        /// Creates a baseline check.
        public init(name: String, command: String, pattern: String? = nil) {
            self.name = name
            self.command = command
            self.pattern = pattern
        }
    }

    /// `merge`: how finished units land on the target branch.
    public struct MergeSettings: Sendable, Equatable {
        /// `merge.max_conflict_retries`: how many times the agent may try to resolve a merge conflict.
        public var maxConflictRetries: Int
        /// `merge.strategy`: how a unit branch is brought up to date with the target branch.
        public var strategy: MergeStrategy
        /// `merge.mode`: whether units land locally or through GitHub pull requests.
        public var mode: MergeMode
        /// `merge.method`: the GitHub merge method for pull requests.
        public var method: MergeMethod

        /// Creates merge settings with choo's defaults.
        public init(
            maxConflictRetries: Int = 3,
            strategy: MergeStrategy = .rebase,
            mode: MergeMode = .local,
            method: MergeMethod = .squash
        ) {
            self.maxConflictRetries = maxConflictRetries
            self.strategy = strategy
            self.mode = mode
            self.method = method
        }
    }

    /// `merge.strategy`: how a unit branch is brought up to date with the target branch.
    public enum MergeStrategy: String, Sendable, Equatable, CaseIterable {
        /// Rebase the unit branch onto the target branch.
        case rebase
        /// Merge the target branch into the unit branch.
        case merge
    }

    /// `merge.mode`: where units land.
    public enum MergeMode: String, Sendable, Equatable, CaseIterable {
        /// Merge into the local target branch.
        case local
        /// Push, open a pull request, wait for review, merge on GitHub.
        case github
    }

    /// `merge.method`: the GitHub merge method.
    public enum MergeMethod: String, Sendable, Equatable, CaseIterable {
        /// Squash the unit's commits into one.
        case squash
        /// A merge commit.
        case merge
        /// Rebase the unit's commits onto the target branch.
        case rebase
    }

    /// `review`: waiting for pull request reviews.
    public struct ReviewSettings: Sendable, Equatable {
        /// `review.timeout`: the longest to wait for a review.
        public var timeout: Duration
        /// `review.poll_interval`: how often to look for one.
        public var pollInterval: Duration

        /// Creates review settings with choo's defaults.
        public init(timeout: Duration = .seconds(2 * 60 * 60), pollInterval: Duration = .seconds(30)) {
            self.timeout = timeout
            self.pollInterval = pollInterval
        }
    }

    /// `log_level`: how much choo logs.
    public enum LogLevel: String, Sendable, Equatable, CaseIterable {
        /// Everything, for diagnosing choo itself.
        case debug
        /// Normal progress.
        case info
        /// Only things that may need attention.
        case warn
        /// Only failures.
        case error

        /// The matching swift-log level.
        public var loggerLevel: Logger.Level {
            switch self {
            case .debug: .debug
            case .info: .info
            case .warn: .warning
            case .error: .error
            }
        }
    }

    /// `provider`: the default agent provider and named provider commands.
    public struct ProviderSettings: Sendable, Equatable {
        /// `provider.type`: the default provider's name; `nil` means `claude`.
        public var type: String?
        /// `provider.command`: deprecated; the command of the default provider when `providers` does not give one.
        public var command: String?
        /// `provider.providers`: commands for named providers, by name.
        public var providers: [String: ProviderCommand]
        /// `provider.resume`: whether a retry of a task continues the agent's conversation (where
        /// the provider can) instead of starting a fresh one.
        public var resumeSessions = true

        /// Creates provider settings with choo's defaults.
        public init(type: String? = nil, command: String? = nil, providers: [String: ProviderCommand] = [:]) {
            self.type = type
            self.command = command
            self.providers = providers
        }
    }

    /// One `provider.providers` entry: how to run a named provider.
    public struct ProviderCommand: Sendable, Equatable {
        /// `command`: the executable; `nil` keeps the built-in one for `claude` and `codex`.
        public var command: String?
        /// `args`: arguments; an argument containing `{prompt}` has the prompt put there.
        public var args: [String]
        /// `stdin_args`: the arguments instead of `args` when the prompt is too long for an argument
        /// (or holds a NUL) and goes on standard input; `nil` when not set.
        public var stdinArgs: [String]?
        /// `format`: what the provider prints (`claude-stream`, `codex-jsonl`, `gemini-stream`,
        /// `text`); `nil` keeps the provider's default.
        public var format: AgentOutputFormat?
        /// `model`: the model to ask for (`--model` for claude, `-m` for codex) and to price by.
        public var model: String?
        /// `resume_args`: the arguments that continue a conversation; `{session}` stands for its id
        /// and `{prompt}` for the prompt. `nil` keeps the built-in ones for claude and codex.
        public var resumeArgs: [String]?

        /// The placeholder replaced by the conversation's id in `resume_args`.
        public static let sessionPlaceholder = "{session}"

        /// Creates a provider command.
        public init(
            command: String? = nil,
            args: [String] = [],
            stdinArgs: [String]? = nil,
            format: AgentOutputFormat? = nil,
            model: String? = nil,
            resumeArgs: [String]? = nil
        ) {
            self.command = command
            self.args = args
            self.stdinArgs = stdinArgs
            self.format = format
            self.model = model
            self.resumeArgs = resumeArgs
        }
    }

    /// `code_review`: the advisory review run after a unit.
    public struct CodeReviewSettings: Sendable, Equatable {
        /// `code_review.enabled`: whether the review runs at all.
        public var enabled: Bool
        /// `code_review.provider`: which CLI reviews.
        public var provider: ReviewProvider
        /// `code_review.max_fix_iterations`: how many fix rounds follow a review; 0 means review only.
        public var maxFixIterations: Int
        /// `code_review.verbose`: whether findings are printed even when the review passes.
        public var verbose: Bool
        /// `code_review.command`: the reviewer executable; `nil` finds `codex` or `claude` on `PATH`.
        public var command: String?

        /// Creates code review settings with choo's defaults.
        public init(
            enabled: Bool = true,
            provider: ReviewProvider = .codex,
            maxFixIterations: Int = 1,
            verbose: Bool = true,
            command: String? = nil
        ) {
            self.enabled = enabled
            self.provider = provider
            self.maxFixIterations = maxFixIterations
            self.verbose = verbose
            self.command = command
        }
    }

    /// `code_review.provider`: the reviewing CLI.
    public enum ReviewProvider: String, Sendable, Equatable, CaseIterable {
        /// OpenAI Codex.
        case codex
        /// Claude Code.
        case claude
    }

    /// `feature`: the PRD-driven feature workflow.
    public struct FeatureSettings: Sendable, Equatable {
        /// `feature.prd_dir`: where PRD files live.
        public var prdDir: String
        /// `feature.specs_dir`: where generated specs go.
        public var specsDir: String
        /// `feature.branch_prefix`: the prefix of feature branch names.
        public var branchPrefix: String

        /// Creates feature settings with choo's defaults.
        public init(prdDir: String = "docs/prds", specsDir: String = "specs", branchPrefix: String = "feature/") {
            self.prdDir = prdDir
            self.specsDir = specsDir
            self.branchPrefix = branchPrefix
        }
    }
}
