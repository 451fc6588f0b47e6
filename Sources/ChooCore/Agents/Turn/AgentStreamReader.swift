import Foundation
import Synchronization

/// Reads one agent invocation's output as it arrives: splits it into lines (no fixed cap), takes
/// secrets out of each line, appends it to the turn's log (stderr lines marked `stderr| `), and
/// decodes stdout lines in the provider's format into ``AgentEvent``s for `onEvent`, keeping what
/// the invocation's end needs (``Summary``).
///
/// Called from the process runner's output callback, never twice at once; the summary may be
/// read from any thread.
final class AgentStreamReader: Sendable {
    /// What the stream said by its end.
    struct Summary: Sendable {
        /// The newest conversation id, and its model.
        var session: String?
        var model: String?
        /// The newest token totals the stream gave.
        var usage: TokenUsage?
        /// The CLI's own ending.
        var result: AgentResult?
        /// The newest usage-limit report that blocked the account.
        var rejection: RateLimitReport?
        /// How many tool calls started.
        var toolCalls = 0
        /// The last tool call, as a person reads it (`Bash swift test`).
        var lastTool: String?
        /// How many stdout lines were not the CLI's JSON.
        var unreadable = 0
        /// How many lines were too long to keep.
        var oversized = 0
    }

    private struct State {
        var standardOutput = StreamLines()
        var standardError = StreamLines()
        var decoder: (any AgentStreamDecoder)?
        var summary = Summary()
        var log: Int32?
    }

    private let state: Mutex<State>
    private let redactor: SecretRedactor
    private let onEvent: @Sendable (AgentEvent, Summary) -> Void

    /// A reader appending to `logFile` (already holding its header), decoding `format`.
    init(
        format: AgentOutputFormat,
        logFile: String,
        redactor: SecretRedactor,
        onEvent: @escaping @Sendable (AgentEvent, Summary) -> Void
    ) {
        var initial = State()
        initial.decoder = Self.decoder(for: format)
        let descriptor = open(logFile, O_WRONLY | O_APPEND | O_CLOEXEC)
        initial.log = descriptor >= 0 ? descriptor : nil
        state = Mutex(initial)
        self.redactor = redactor
        self.onEvent = onEvent
    }

    deinit {
        state.withLock { state in
            if let log = state.log { close(log) }
        }
    }

    /// The decoder for `format`; `nil` for text, which is only logged.
    static func decoder(for format: AgentOutputFormat) -> (any AgentStreamDecoder)? {
        switch format {
        case .claudeStream: ClaudeStreamDecoder()
        case .codexJSONL: CodexJSONLDecoder()
        case .geminiStream: GeminiStreamDecoder()
        case .text: nil
        }
    }

    /// What the stream said so far.
    var summary: Summary { state.withLock { $0.summary } }

    /// Takes a chunk of output.
    func receive(_ chunk: OutputChunk) {
        let events: [(AgentEvent, Summary)] = state.withLock { state in
            let pieces =
                chunk.isErrorOutput
                ? state.standardError.append(chunk.text) : state.standardOutput.append(chunk.text)
            return handle(pieces, errorOutput: chunk.isErrorOutput, state: &state)
        }
        for (event, summary) in events { onEvent(event, summary) }
    }

    /// Takes what the streams still held (a last line without a line break) once the process ended.
    func finish() {
        let events: [(AgentEvent, Summary)] = state.withLock { state in
            let out = state.standardOutput.finish()
            let err = state.standardError.finish()
            return handle(out, errorOutput: false, state: &state) + handle(err, errorOutput: true, state: &state)
        }
        for (event, summary) in events { onEvent(event, summary) }
    }

    /// Appends `text` to the log as it is (already clean).
    func appendToLog(_ text: String) {
        state.withLock { state in Self.write(text, to: &state) }
    }

    private func handle(_ pieces: [StreamLines.Piece], errorOutput: Bool, state: inout State) -> [(AgentEvent, Summary)]
    {
        var events: [(AgentEvent, Summary)] = []
        for piece in pieces {
            switch piece {
            case .oversized(let bytes):
                state.summary.oversized += 1
                Self.write("[choo: a line of \(bytes) bytes was too long to keep and was skipped]\n", to: &state)
            case .line(let raw):
                let line = redactor.redact(raw)
                Self.write((errorOutput ? "stderr| " : "") + line + "\n", to: &state)
                guard !errorOutput, var decoder = state.decoder else { continue }
                let decoded = decoder.decode(line)
                state.decoder = decoder
                for event in decoded {
                    Self.note(event, in: &state.summary)
                    events.append((event, state.summary))
                }
            }
        }
        return events
    }

    /// Keeps what the invocation's end needs from `event`.
    private static func note(_ event: AgentEvent, in summary: inout Summary) {
        switch event {
        case .sessionStarted(let id, let model):
            summary.session = id
            if let model { summary.model = model }
        case .toolStarted(_, let name, let target):
            summary.toolCalls += 1
            summary.lastTool = Event.AgentTool(tool: name, target: target).summary
        case .usage(let usage): summary.usage = usage
        case .rateLimit(let report) where report.rejected: summary.rejection = report
        case .result(let result):
            summary.result = result
            if let usage = result.usage { summary.usage = usage }
            if let session = result.sessionID { summary.session = session }
        case .unreadable: summary.unreadable += 1
        case .toolFinished, .text, .apiRetry, .rateLimit: break
        }
    }

    private static func write(_ text: String, to state: inout State) {
        guard let log = state.log else { return }
        var bytes = Array(text.utf8)
        let written = bytes.withUnsafeMutableBytes { FileSystem.writeAll(UnsafeRawBufferPointer($0), to: log) }
        if !written {
            // The log is best effort once the agent runs; stop writing rather than fail the turn.
            close(log)
            state.log = nil
        }
    }
}
