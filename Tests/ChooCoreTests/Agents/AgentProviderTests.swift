import Testing

@testable import ChooCore

struct AgentProviderTests {
    @Test("claude runs with permissions skipped and the prompt after -p")
    func claude() throws {
        var config = ChooConfig.defaults
        config.claude.command = "/opt/bin/claude"
        let provider = try #require(AgentProvider.named("claude", config: config))
        #expect(provider.executable == "/opt/bin/claude")
        let call = provider.invocation(prompt: "do it")
        #expect(call.arguments == ["--dangerously-skip-permissions", "-p", "do it"])
        #expect(call.standardInput == nil)
        config.claude.maxTurns = 7
        let limited = try #require(AgentProvider.named("claude", config: config))
        #expect(
            limited.invocation(prompt: "p").arguments == [
                "--dangerously-skip-permissions", "--max-turns", "7", "-p", "p",
            ]
        )
    }

    @Test("codex runs exec --yolo with the prompt")
    func codex() throws {
        let provider = try #require(AgentProvider.named("codex", config: .defaults))
        #expect(provider.executable == "codex")
        #expect(provider.invocation(prompt: "go").arguments == ["exec", "--yolo", "go"])
    }

    @Test("a configured provider fills {prompt} inside its arguments, or gets the prompt on stdin")
    func custom() throws {
        var config = ChooConfig.defaults
        config.provider.providers["aider"] = .init(command: "aider", args: ["--yes", "--message={prompt}"])
        config.provider.providers["plain"] = .init(command: "/usr/local/bin/agent", args: ["--quiet"])
        let aider = try #require(AgentProvider.named("aider", config: config))
        #expect(aider.invocation(prompt: "fix it") == (["--yes", "--message=fix it"], nil))
        let plain = try #require(AgentProvider.named("plain", config: config))
        let call = plain.invocation(prompt: "fix it")
        #expect(call.arguments == ["--quiet"])
        #expect(call.standardInput == "fix it")
        #expect(AgentProvider.named("unknown", config: config) == nil)
    }
}
