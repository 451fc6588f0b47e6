/// A markdown file split into its YAML frontmatter and its body.
///
/// A file has frontmatter when its first line is `---` and a later line is `---`; the lines
/// between are the YAML. A UTF-8 byte order mark and CRLF line endings are accepted.
public struct Frontmatter: Sendable, Hashable {
    /// The YAML text between the fences (without them), or `nil` when the file has no frontmatter.
    public var yaml: String?
    /// The 1-based line of the file on which the YAML text starts (the line after the opening fence).
    public var yamlFirstLine: Int
    /// Everything after the closing fence (or the whole text, without a BOM, when there is no frontmatter).
    public var body: String
    /// The 1-based line of the file on which the body starts.
    public var bodyFirstLine: Int

    /// Why a file's frontmatter could not be split.
    public enum SplitError: Error, Sendable, Hashable {
        /// The file opens with `---` on `line` but no later line closes the block.
        case unclosed(line: Int)
    }

    /// Splits `text` into frontmatter and body.
    public static func split(_ text: String) throws(SplitError) -> Frontmatter {
        var utf8 = Substring(text).utf8
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if utf8.starts(with: bom) { utf8 = utf8.dropFirst(3) }
        let content = Substring(utf8)

        var lines = LineCursor(content.utf8)
        guard let first = lines.next(), Self.isFence(first.text) else {
            return Frontmatter(yaml: nil, yamlFirstLine: 1, body: String(content), bodyFirstLine: 1)
        }
        let yamlStart = first.end
        while let line = lines.next() {
            if Self.isFence(line.text) {
                let yaml = String(Substring(content.utf8[yamlStart ..< line.start]))
                let body = String(Substring(content.utf8[line.end...]))
                return Frontmatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: line.number + 1)
            }
        }
        throw .unclosed(line: 1)
    }

    /// The title: the text of the first body line that starts with `# `, trimmed.
    public var title: String? {
        var lines = LineCursor(Substring(body).utf8)
        while let line = lines.next() {
            let text = line.text
            if text.starts(with: "# ".utf8) {
                let title = String(Substring(text.dropFirst(2))).trimmingWhitespace()
                return title.isEmpty ? nil : title
            }
        }
        return nil
    }

    private static func isFence(_ line: Substring.UTF8View) -> Bool {
        // "---" optionally followed by spaces or tabs; the line terminator is already removed.
        guard line.starts(with: "---".utf8) else { return false }
        return line.dropFirst(3).allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}

/// Walks the lines of UTF-8 text, accepting LF and CRLF terminators.
struct LineCursor {
    /// One line: its text without the terminator, where it starts, and where the next line starts.
    struct Line {
        var text: Substring.UTF8View
        var start: Substring.UTF8View.Index
        var end: Substring.UTF8View.Index
        var number: Int
    }

    private let view: Substring.UTF8View
    private var position: Substring.UTF8View.Index
    private var number = 0

    init(_ view: Substring.UTF8View) {
        self.view = view
        self.position = view.startIndex
    }

    mutating func next() -> Line? {
        guard position < view.endIndex else { return nil }
        let start = position
        let newline = view[start...].firstIndex(of: UInt8(ascii: "\n"))
        var textEnd = newline ?? view.endIndex
        position = newline.map { view.index(after: $0) } ?? view.endIndex
        if textEnd > start, view[view.index(before: textEnd)] == UInt8(ascii: "\r") {
            textEnd = view.index(before: textEnd)
        }
        number += 1
        return Line(text: view[start ..< textEnd], start: start, end: position, number: number)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first ... last])
    }
}
