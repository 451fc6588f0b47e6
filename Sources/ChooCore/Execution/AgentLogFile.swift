import Foundation

/// An agent log file read back: its header fields, the prompt, the output lines (stdout, and
/// stderr written as `stderr| <line>`) and how the invocation ended, which a running
/// invocation's log does not have yet.
///
/// The file reads:
///
/// ```
/// # choo agent log
/// # unit: <unit>
/// # ...
/// # prompt-bytes: <N>
///
/// ## prompt
///
/// <exactly N bytes of prompt>
///
/// ## output
///
/// <each stdout line as printed>
/// stderr| <each stderr line>
///
/// ## exit
///
/// <how it ended>
/// ```
///
/// Logs written before `# prompt-bytes:` (and `# format:`, `# provider:`) existed are read too: their
/// prompt ends at the first `## output` heading, and their output is stdout and stderr interleaved.
public struct AgentLogFile: Sendable, Hashable {
    /// The `# key: value` lines at the top.
    public struct Header: Sendable, Hashable {
        /// Every field, by key (`unit`, `turn`, `task`, `attempt`, `provider`, `format`, `session`,
        /// `command`, `prompt-bytes`, and any other).
        public var fields: [String: String]

        /// A header with `fields`.
        public init(fields: [String: String] = [:]) {
            self.fields = fields
        }

        /// The unit the turn worked in.
        public var unit: String? { fields["unit"] }
        /// What the turn was for (`task`, `conflict`, ...).
        public var turn: String? { fields["turn"] }
        /// The task's number, for a task turn.
        public var task: Int? { fields["task"].flatMap { Int($0) } }
        /// The attempt's number.
        public var attempt: Int? { fields["attempt"].flatMap { Int($0) } }
        /// The provider's name.
        public var provider: String? { value("provider") }
        /// The session the invocation resumed, if any.
        public var session: String? { value("session") }
        /// The command as run, the prompt shown as `<prompt>`.
        public var command: String? { value("command") }
        /// The prompt's length in bytes, when the log says.
        public var promptBytes: Int? { fields["prompt-bytes"].flatMap { Int($0) } }

        /// What the agent printed: the `format` field, or for a log without one, what its command
        /// asked for (`--output-format stream-json`, `exec --json`); plain text otherwise.
        public var format: AgentOutputFormat {
            if let named = value("format").flatMap(AgentOutputFormat.init(rawValue:)) { return named }
            let words = (command ?? "").split(separator: " ")
            if words.contains("stream-json") && words.contains("--output-format") { return .claudeStream }
            if words.contains("exec") && (words.contains("--json") || words.contains("--experimental-json")) {
                return .codexJSONL
            }
            return .text
        }

        private func value(_ key: String) -> String? {
            guard let value = fields[key], !value.isEmpty, value != "-" else { return nil }
            return value
        }
    }

    /// One line of the output section.
    public enum Line: Sendable, Hashable {
        /// A line the agent printed on stdout (or, in a log of the old format, on either).
        case stdout(String)
        /// A line the agent printed on stderr.
        case stderr(String)
    }

    /// A piece of a log, in the order the file has them.
    public enum Piece: Sendable, Hashable {
        /// The header, once it is complete.
        case header(Header)
        /// The prompt.
        case prompt(String)
        /// An output line.
        case output(Line)
        /// How the invocation ended.
        case exit(String)
    }

    /// The header.
    public var header = Header()
    /// The prompt; `nil` when the file ends before it does.
    public var prompt: String?
    /// The output lines, in order.
    public var output: [Line] = []
    /// How the invocation ended; `nil` while it runs (or when choo died before writing it).
    public var exit: String?

    /// The log in `bytes`.
    public init(parsing bytes: some Collection<UInt8>) {
        var reader = Reader()
        for piece in reader.append(bytes) + reader.finish() {
            switch piece {
            case .header(let header): self.header = header
            case .prompt(let prompt): self.prompt = prompt
            case .output(let line): output.append(line)
            case .exit(let exit): self.exit = exit
            }
        }
    }

    /// The log in `text`.
    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }
}

extension AgentLogFile {
    /// Reads a log as it grows (`choo logs --follow`): each call gives the pieces that the bytes
    /// so far complete. An output line is given once its line break is there; the lines that could
    /// be the `## exit` section are held until more output shows they are not, or until
    /// ``finish()``.
    public struct Reader: Sendable {
        private enum Stage: Sendable {
            case header
            case prompt(Header)
            case output
            case done
        }

        private var buffer: [UInt8] = []
        private var stage = Stage.header
        private var held: [String] = []
        /// How many bytes at the start of the buffer are known to hold no line break (a long line
        /// arriving in many pieces is searched once).
        private var scanned = 0

        private static let promptHeading = Array("## prompt\n\n".utf8)
        private static let outputHeading = Array("\n\n## output\n\n".utf8)

        /// A reader at the start of a file.
        public init() {}

        /// The pieces `bytes`, appended to what came before, complete.
        public mutating func append(_ bytes: some Collection<UInt8>) -> [Piece] {
            buffer.append(contentsOf: bytes)
            return advance(final: false)
        }

