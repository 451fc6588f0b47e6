import Foundation

/// Claude Code's `--output-format stream-json --verbose` lines: `system` (`init`, `api_retry`),
/// `assistant` (text and tool calls, with the step's usage), `user` (tool results),
/// `rate_limit_event` and `result`. Other types and fields are ignored.
///
/// Every message of one step repeats that step's usage under the same `message.id`; the last
/// one counts, so the running total adds each step once.
public struct ClaudeStreamDecoder: AgentStreamDecoder {
    private var steps: [String: TokenUsage] = [:]
    private var order: [String] = []

    /// A decoder for one invocation.
    public init() {}

    public mutating func decode(_ line: String) -> [AgentEvent] {
        if let object = JSONValue.object(parsing: line) { return decode(object) }
        // A line holding more than one object (a `rate_limit_event` written into another line):
        // read what starts at each `{"type":`.
        let objects = Self.embeddedObjects(in: line)
        guard !objects.isEmpty else { return [.unreadable(line)] }
        return objects.flatMap { decode($0) }
    }

    private mutating func decode(_ object: JSONValue) -> [AgentEvent] {
        switch object["type"]?.string {
        case "system": Self.system(object)
        case "assistant": assistant(object)
        case "user": Self.toolResults(object)
        case "rate_limit_event": Self.rateLimit(object).map { [.rateLimit($0)] } ?? []
        case "result": [.result(Self.result(object))]
        default: []
        }
    }

    private static func system(_ object: JSONValue) -> [AgentEvent] {
        switch object["subtype"]?.string {
        case "init":
            guard let id = object["session_id"]?.string else { return [] }
            return [.sessionStarted(id: id, model: object["model"]?.string)]
        case "api_retry":
            return [
                .apiRetry(
                    status: object["error_status"]?.int,
                    attempt: object["attempt"]?.int,
                    delayMilliseconds: object["retry_delay_ms"]?.int
                )
            ]
        default:
            return []
        }
    }

    private mutating func assistant(_ object: JSONValue) -> [AgentEvent] {
        guard let message = object["message"] else { return [] }
        var events: [AgentEvent] = []
        for block in message["content"]?.array ?? [] {
            switch block["type"]?.string {
            case "text":
                if let text = block["text"]?.string, !text.isEmpty { events.append(.text(text)) }
            case "tool_use":
                guard let id = block["id"]?.string else { continue }
                let name = block["name"]?.string ?? "tool"
                events.append(.toolStarted(id: id, name: name, target: Self.target(of: block["input"])))
            default:
                continue
            }
        }
        if let usage = message["usage"].flatMap(Self.usage) {
            let id = message["id"]?.string ?? "step-\(order.count)"
            if steps[id] == nil { order.append(id) }
            steps[id] = usage
            events.append(.usage(order.compactMap { steps[$0] }.reduce(TokenUsage(), +)))
        }
        return events
    }

    private static func toolResults(_ object: JSONValue) -> [AgentEvent] {
        (object["message"]?["content"]?.array ?? []).compactMap { block in
            guard block["type"]?.string == "tool_result", let id = block["tool_use_id"]?.string else { return nil }
            return .toolFinished(id: id, failed: block["is_error"]?.bool ?? false)
        }
    }

    /// What a tool call works on: the file it reads or edits, the command it runs, the pattern it
    /// looks for.
    static func target(of input: JSONValue?) -> String? {
        for key in ["file_path", "notebook_path", "command", "pattern", "path", "url", "query", "description"] {
            if let value = input?[key]?.string, !value.isEmpty { return value }
        }
        return nil
    }

    /// Claude's usage fields; `input_tokens` already excludes the cache.
    static func usage(_ value: JSONValue) -> TokenUsage? {
        guard case .object = value else { return nil }
        return TokenUsage(
            input: value["input_tokens"]?.int ?? 0,
            output: value["output_tokens"]?.int ?? 0,
            cacheRead: value["cache_read_input_tokens"]?.int ?? 0,
            cacheWrite: value["cache_creation_input_tokens"]?.int ?? 0
        )
    }

    private static func rateLimit(_ object: JSONValue) -> RateLimitReport? {
        guard let info = object["rate_limit_info"], let status = info["status"]?.string else { return nil }
        return RateLimitReport(
            status: status,
            resetsAt: info["resetsAt"]?.double.map(Self.date(epoch:)),
            window: info["rateLimitType"]?.string
        )
    }

    /// A Unix time in seconds, or in milliseconds when it is too large to be seconds.
    static func date(epoch value: Double) -> Date {
        Date(timeIntervalSince1970: value > 1e12 ? value / 1000 : value)
    }

    private static func result(_ object: JSONValue) -> AgentResult {
        var message = object["result"]?.string
        if message?.isEmpty ?? true, let errors = object["errors"]?.array?.compactMap(\.string), !errors.isEmpty {
            message = errors.joined(separator: "\n")
        }
        return AgentResult(
            isError: object["is_error"]?.bool ?? false,
            kind: object["subtype"]?.string,
            reason: object["terminal_reason"]?.string,
            apiStatus: object["api_error_status"]?.int,
            message: message,
            turns: object["num_turns"]?.int,
            durationMilliseconds: object["duration_ms"]?.int,
            costUSD: object["total_cost_usd"]?.double,
            usage: object["usage"].flatMap(usage),
            sessionID: object["session_id"]?.string
        )
    }

    /// The JSON objects that start at each `{"type":` of a line that is not one object, each
    /// read up to its balancing brace (braces inside strings do not count).
    static func embeddedObjects(in line: String) -> [JSONValue] {
        let bytes = Array(line.utf8)
        let marker = Array("{\"type\":".utf8)
        var objects: [JSONValue] = []
        var index = 0
        while index + marker.count <= bytes.count {
            guard bytes[index ..< index + marker.count].elementsEqual(marker) else {
                index += 1
                continue
            }
            if let end = balancedEnd(in: bytes, from: index),
                let object = JSONValue.object(parsing: String(decoding: bytes[index ... end], as: UTF8.self))
            {
                objects.append(object)
                index = end + 1
            } else {
                index += 1
            }
        }
        return objects
    }

    /// The index of the brace that closes the object opening at `start`.
    private static func balancedEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in start ..< bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}
