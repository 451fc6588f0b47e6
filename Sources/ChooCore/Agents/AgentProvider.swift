import Foundation

/// How to start one agent CLI with a prompt: `claude`, `codex`, or a command declared in
/// `.choo.yaml` under `provider.providers.<name>` with `command` and `args`.
public struct AgentProvider: Sendable, Hashable {
    /// The provider's name, e.g. `claude`.
    public var name: String
    /// The executable, a path or a name looked up on PATH.
    public var executable: String
    /// The arguments; `{prompt}` stands for the prompt. Without it the prompt goes to stdin.
    public var argumentTemplate: [String]

    /// The placeholder replaced by the prompt in `args`.
    public static let promptPlaceholder = "{prompt}"

    /// Creates a provider.
    public init(name: String, executable: String, argumentTemplate: [String]) {
        self.name = name
        self.executable = executable
        self.argumentTemplate = argumentTemplate
    }

    /// The provider called `name` as `config` defines it; `nil` for an unknown name without a command.
    public static func named(_ name: String, config: ChooConfig) -> AgentProvider? {
        guard let executable = config.command(forProvider: name) else { return nil }
        let configured = config.arguments(forProvider: name)
        if !configured.isEmpty {
            return AgentProvider(name: name, executable: executable, argumentTemplate: configured)
        }
        switch name {
        case "claude":
            var arguments = ["--dangerously-skip-permissions"]
            if config.claude.maxTurns > 0 { arguments += ["--max-turns", String(config.claude.maxTurns)] }
            return AgentProvider(
                name: name,
                executable: executable,
                argumentTemplate: arguments + ["-p", promptPlaceholder]
            )
        case "codex":
            return AgentProvider(
                name: name,
                executable: executable,
                argumentTemplate: ["exec", "--yolo", promptPlaceholder]
            )
        default:
            return AgentProvider(name: name, executable: executable, argumentTemplate: [])
        }
    }

    /// What to run for `prompt`: the arguments with the placeholder filled, or the prompt as stdin
    /// when no argument holds the placeholder.
    public func invocation(prompt: String) -> (arguments: [String], standardInput: String?) {
        let usesArgument = argumentTemplate.contains { $0.contains(Self.promptPlaceholder) }
        let arguments = argumentTemplate.map { $0.replacingOccurrences(of: Self.promptPlaceholder, with: prompt) }
        return (arguments, usesArgument ? nil : prompt)
    }
}
