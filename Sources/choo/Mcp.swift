import ArgumentParser
import ChooCore
import ChooMCP
import Foundation

extension Choo {
    /// `choo mcp`: a Model Context Protocol server over stdio, for coding agents.
    struct Mcp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve choo's commands as Model Context Protocol tools over stdin/stdout.",
            discussion: """
                For an MCP client (Claude Code, Codex, any other): it starts `choo mcp` and calls the tools validate, \
                plan, status, prompt, run_start (a detached run), run_stop, watch (a run's events after a sequence \
                number), history and logs. Each takes `directory`, the repository; the default is the folder the \
                server started in. Only protocol goes to stdout; logs go to stderr. The README shows how to add it \
                to Claude Code's and Codex's configuration.
                """
        )

        func run() async throws {
            let tools = ChooTools(
                executable: RunDetach.executablePath,
                directory: FileSystem.currentDirectory(),
                runner: SystemProcessRunner()
            )
            try await ChooServer.serve(tools: tools)
        }
    }
}
