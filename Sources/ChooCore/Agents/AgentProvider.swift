import Foundation

/// How to start one agent CLI with a prompt: `claude`, `codex`, or a command declared in
/// `.choo.yaml` under `provider.providers.<name>` with `command`, `args` and `stdin_args`.
///
/// A prompt normally goes where `{prompt}` stands in the arguments. One that cannot be an argument
/// (over ``argumentLimit`` bytes, or holding a NUL character, which would end the argument) goes on
/// standard input instead, with ``standardInputArguments``: `claude -p` with no prompt argument and
/// `codex exec -` both read it there.
public struct AgentProvider: Sendable, Hashable {
    /// The provider's name, e.g. `claude`.
    public var name: String
    /// The executable, a path or a name looked up on PATH.
    public var executable: String
    /// The arguments; `{prompt}` stands for the prompt. Without it the prompt goes to stdin.
    public var argumentTemplate: [String]
    /// The arguments to use instead of ``argumentTemplate`` when the prompt goes on standard input;
    /// `nil` when the provider has no way to read it there.
    public var standardInputArguments: [String]?
    /// What it prints, which says how choo reads it while it works.
    public var format: AgentOutputFormat = .text
    /// The model it is asked for, when the settings name one: what its tokens are priced by.
    public var model: String?
    /// The arguments that continue a conversation: `{session}` stands for its id, `{prompt}` for
    /// the prompt; `nil` when the provider cannot resume.
    public var resumeTemplate: [String]?
    /// Like ``resumeTemplate``, for a prompt on standard input; `nil` drops the `{prompt}` argument.
    public var resumeStandardInputArguments: [String]?

    /// The placeholder replaced by the conversation's id in `resume_args`.
    public static let sessionPlaceholder = "{session}"

    /// The placeholder replaced by the prompt in `args`.
    public static let promptPlaceholder = "{prompt}"

    /// The longest argument choo passes, in bytes of UTF-8: 100 KiB, safely below Linux's
    /// per-argument limit (`MAX_ARG_STRLEN`, 128 KiB).
    public static let argumentLimit = 100 * 1024

    /// Why a prompt cannot be handed to the provider.
    public enum InvocationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The prompt cannot be an argument and the provider has no `stdin_args`.
        case promptNeedsStandardInput(provider: String, bytes: Int, holdsNUL: Bool)

        public var description: String {
            switch self {
            case .promptNeedsStandardInput(let provider, let bytes, let holdsNUL):
                let why =
                    holdsNUL
                    ? "holds a NUL character, which cannot be passed in an argument"
                    : "is \(bytes) bytes, over the \(AgentProvider.argumentLimit / 1024) KiB choo passes as one argument"
                return "the prompt for provider `\(provider)` \(why); set `provider.providers.\(provider).stdin_args` "
                    + "in .choo.yaml to the arguments that make it read the prompt from standard input "
                    + "(e.g. `stdin_args: []` when it reads stdin without a prompt argument)"
            }
        }
    }

    /// Creates a provider.
    public init(
        name: String,
        executable: String,
        argumentTemplate: [String],
        standardInputArguments: [String]? = nil
    ) {
        self.name = name
        self.executable = executable
        self.argumentTemplate = argumentTemplate
        self.standardInputArguments = standardInputArguments
    }

    /// The provider called `name` as `config` defines it; `nil` for an unknown name without a command.
    public static func named(_ name: String, config: ChooConfig) -> AgentProvider? {
        guard let executable = config.command(forProvider: name) else { return nil }
        let entry = config.provider.providers[name]
        let model = entry?.model
        var provider: AgentProvider
        let configured = config.arguments(forProvider: name)
        if !configured.isEmpty {
            provider = AgentProvider(
                name: name,
                executable: executable,
                argumentTemplate: configured,
                standardInputArguments: config.standardInputArguments(forProvider: name)
            )
        } else {
            switch name {
            case "claude":
                var arguments = ["--dangerously-skip-permissions"]
                if config.claude.maxTurns > 0 { arguments += ["--max-turns", String(config.claude.maxTurns)] }
                if let model { arguments += ["--model", model] }
                arguments += ["-p", "--output-format", "stream-json", "--verbose"]
                provider = AgentProvider(
                    name: name,
                    executable: executable,
                    argumentTemplate: arguments + [promptPlaceholder],
                    standardInputArguments: arguments
                )
                provider.format = .claudeStream
                provider.resumeTemplate = arguments + ["--resume", sessionPlaceholder, promptPlaceholder]
                provider.resumeStandardInputArguments = arguments + ["--resume", sessionPlaceholder]
            case "codex":
                // Never `--full-auto`: current Codex rejects it.
                var arguments = ["exec", "--json", "--yolo"]
                if let model { arguments += ["-m", model] }
                provider = AgentProvider(
                    name: name,
                    executable: executable,
                    argumentTemplate: arguments + [promptPlaceholder],
                    standardInputArguments: arguments + ["-"]
                )
                provider.format = .codexJSONL
                provider.resumeTemplate = arguments + ["resume", sessionPlaceholder, promptPlaceholder]
                provider.resumeStandardInputArguments = arguments + ["resume", sessionPlaceholder, "-"]
            default:
                provider = AgentProvider(name: name, executable: executable, argumentTemplate: [])
            }
        }
        provider.model = model
        if let format = entry?.format { provider.format = format }
        if let resume = entry?.resumeArgs {
            provider.resumeTemplate = resume
            provider.resumeStandardInputArguments = nil
        }
        if !config.provider.resumeSessions { provider.resumeTemplate = nil }
        return provider
    }

    /// Whether a retry can continue the agent's conversation.
    public var canResume: Bool { resumeTemplate != nil }

    /// What to run to continue conversation `session` with `prompt`: the resume arguments with the
    /// placeholders filled, the prompt on standard input when it cannot be an argument; `nil` when
    /// the provider cannot resume.
    public func resumeInvocation(session: String, prompt: String) -> (arguments: [String], standardInput: String?)? {
        guard let template = resumeTemplate else { return nil }
        func fill(_ arguments: [String]) -> [String] {
            arguments.map {
                $0.replacingOccurrences(of: Self.sessionPlaceholder, with: session)
                    .replacingOccurrences(of: Self.promptPlaceholder, with: prompt)
            }
        }
        let fitsArgument = !prompt.utf8.contains(0) && prompt.utf8.count <= Self.argumentLimit
        if template.contains(where: { $0.contains(Self.promptPlaceholder) }), fitsArgument {
            return (fill(template), nil)
        }
        let onInput = resumeStandardInputArguments ?? template.filter { $0 != Self.promptPlaceholder }
        return (fill(onInput), prompt)
    }

    /// What to run for `prompt`: the arguments with the placeholder filled, or the prompt as stdin
    /// when no argument holds the placeholder or the prompt cannot be an argument.
    public func invocation(prompt: String) throws(InvocationError) -> (arguments: [String], standardInput: String?) {
        let usesArgument = argumentTemplate.contains { $0.contains(Self.promptPlaceholder) }
        guard usesArgument else { return (argumentTemplate, prompt) }
        let arguments = argumentTemplate.map { $0.replacingOccurrences(of: Self.promptPlaceholder, with: prompt) }
        let holdsNUL = prompt.utf8.contains(0)
        let tooLong = arguments.contains { $0.utf8.count > Self.argumentLimit }
        guard holdsNUL || tooLong else { return (arguments, nil) }
        guard let standardInputArguments else {
            throw .promptNeedsStandardInput(provider: name, bytes: prompt.utf8.count, holdsNUL: holdsNUL)
        }
        return (standardInputArguments, prompt)
    }
}
