extension ChooConfig {
    /// The providers choo can run without being told how: `claude` and `codex`.
    public static let builtInProviders: Set<String> = ["claude", "codex"]

    /// The provider used when nothing names one.
    public static let defaultProvider = "claude"

    /// Every provider name a unit or setting may use: the built-in ones and the keys of `provider.providers`.
    public var knownProviders: Set<String> {
        Self.builtInProviders.union(provider.providers.keys)
    }

    /// The provider that runs a unit's tasks, given the unit's own `provider:` (if any).
    ///
    /// Order: `--force-task-provider` > the unit's `provider:` > `--provider` > `RALPH_PROVIDER` > `provider.type`
    /// > `claude`. Names are not checked here; the loader checks the settings and spec validation checks units.
    public func provider(forUnit unitProvider: String?) -> String {
        providerChoice(forUnit: unitProvider).name
    }

    /// Like `provider(forUnit:)`, also saying which setting made the choice.
    public func providerChoice(forUnit unitProvider: String?) -> ProviderChoice {
        let candidates: [(String?, ProviderChoice.Source)] = [
            (forceTaskProvider, .forceTaskProviderFlag),
            (unitProvider, .unit),
            (flagProvider, .providerFlag),
            (environmentProvider, .environment),
            (provider.type, .file),
        ]
        for (name, source) in candidates {
            if let name, !name.isEmpty { return ProviderChoice(name: name, source: source) }
        }
        return ProviderChoice(name: Self.defaultProvider, source: .builtInDefault)
    }

    /// The executable that runs `provider`, or `nil` for an unknown provider with no command.
    ///
    /// Order: the provider's `provider.providers` entry, then the deprecated `provider.command` when `provider` is the
    /// default provider, then the built-in command (`claude.command` for claude, `codex` for codex). The loader folds
    /// `RALPH_CLAUDE_CMD` and `RALPH_CODEX_CMD` into `provider.providers`, so they win over the file.
    public func command(forProvider name: String) -> String? {
        if let command = provider.providers[name]?.command, !command.isEmpty { return command }
        if let legacy = provider.command, !legacy.isEmpty, name == (provider.type ?? Self.defaultProvider) {
            return legacy
        }
        switch name {
        case "claude": return claude.command
        case "codex": return "codex"
        default: return nil
        }
    }

    /// The arguments configured for `provider` in `provider.providers` (may contain a `{prompt}` placeholder).
    public func arguments(forProvider name: String) -> [String] {
        provider.providers[name]?.args ?? []
    }

    /// The arguments configured for `provider` for when its prompt goes on standard input
    /// (`provider.providers.<name>.stdin_args`), or `nil` when none are.
    public func standardInputArguments(forProvider name: String) -> [String]? {
        provider.providers[name]?.stdinArgs
    }
}
