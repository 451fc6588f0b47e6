/// Gemini CLI's `--output-format stream-json` lines: `init` (session id, model), `message`,
/// `tool_use`, `tool_result`, `error` and `result` (with `stats`). Other types and fields are
/// ignored.
///
/// `stats.cached` is part of `stats.input_tokens`; the usage reported here separates them, as
/// ``TokenUsage`` counts. Gemini reports no cost.
public struct GeminiStreamDecoder: AgentStreamDecoder {
    private var lastError: String?

    /// A decoder for one invocation.
    public init() {}

    public mutating func decode(_ line: String) -> [AgentEvent] {
        guard let object = JSONValue.object(parsing: line) else { return [.unreadable(line)] }
        switch object["type"]?.string {
        case "init":
            return object["session_id"]?.string.map { [.sessionStarted(id: $0, model: object["model"]?.string)] } ?? []
        case "message":
            guard object["role"]?.string == "assistant", let text = object["content"]?.string, !text.isEmpty else {
                return []
            }
            return [.text(text)]
        case "tool_use":
            guard let id = object["tool_id"]?.string, let name = object["tool_name"]?.string else { return [] }
            return [.toolStarted(id: id, name: name, target: ClaudeStreamDecoder.target(of: object["parameters"]))]
        case "tool_result":
            guard let id = object["tool_id"]?.string else { return [] }
            return [.toolFinished(id: id, failed: object["status"]?.string == "error")]
        case "error":
            lastError = object["message"]?.string ?? lastError
            return []
        case "result":
            let stats = object["stats"]
            let usage = stats.map(Self.usage)
            let failed = object["status"]?.string == "error"
            let message = object["error"]?["message"]?.string ?? object["error"]?.string ?? (failed ? lastError : nil)
            let result = AgentResult(
                isError: failed,
                kind: object["status"]?.string,
                reason: failed ? "error" : "completed",
                message: message,
                turns: nil,
                durationMilliseconds: stats?["duration_ms"]?.int,
                usage: usage
            )
            return (usage.map { [AgentEvent.usage($0)] } ?? []) + [.result(result)]
        default:
            return []
        }
    }

    /// Gemini's `stats`: `input_tokens` includes `cached`.
    static func usage(_ stats: JSONValue) -> TokenUsage {
        let input = stats["input_tokens"]?.int ?? stats["input"]?.int ?? 0
        let cached = stats["cached"]?.int ?? 0
        return TokenUsage(input: max(input - cached, 0), output: stats["output_tokens"]?.int ?? 0, cacheRead: cached)
    }
}
