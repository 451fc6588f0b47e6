/// ANSI styling for terminal output, switched off when output is not a terminal or `NO_COLOR` is set.
public struct TextStyle: Sendable, Hashable {
    /// Whether escape codes are written.
    public var colors: Bool

    /// Creates a style; `colors: false` renders plain text.
    public init(colors: Bool) {
        self.colors = colors
    }

    /// Plain text, for files, pipes and tests.
    public static let plain = TextStyle(colors: false)

    /// Colour only for a terminal, and never when `NO_COLOR` is set to a non-empty value
    /// (https://no-color.org).
    public static func forOutput(isTerminal: Bool, environment: [String: String]) -> TextStyle {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        return TextStyle(colors: isTerminal && !noColor && !dumb)
    }

    /// Bold text.
    public func bold(_ text: String) -> String { wrap(text, "1") }
    /// Dimmed text.
    public func dim(_ text: String) -> String { wrap(text, "2") }
    /// Red text: failures and errors.
    public func red(_ text: String) -> String { wrap(text, "31") }
    /// Green text: completed work.
    public func green(_ text: String) -> String { wrap(text, "32") }
    /// Yellow text: work in progress and warnings.
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    /// Cyan text: names and commands.
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    private func wrap(_ text: String, _ code: String) -> String {
        colors && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// The string padded with spaces on the right to `width` characters.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
