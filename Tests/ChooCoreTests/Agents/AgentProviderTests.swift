import Testing

@testable import ChooCore

struct AgentProviderTests {
    /// What claude runs before its prompt: print mode with the streaming format it must have.
    static let claudeStream = ["-p", "--output-format", "stream-json", "--verbose"]

    @Test("claude runs with permissions skipped, streaming JSON, and the prompt last")
    func claude() throws {
        var config = ChooConfig.defaults
        config.claude.command = "/opt/bin/claude"
        let provider = try #require(AgentProvider.named("claude", config: config))
        #expect(provider.executable == "/opt/bin/claude")
        #expect(provider.format == .claudeStream)
        let call = try provider.invocation(prompt: "do it")
        #expect(call.arguments == ["--dangerously-skip-permissions"] + Self.claudeStream + ["do it"])
        #expect(call.standardInput == nil)
        config.claude.maxTurns = 7
        config.provider.providers["claude"] = .init(model: "claude-opus-4-5")
        let limited = try #require(AgentProvider.named("claude", config: config))
        #expect(
            try limited.invocation(prompt: "p").arguments == [
                "--dangerously-skip-permissions", "--max-turns", "7", "--model", "claude-opus-4-5",
            ] + Self.claudeStream + ["p"]
        )
        #expect(limited.model == "claude-opus-4-5")
    }

    @Test("codex runs exec --json --yolo with the prompt, never --full-auto")
    func codex() throws {
        let provider = try #require(AgentProvider.named("codex", config: .defaults))
        #expect(provider.executable == "codex")
        #expect(provider.format == .codexJSONL)
        let arguments = try provider.invocation(prompt: "go").arguments
        #expect(arguments == ["exec", "--json", "--yolo", "go"])
        #expect(!arguments.contains("--full-auto"))
    }

    @Test("a retry continues the conversation: claude --resume <id>, codex exec resume <id>")
    func resume() throws {
        let claude = try #require(AgentProvider.named("claude", config: .defaults))
        let call = try #require(claude.resumeInvocation(session: "s-1", prompt: "fix it"))
        #expect(
            call.arguments == ["--dangerously-skip-permissions"] + Self.claudeStream + ["--resume", "s-1", "fix it"]
        )
        #expect(call.standardInput == nil)
        let long = String(repeating: "x", count: AgentProvider.argumentLimit + 1)
        let onInput = try #require(claude.resumeInvocation(session: "s-1", prompt: long))
        #expect(onInput.arguments == ["--dangerously-skip-permissions"] + Self.claudeStream + ["--resume", "s-1"])
        #expect(onInput.standardInput == long)

        let codex = try #require(AgentProvider.named("codex", config: .defaults))
        #expect(
            codex.resumeInvocation(session: "t-9", prompt: "again")?.arguments == [
                "exec", "--json", "--yolo", "resume", "t-9", "again",
            ]
        )
        #expect(codex.resumeInvocation(session: "t-9", prompt: long)?.arguments.last == "-")

        var config = ChooConfig.defaults
        config.provider.resumeSessions = false
        #expect(AgentProvider.named("claude", config: config)?.canResume == false)
        config.provider.providers["mine"] = .init(
            command: "mine",
            args: ["run", "{prompt}"],
            format: .claudeStream,
            resumeArgs: ["run", "--continue", "{session}", "{prompt}"]
        )
        config.provider.resumeSessions = true
        let mine = try #require(AgentProvider.named("mine", config: config))
        #expect(mine.format == .claudeStream)
        #expect(mine.resumeInvocation(session: "a", prompt: "b")?.arguments == ["run", "--continue", "a", "b"])
        let plain = try #require(
            AgentProvider.named("codex", config: .defaults).map { provider in
                var copy = provider
                copy.resumeTemplate = nil
                return copy
            }
        )
        #expect(plain.resumeInvocation(session: "a", prompt: "b") == nil)
    }

    @Test("a configured provider fills {prompt} inside its arguments, or gets the prompt on stdin")
    func custom() throws {
        var config = ChooConfig.defaults
        config.provider.providers["aider"] = .init(command: "aider", args: ["--yes", "--message={prompt}"])
        config.provider.providers["plain"] = .init(command: "/usr/local/bin/agent", args: ["--quiet"])
        let aider = try #require(AgentProvider.named("aider", config: config))
        let aiderCall = try aider.invocation(prompt: "fix it")
        #expect(aiderCall.arguments == ["--yes", "--message=fix it"])
        #expect(aiderCall.standardInput == nil)
        let plain = try #require(AgentProvider.named("plain", config: config))
        let call = try plain.invocation(prompt: "fix it")
        #expect(call.arguments == ["--quiet"])
        #expect(call.standardInput == "fix it")
        #expect(AgentProvider.named("unknown", config: config) == nil)
    }

    /// A prompt that cannot be one argument, and why.
    static let unpassablePrompts: [(String, String)] = [
        ("over 100 KiB", String(repeating: "x", count: AgentProvider.argumentLimit + 1)),
        ("holding a NUL", "before\u{0}after"),
    ]

    @Test(
        "a prompt that cannot be an argument goes on stdin with the provider's stdin arguments",
        arguments: unpassablePrompts
    )
    func promptOnStandardInput(why: String, prompt: String) throws {
        var config = ChooConfig.defaults
        config.claude.maxTurns = 3
        config.provider.providers["gemini"] = .init(
            command: "gemini",
            args: ["-p", "{prompt}"],
            stdinArgs: ["--stdin"]
        )
        let expected: [(String, [String])] = [
            ("claude", ["--dangerously-skip-permissions", "--max-turns", "3"] + Self.claudeStream),
            ("codex", ["exec", "--json", "--yolo", "-"]),
            ("gemini", ["--stdin"]),
        ]
        for (name, arguments) in expected {
            let provider = try #require(AgentProvider.named(name, config: config))
            let call = try provider.invocation(prompt: prompt)
            #expect(call.arguments == arguments, "\(name), prompt \(why)")
            #expect(call.standardInput == prompt, "\(name), prompt \(why)")
        }
    }

    @Test("a prompt of exactly the limit is still an argument")
    func promptAtTheLimit() throws {
        let prompt = String(repeating: "y", count: AgentProvider.argumentLimit)
        let provider = try #require(AgentProvider.named("codex", config: .defaults))
        let call = try provider.invocation(prompt: prompt)
        #expect(call.arguments == ["exec", "--json", "--yolo", prompt])
        #expect(call.standardInput == nil)
    }

    @Test("without stdin_args, a prompt that cannot be an argument fails naming the key", arguments: unpassablePrompts)
    func noStandardInputArguments(why: String, prompt: String) throws {
        var config = ChooConfig.defaults
        config.provider.providers["aider"] = .init(command: "aider", args: ["--message={prompt}"])
        let provider = try #require(AgentProvider.named("aider", config: config))
        let error = #expect(throws: AgentProvider.InvocationError.self) { try provider.invocation(prompt: prompt) }
        let message = try #require(error).description
        #expect(message.contains("provider.providers.aider.stdin_args"), "prompt \(why): \(message)")
        #expect(message.contains("aider"))
    }

    @Test("a provider without {prompt} gets every prompt on stdin, however large")
    func stdinProvider() throws {
        var config = ChooConfig.defaults
        config.provider.providers["plain"] = .init(command: "agent", args: ["--quiet"])
        let provider = try #require(AgentProvider.named("plain", config: config))
        let prompt = String(repeating: "z", count: 200 * 1024) + "\u{0}"
        let call = try provider.invocation(prompt: prompt)
        #expect(call.arguments == ["--quiet"])
        #expect(call.standardInput == prompt)
    }
}
