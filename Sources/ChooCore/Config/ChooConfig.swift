/// Every setting choo reads from `.choo.yaml`, the environment and flags, after precedence has been applied.
///
/// Start from `ChooConfig.defaults`; `ConfigLoader.load(repositoryRoot:environment:overrides:)` layers the file,
/// the environment and the flags on top. The shape follows the file: one nested value per section.
public struct ChooConfig: Sendable, Equatable {
    /// `target_branch`: the branch finished units land on; `nil` means the branch checked out when choo starts.
    public var targetBranch: String?
    /// `parallelism`: how many units run at once (1 or more).
    public var parallelism: Int
    /// `github`: which repository pull requests go to and how.
    public var github: GitHubSettings
    /// `worktree`: where unit worktrees live and what runs when one is made or removed.
    public var worktree: WorktreeSettings
    /// `claude`: how the Claude Code CLI is invoked.
    public var claude: ClaudeSettings
    /// `baseline_checks`: commands run after a unit's tasks are done.
    public var baselineChecks: [BaselineCheck]
    /// `merge`: how finished units land on the target branch.
    public var merge: MergeSettings
    /// `review`: how long to wait for a pull request review and how often to look.
    public var review: ReviewSettings
    /// `log_level`: how much choo logs.
    public var logLevel: LogLevel
    /// `provider`: the default agent provider and the commands of named providers.
    public var provider: ProviderSettings
    /// `code_review`: the advisory code review after a unit.
    public var codeReview: CodeReviewSettings
    /// `feature`: folders and branch names for the PRD-driven feature workflow.
    public var feature: FeatureSettings
    /// `backpressure_timeout`: the longest a task's backpressure command may run.
    public var backpressureTimeout: Duration
    /// `max_attempts`: how many times the agent may try one task before the unit fails (1 or more).
    public var maxAttempts: Int
    /// `agent_timeout`: the longest one agent invocation may run.
    public var agentTimeout: Duration
    /// `agent_idle_timeout`: the longest an agent may go without output before it is stopped.
    public var agentIdleTimeout: Duration
    /// `shutdown_timeout`: how long a graceful shutdown waits for running agents before cancelling them.
    public var shutdownTimeout: Duration
    /// The provider named by `RALPH_PROVIDER`, if set.
    public var environmentProvider: String?
    /// The provider named by `--provider`, if given.
    public var flagProvider: String?
    /// The provider named by `--force-task-provider`, if given; it beats every unit's own `provider:`.
    public var forceTaskProvider: String?
    /// `verify`: what choo checks of an agent's turn beyond the task's own check.
    public var verify = VerifySettings()
    /// `agent_tool_timeout`: the longest one tool call the agent is known to be running may go
    /// without output before the turn is called stuck (instead of ``agentIdleTimeout``).
    public var agentToolTimeout: Duration = .seconds(30 * 60)
    /// `budget`: spending caps for the run and each unit.
    public var budget = BudgetSettings()
    /// `limits`: how usage limits are waited out.
    public var limits = LimitSettings()
    /// `prices`: model prices that override or extend the shipped price table, by model id (or
    /// provider name, for a provider whose model is not known).
    public var prices: [String: ModelPrice] = [:]
    /// `notify`: webhooks told about the events that need a person.
    public var notify: [Webhook] = []
    /// `unit_niceness`: how much lower than the merge queue's the CPU priority of units' work is
    /// (agents, checks and the git commands around them), 0 to 19; 0 runs everything alike.
    public var unitNiceness = 10

    /// Creates a configuration; every argument defaults to choo's default for that setting.
    public init(
        targetBranch: String? = nil,
        parallelism: Int = 4,
        github: GitHubSettings = GitHubSettings(),
        worktree: WorktreeSettings = WorktreeSettings(),
        claude: ClaudeSettings = ClaudeSettings(),
        baselineChecks: [BaselineCheck] = [],
        merge: MergeSettings = MergeSettings(),
        review: ReviewSettings = ReviewSettings(),
        logLevel: LogLevel = .info,
        provider: ProviderSettings = ProviderSettings(),
        codeReview: CodeReviewSettings = CodeReviewSettings(),
        feature: FeatureSettings = FeatureSettings(),
        backpressureTimeout: Duration = .seconds(5 * 60),
        maxAttempts: Int = 3,
        agentTimeout: Duration = .seconds(60 * 60),
        agentIdleTimeout: Duration = .seconds(15 * 60),
        shutdownTimeout: Duration = .seconds(30),
        environmentProvider: String? = nil,
        flagProvider: String? = nil,
        forceTaskProvider: String? = nil
    ) {
        self.targetBranch = targetBranch
        self.parallelism = parallelism
        self.github = github
        self.worktree = worktree
        self.claude = claude
        self.baselineChecks = baselineChecks
        self.merge = merge
        self.review = review
        self.logLevel = logLevel
        self.provider = provider
        self.codeReview = codeReview
        self.feature = feature
        self.backpressureTimeout = backpressureTimeout
        self.maxAttempts = maxAttempts
        self.agentTimeout = agentTimeout
        self.agentIdleTimeout = agentIdleTimeout
        self.shutdownTimeout = shutdownTimeout
        self.environmentProvider = environmentProvider
        self.flagProvider = flagProvider
        self.forceTaskProvider = forceTaskProvider
    }

    /// choo's defaults, used for every setting that no file, variable or flag sets.
    public static let defaults = ChooConfig()
}
