/// Settings given as command-line flags; they beat the environment and `.choo.yaml`.
///
/// The CLI fills in what the user passed and leaves the rest `nil`. Values are checked by the loader, which names the
/// flag in its diagnostics, so the CLI can pass them through unparsed.
public struct ConfigOverrides: Sendable, Equatable {
    /// `--parallelism` / `-p`: how many units run at once.
    public var parallelism: Int?
    /// `--log-level`: `debug`, `info`, `warn` or `error`.
    public var logLevel: String?
    /// `--provider`: the default provider for units that do not name one.
    public var provider: String?
    /// `--force-task-provider`: the provider for every unit, whatever the unit says.
    public var forceTaskProvider: String?
    /// `--target`: the branch units start from and land on.
    public var targetBranch: String?
    /// `--pr` (`.github`) or `--no-pr` (`.local`): where units land, whatever `merge.mode` says.
    public var mergeMode: ChooConfig.MergeMode?

    /// Creates overrides; every flag defaults to not given.
    public init(
        parallelism: Int? = nil,
        logLevel: String? = nil,
        provider: String? = nil,
        forceTaskProvider: String? = nil,
        targetBranch: String? = nil,
        mergeMode: ChooConfig.MergeMode? = nil
    ) {
        self.parallelism = parallelism
        self.logLevel = logLevel
        self.provider = provider
        self.forceTaskProvider = forceTaskProvider
        self.targetBranch = targetBranch
        self.mergeMode = mergeMode
    }

    /// No flags given.
    public static let none = ConfigOverrides()
}
