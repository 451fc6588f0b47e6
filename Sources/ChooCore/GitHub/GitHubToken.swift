import Foundation

/// A GitHub access token and where it was found. Its text never shows in descriptions, so a
/// token can be logged or interpolated by mistake without leaking.
public struct GitHubToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. Only the HTTP layer should read it.
    public let value: String
    /// Where it came from: `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth token`.
    public let source: String

    /// Creates a token found in `source`.
    public init(value: String, source: String) {
        self.value = value
        self.source = source
    }

    public var description: String { "GitHubToken(from \(source), redacted)" }

    public var debugDescription: String { description }

    /// What `dump` and debuggers show: the source, not the value.
    public var customMirror: Mirror { Mirror(self, children: ["source": source, "value": "redacted"]) }

    /// `text` with every occurrence of the token replaced by `***`.
    public func redact(_ text: String) -> String {
        guard !value.isEmpty else { return text }
        return text.replacingOccurrences(of: value, with: "***")
    }

    /// Finds a token: `GITHUB_TOKEN`, then `GH_TOKEN` (each only if not blank), then the output of
    /// `gh auth token` when `gh` is on the `PATH` of `environment` (10 second limit; for a host
    /// other than github.com, `--hostname host`). `nil` when none is found.
    public static func discover(
        environment: [String: String],
        runner: any ProcessRunning,
        host: String? = nil
    ) async -> GitHubToken? {
        for variable in ["GITHUB_TOKEN", "GH_TOKEN"] {
            let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !value.isEmpty { return GitHubToken(value: value, source: variable) }
        }
        guard let gh = ExecutableLookup.find("gh", environment: environment) else { return nil }
        var arguments = ["auth", "token"]
        if let host, host != "github.com" { arguments += ["--hostname", host] }
        let spec = ProcessSpec(
            executable: gh,
            arguments: arguments,
            workingDirectory: FileSystem.currentDirectory(),
            timeout: .seconds(10),
            terminationGrace: .seconds(1),
            separatesErrorOutput: true
        )
        guard let outcome = try? await runner.run(spec), outcome.succeeded else { return nil }
        let value = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : GitHubToken(value: value, source: "gh auth token")
    }
}
