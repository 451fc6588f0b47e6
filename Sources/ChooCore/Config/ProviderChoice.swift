/// The agent provider chosen for a unit, and which setting chose it.
public struct ProviderChoice: Sendable, Hashable, CustomStringConvertible {
    /// Where a provider choice came from, strongest first.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// `--force-task-provider`, which beats even a unit's own choice.
        case forceTaskProviderFlag
        /// The unit's own `provider:` frontmatter.
        case unit
        /// `--provider`.
        case providerFlag
        /// The `RALPH_PROVIDER` environment variable.
        case environment
        /// `provider.type` in `.choo.yaml`.
        case file
        /// Nothing chose; choo's default, `claude`.
        case builtInDefault

        /// Where the choice came from, in words, e.g. "--provider" or "RALPH_PROVIDER".
        public var description: String {
            switch self {
            case .forceTaskProviderFlag: "--force-task-provider"
            case .unit: "the unit's provider"
            case .providerFlag: "--provider"
            case .environment: "RALPH_PROVIDER"
            case .file: "provider.type in .choo.yaml"
            case .builtInDefault: "default"
            }
        }
    }

    /// The provider's name, e.g. `claude`.
    public var name: String
    /// Which setting chose it.
    public var source: Source

    /// Creates a choice.
    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    /// `name (from source)`.
    public var description: String { "\(name) (from \(source))" }
}
