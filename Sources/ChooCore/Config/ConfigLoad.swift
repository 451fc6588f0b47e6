/// The result of loading the configuration: the effective settings and every problem found on the way.
///
/// When `diagnostics` has errors, `config` still holds a usable value (each bad setting keeps its default), but a
/// command should report the diagnostics and stop.
public struct ConfigLoad: Sendable, Equatable {
    /// The effective settings: defaults < `.choo.yaml` < environment < flags.
    public var config: ChooConfig
    /// Every problem with the file, the environment and the flags, in the order found.
    public var diagnostics: [Diagnostic]
    /// The key paths written in `.choo.yaml` (e.g. `review.timeout`, `worktree.setup`), with the line of each.
    public var presentKeyLines: [String: Int]
    /// Where each setting that is not at its default came from, by key path.
    public var sources: [String: ConfigSource]

    /// Creates a result.
    public init(
        config: ChooConfig,
        diagnostics: [Diagnostic] = [],
        presentKeyLines: [String: Int] = [:],
        sources: [String: ConfigSource] = [:]
    ) {
        self.config = config
        self.diagnostics = diagnostics
        self.presentKeyLines = presentKeyLines
        self.sources = sources
    }

    /// The key paths written in `.choo.yaml`.
    public var presentKeys: Set<String> { Set(presentKeyLines.keys) }

    /// Where the setting at `keyPath` (e.g. `log_level`) came from.
    public func source(of keyPath: String) -> ConfigSource {
        sources[keyPath] ?? .defaultValue
    }

    /// Notes for keys written in `.choo.yaml` that this version of choo accepts but does not act on yet.
    ///
    /// - Parameter usedKeys: the key paths the code uses; `ConfigLoader.usedKeys` unless a test says otherwise.
    public func notUsedYet(usedKeys: Set<String> = ConfigLoader.usedKeys) -> [Diagnostic] {
        presentKeyLines
            .filter { !usedKeys.contains($0.key) }
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .map { keyPath, line in
                Diagnostic(
                    .note,
                    .configNotUsedYet,
                    "`\(keyPath)` is accepted but not used yet by this version of choo",
                    hint: "it is read and checked so files written for the Go tool keep working; it has no effect yet",
                    file: ConfigLoader.fileName,
                    line: line
                )
            }
    }
}
