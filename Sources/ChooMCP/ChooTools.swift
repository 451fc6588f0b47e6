import ChooCore
import Foundation
import MCP

/// The tools `choo mcp` offers: choo's commands for a client that is a program (a coding agent).
/// Each call opens the repository named by its `directory` argument (default: the server's
/// working directory) and answers with structured content plus readable text; a problem is a
/// tool error carrying the message the CLI prints, never a protocol error or a crash.
public struct ChooTools: Sendable {
    /// The `choo` executable that starts detached runs (`choo run --detach`).
    public var executable: String
    /// The folder relative `directory` arguments are read from, and the default repository.
    public var directory: String
    /// The environment detached runs get (agents, `PATH`, tokens).
    public var environment: [String: String]
    /// Runs the commands the tools start (`choo run --detach`, git for `status`).
    public var runner: any ProcessRunning

    /// Tools over `executable`, in `directory`.
    public init(
        executable: String,
        directory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        runner: any ProcessRunning
    ) {
        self.executable = executable
        self.directory = directory
        self.environment = environment
        self.runner = runner
    }

    /// A problem a tool reports: the CLI's message.
    struct ToolError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// What a tool answers.
    struct Answer {
        var text: String
        var structured: Value?
        var isError = false
    }

    /// Calls the tool `name` with `arguments`; every failure becomes a tool error.
    public func call(_ name: String, arguments: [String: Value]) async -> CallTool.Result {
        let answer: Answer
        do {
            let arguments = Arguments(values: arguments, tool: name)
            switch name {
            case "validate": answer = try validate(arguments)
            case "plan": answer = try plan(arguments)
            case "status": answer = try await status(arguments)
            case "prompt": answer = try prompt(arguments)
            case "run_start": answer = try await runStart(arguments)
            case "run_stop": answer = try await runStop(arguments)
            case "watch": answer = try await watch(arguments)
            case "history": answer = try history(arguments)
            case "logs": answer = try logs(arguments)
            default:
                let known = Self.definitions.map(\.name).joined(separator: ", ")
                throw ToolError("unknown tool `\(name)`; the tools are \(known)")
            }
        } catch let error as ToolError {
            return CallTool.Result(content: [.text(text: error.message, annotations: nil, _meta: nil)], isError: true)
        } catch {
            return CallTool.Result(
                content: [.text(text: "error: \(error)", annotations: nil, _meta: nil)],
                isError: true
            )
        }
        return CallTool.Result(
            content: [.text(text: answer.text, annotations: nil, _meta: nil)],
            structuredContent: answer.structured,
            isError: answer.isError ? true : nil
        )
    }

    /// `value` as a protocol value (its JSON, as `--json` prints it).
    static func value(_ value: some Encodable) throws -> Value {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONDecoder().decode(Value.self, from: encoder.encode(value))
    }

    /// `value` wrapped in an object, as structured content must be one.
    static func object(_ key: String, _ value: some Encodable) throws -> Value {
        .object([key: try Self.value(value)])
    }
}

/// A tool's arguments, read with the messages a person can act on.
struct Arguments {
    var values: [String: Value]
    var tool: String

    func string(_ key: String) throws(ChooTools.ToolError) -> String? {
        guard let value = values[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw ChooTools.ToolError("`\(key)` of \(tool) must be a string") }
        return text
    }

    func requiredString(_ key: String) throws(ChooTools.ToolError) -> String {
        guard let text = try string(key), !text.isEmpty else { throw ChooTools.ToolError("\(tool) needs `\(key)`") }
        return text
    }

    func int(_ key: String) throws(ChooTools.ToolError) -> Int? {
        guard let value = values[key], value != .null else { return nil }
        if let number = value.intValue { return number }
        if let number = value.doubleValue, number == number.rounded() { return Int(number) }
        if let text = value.stringValue, let number = Int(text) { return number }
        throw ChooTools.ToolError("`\(key)` of \(tool) must be a whole number")
    }

    func bool(_ key: String) throws(ChooTools.ToolError) -> Bool {
        guard let value = values[key], value != .null else { return false }
        guard let flag = value.boolValue else { throw ChooTools.ToolError("`\(key)` of \(tool) must be true or false") }
        return flag
    }
}
