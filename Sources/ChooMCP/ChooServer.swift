import ChooCore
import Logging
import MCP

/// `choo mcp`: the Model Context Protocol server over stdio. Nothing but protocol goes to stdout;
/// logs go to stderr.
public enum ChooServer {
    /// Serves `tools` on stdin/stdout until the client closes stdin.
    public static func serve(tools: ChooTools) async throws {
        let server = Server(
            name: "choo",
            version: ChooVersion.current,
            instructions: """
                choo runs coding agents on a spec tree in parallel, one git worktree per unit. Use validate after \
                writing a spec tree, plan to see what would run, run_start to start a run in the background, watch \
                (repeatedly, with `after`) to follow it until `finished`, status and logs to see why a unit failed, \
                run_stop to stop it. Every tool takes `directory`: the repository.
                """,
            capabilities: .init(tools: .init(listChanged: false))
        )
        // Registered before the transport starts, so the first `tools/list` finds them.
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ChooTools.definitions) }
        await server.withMethodHandler(CallTool.self) { parameters in
            await tools.call(parameters.name, arguments: parameters.arguments ?? [:])
        }
        try await server.start(transport: StdioTransport(logger: Logger(label: "choo.mcp")))
        await server.waitUntilCompleted()
    }
}