        /// What is left once the file has ended (or stopped growing): a last line without a line
        /// break, the exit section held back.
        public mutating func finish() -> [Piece] {
            advance(final: true)
        }

        private mutating func advance(final: Bool) -> [Piece] {
            var pieces: [Piece] = []
            while true {
                switch stage {
                case .header:
                    guard let (header, start) = Self.header(in: buffer, final: final) else { return pieces }
                    pieces.append(.header(header))
                    buffer.removeFirst(min(start, buffer.count))
                    stage = start > 0 || !final ? .prompt(header) : .done
                case .prompt(let header):
                    guard let (prompt, end) = Self.prompt(in: buffer, bytes: header.promptBytes, final: final) else {
                        return pieces
                    }
                    pieces.append(.prompt(prompt))
                    buffer.removeFirst(min(end, buffer.count))
                    guard end > 0 else {
                        stage = .done
                        return pieces
                    }
                    stage = .output
                case .output:
                    pieces += outputLines(final: final)
                    if final { stage = .done }
                    return pieces
                case .done:
                    return pieces
                }
            }
        }

        /// The header, and where the prompt starts, once the `## prompt` heading has arrived (or at
        /// the end, whatever header lines there are).
        private static func header(in buffer: [UInt8], final: Bool) -> (Header, Int)? {
            var end: Int?
            if buffer.starts(with: promptHeading) {
                end = 0
            } else if let found = buffer.firstRange(of: [UInt8(ascii: "\n")] + promptHeading) {
                end = found.lowerBound + 1
            }
            guard end != nil || final else { return nil }
            var header = Header()
            let text = String(decoding: buffer[..<(end ?? buffer.count)], as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("# ") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[line.index(line.startIndex, offsetBy: 2) ..< colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                header.fields[key] = value
            }
            return (header, end.map { $0 + promptHeading.count } ?? 0)
        }

        /// The prompt and where the output starts: after exactly `bytes` bytes when the header
        /// says and the `## output` heading follows them, else at the first `## output` heading.
        private static func prompt(in buffer: [UInt8], bytes: Int?, final: Bool) -> (String, Int)? {
            if let bytes, bytes >= 0 {
                if buffer.count >= bytes + outputHeading.count {
                    if buffer[bytes ..< bytes + outputHeading.count].elementsEqual(outputHeading) {
                        return (String(decoding: buffer[..<bytes], as: UTF8.self), bytes + outputHeading.count)
                    }
                } else if !final {
                    return nil
                }
            }
            if let found = buffer.firstRange(of: outputHeading) {
                return (String(decoding: buffer[..<found.lowerBound], as: UTF8.self), found.upperBound)
            }
            // A prompt alone (the file was cut): the heading's blank line is not part of it.
            guard final else { return nil }
            var end = buffer.count
            while end > 0, buffer[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            return (String(decoding: buffer[..<end], as: UTF8.self), 0)
        }

        private mutating func outputLines(final: Bool) -> [Piece] {
            var pieces: [Piece] = []
            var start = 0
            while let newline = buffer[max(start, scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                pieces += hold(String(decoding: buffer[start ..< newline], as: UTF8.self))
                start = newline + 1
            }
            buffer.removeFirst(start)
            scanned = buffer.count
            guard final else { return pieces }
            if !buffer.isEmpty {
                pieces += hold(String(decoding: buffer, as: UTF8.self))
                buffer.removeAll()
            }
            if let exit = Self.exit(in: held) {
                held.removeAll()
                return pieces + [.exit(exit)]
            }
            pieces += held.map { .output(Self.line($0)) }
            held.removeAll()
            return pieces
        }

        /// Holds `line` while the lines held could be the exit section; gives back those that
        /// cannot.
        private mutating func hold(_ line: String) -> [Piece] {
            held.append(line)
            var pieces: [Piece] = []
            while !held.isEmpty, !Self.couldBeExit(held) {
                pieces.append(.output(Self.line(held.removeFirst())))
            }
            return pieces
        }

        /// The exit section's lines, with or without the blank line before its heading; `nil`
        /// stands for its one line of text.
        private static let exitShapes: [[String?]] = [["", "## exit", "", nil], ["## exit", "", nil]]

        private static func couldBeExit(_ lines: [String]) -> Bool {
            exitShapes.contains { shape in
                lines.count <= shape.count && zip(lines, shape).allSatisfy { $1 == nil || $0 == $1 }
            }
        }

        /// The exit section's text when `lines` are the whole section (an empty text when its line is
        /// missing).
        private static func exit(in lines: [String]) -> String? {
            for shape in exitShapes where lines.count == shape.count || lines.count == shape.count - 1 {
                guard zip(lines, shape).allSatisfy({ $1 == nil || $0 == $1 }) else { continue }
                return lines.count == shape.count ? lines[shape.count - 1] : ""
            }
            return nil
        }

        private static func line(_ text: String) -> Line {
            if text.hasPrefix("stderr| ") { return .stderr(String(text.dropFirst(8))) }
            if text == "stderr|" { return .stderr("") }
            return .stdout(text)
        }
    }
}
