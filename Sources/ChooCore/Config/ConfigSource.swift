/// Where an effective setting came from: a default, `.choo.yaml`, an environment variable or a flag.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    /// choo's built-in default.
    case defaultValue
    /// `.choo.yaml`, at this 1-based line.
    case file(line: Int)
    /// The named environment variable, e.g. `RALPH_LOG_LEVEL`.
    case environment(String)
    /// The named flag, e.g. `--parallelism`.
    case flag(String)

    /// `default`, `.choo.yaml:12`, `env RALPH_LOG_LEVEL` or `flag --parallelism`.
    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let line): "\(ConfigLoader.fileName):\(line)"
        case .environment(let name): "env \(name)"
        case .flag(let name): "flag \(name)"
        }
    }
}
