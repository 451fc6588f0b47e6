/// What an agent CLI prints on standard output, which says how choo reads it while it works.
///
/// A provider declares it with `provider.providers.<name>.format`; `claude` speaks
/// ``claudeStream`` and `codex` ``codexJSONL`` unless told otherwise, any other provider ``text``.
public enum AgentOutputFormat: String, Sendable, Hashable, CaseIterable {
    /// Claude Code's `--output-format stream-json --verbose`: one JSON object per line.
    case claudeStream = "claude-stream"
    /// Codex's `exec --json`: one JSON event per line.
    case codexJSONL = "codex-jsonl"
    /// Gemini CLI's `--output-format stream-json`: one JSON event per line.
    case geminiStream = "gemini-stream"
    /// Plain text: kept in the log, read for nothing but liveness and usage-limit texts.
    case text
}
