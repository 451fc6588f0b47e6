/// Splits an agent's output into lines as it arrives, with no fixed line length: single lines of
/// tens of megabytes happen (a tool result, a minified file). Only a line over `limit` bytes is
/// given up, and then the rest of it is skipped and reading goes on, so the stream never stops.
/// Accepts `\n` and `\r\n` line ends and drops blank lines.
public struct StreamLines: Sendable {
    /// One piece of the stream.
    public enum Piece: Sendable, Hashable {
        /// A whole line, without its line break.
        case line(String)
        /// A line longer than the limit, skipped; how many bytes it had.
        case oversized(bytes: Int)
    }

    /// The longest line kept, in bytes.
    public let limit: Int
    private var buffer: [UInt8] = []
    private var skipping = 0

    /// A splitter keeping lines up to `limit` bytes (256 MiB by default).
    public init(limit: Int = 256 * 1024 * 1024) {
        self.limit = limit
    }

    /// The pieces `chunk` completes.
    public mutating func append(_ chunk: some Collection<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        var start = chunk.startIndex
        while start != chunk.endIndex {
            guard let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                take(chunk[start...])
                break
            }
            take(chunk[start ..< newline])
            if let piece = endLine() { pieces.append(piece) }
            start = chunk.index(after: newline)
        }
        return pieces
    }

    /// The pieces `text` completes.
    public mutating func append(_ text: String) -> [Piece] { append(Array(text.utf8)) }

    /// What is left once the stream has ended: a last line without a line break.
    public mutating func finish() -> [Piece] { endLine().map { [$0] } ?? [] }

    private mutating func take(_ bytes: some Collection<UInt8>) {
        if skipping > 0 || buffer.count + bytes.count > limit {
            skipping += buffer.count + bytes.count
            buffer.removeAll()
            return
        }
        buffer.append(contentsOf: bytes)
    }

    private mutating func endLine() -> Piece? {
        defer {
            buffer.removeAll(keepingCapacity: buffer.count < 1 << 20)
            skipping = 0
        }
        if skipping > 0 { return .oversized(bytes: skipping) }
        if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
        // Blank unless some byte is not a space or tab (found at once in a line that has content).
        guard buffer.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return nil }
        return .line(String(decoding: buffer, as: UTF8.self))
    }
}
