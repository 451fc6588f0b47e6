import ChooCore
import Foundation

/// A temporary repository root for configuration tests; `withConfigDirectory` removes it afterwards.
struct ConfigDirectory {
    /// The folder standing in for the repository root.
    let root: URL

    /// Writes `text` as `.choo.yaml`.
    func write(_ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(ConfigLoader.fileName))
    }

    /// Writes raw bytes as `.choo.yaml`.
    func write(bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent(ConfigLoader.fileName))
    }

    /// Loads the configuration from this folder.
    func load(environment: [String: String] = [:], overrides: ConfigOverrides = .none) -> ConfigLoad {
        ConfigLoader.load(repositoryRoot: root, environment: environment, overrides: overrides)
    }
}

/// Runs `body` with a fresh temporary folder, removed afterwards.
func withConfigDirectory<Result>(_ body: (ConfigDirectory) throws -> Result) throws -> Result {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("choo-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    return try body(ConfigDirectory(root: root))
}

/// Writes `yaml` to a fresh `.choo.yaml` and loads it.
func loadConfig(
    _ yaml: String,
    environment: [String: String] = [:],
    overrides: ConfigOverrides = .none
) throws -> ConfigLoad {
    try withConfigDirectory { directory in
        try directory.write(yaml)
        return directory.load(environment: environment, overrides: overrides)
    }
}
