/// Codex's `codex exec --json` lines: `thread.started`, `turn.started`, `item.started` /
/// `item.updated` / `item.completed`, `turn.completed` (with usage), `turn.failed` and `error`.
/// Other types and fields are ignored.
///
/// `turn.completed.usage` is the thread's running total, and its `cached_input_tokens` are part of
/// its `input_tokens`; the usage reported here separates them, as ``TokenUsage`` counts.
public struct CodexJSONLDecoder: AgentStreamDecoder {
    private var open: Set<String> = []
    private var lastError: String?

    /// A decoder for one invocation.
    public init() {}

    public mutating func decode(_ line: String) -> [AgentEvent] {
        guard let object = JSONValue.object(parsing: line) else { return [.unreadable(line)] }
        switch object["type"]?.string {
        case "thread.started":
            return object["thread_id"]?.string.map { [.sessionStarted(id: $0, model: nil)] } ?? []
        case "item.started", "item.updated":
            return object["item"].map { started($0) } ?? []
        case "item.completed":
            return object["item"].map { completed($0) } ?? []
        case "turn.completed":
            let usage = object["usage"].map(Self.usage)
            return (usage.map { [AgentEvent.usage($0)] } ?? [])
                + [.result(AgentResult(isError: false, kind: "turn.completed", reason: "completed", usage: usage))]
        case "turn.failed":
            let message = object["error"]?["message"]?.string ?? lastError
            return [.result(AgentResult(isError: true, kind: "turn.failed", reason: "failed", message: message))]
        case "error":
            // Often retry chatter; the terminal `turn.failed` decides. Kept for a failure without one.
            lastError = object["message"]?.string ?? lastError
            return []
        default:
            return []
        }
    }

    private mutating func started(_ item: JSONValue) -> [AgentEvent] {
        guard let id = item["id"]?.string, let (name, target) = Self.tool(item), !open.contains(id) else { return [] }
        open.insert(id)
        return [.toolStarted(id: id, name: name, target: target)]
    }

    private mutating func completed(_ item: JSONValue) -> [AgentEvent] {
        if item["type"]?.string == "agent_message" {
            return item["text"]?.string.map { [.text($0)] } ?? []
        }
        guard let id = item["id"]?.string, Self.tool(item) != nil else { return [] }
        // A file change is reported only once it applied: it starts and ends here.
        var events = started(item)
        open.remove(id)
        let status = item["status"]?.string
        let failed =
            status == "failed" || status == "declined" || (item["exit_code"]?.int ?? 0) != 0
            || item["error"] != nil
        events.append(.toolFinished(id: id, failed: failed))
        return events
    }

    /// A tool item's name and what it works on, or `nil` for items that are not tool calls.
    static func tool(_ item: JSONValue) -> (name: String, target: String?)? {
        switch item["type"]?.string {
        case "command_execution": ("Shell", item["command"]?.string)
        case "file_change":
            ("Edit", item["changes"]?.array?.compactMap { $0["path"]?.string }.joined(separator: ", "))
        case "mcp_tool_call":
            (item["tool"]?.string ?? "mcp", item["server"]?.string)
        case "web_search": ("WebSearch", item["query"]?.string)
        default: nil
        }
    }

    /// Codex's usage, with the cached part taken out of the input.
    static func usage(_ value: JSONValue) -> TokenUsage {
        let input = value["input_tokens"]?.int ?? 0
        let cached = min(value["cached_input_tokens"]?.int ?? 0, input)
        return TokenUsage(input: input - cached, output: value["output_tokens"]?.int ?? 0, cacheRead: cached)
    }
}
