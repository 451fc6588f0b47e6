/// Writes plausible markdown prose (titles and wrapped paragraphs) from a fixed vocabulary, so
/// generated files have the size and shape of real plans and tasks without any real content.
struct ProseWriter {
    private static let vocabulary = [
        "the", "unit", "task", "command", "reads", "writes", "folder", "file", "parser", "module",
        "returns", "error", "value", "when", "each", "configuration", "option", "request", "response",
        "handler", "server", "client", "cache", "index", "record", "field", "schema", "migration",
        "test", "suite", "fixture", "checks", "that", "every", "invalid", "input", "is", "reported",
        "with", "line", "and", "column", "so", "a", "person", "can", "fix", "it", "without",
        "guessing", "builds", "on", "previous", "work", "keeps", "public", "interface", "small",
        "documented", "stable", "logs", "at", "debug", "level", "only", "retries", "once", "after",
        "timeout", "stores", "result", "in", "database", "table", "exposes", "endpoint", "for",
        "listing", "items", "sorted", "by", "name", "date",
    ]

    private var random: SeededRandomNumberGenerator

    /// A writer drawing words from `random`.
    init(random: SeededRandomNumberGenerator) {
        self.random = random
    }

    /// A title of a few capitalised words.
    mutating func title(words: ClosedRange<Int> = 3 ... 6) -> String {
        let count = Int.random(in: words, using: &random)
        return (0 ..< count).map { _ in word().capitalizedFirst }.joined(separator: " ")
    }

    /// One paragraph of whole sentences, about `bytes` long, wrapped at `width` columns.
    mutating func paragraph(bytes: Int, width: Int = 100) -> String {
        var sentences: [String] = []
        var length = 0
        while length < bytes {
            let sentence = self.sentence()
            let longer = length + sentence.utf8.count + 1
            // Stop short rather than overshoot when that lands nearer the target.
            if !sentences.isEmpty, longer - bytes > bytes - length { break }
            sentences.append(sentence)
            length = longer
        }
        return Self.wrap(sentences.joined(separator: " "), width: width)
    }

    /// A random element of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0 ..< choices.count, using: &random)]
    }

    private mutating func word() -> String {
        pick(Self.vocabulary)
    }

    private mutating func sentence() -> String {
        let count = Int.random(in: 6 ... 16, using: &random)
        var words = (0 ..< count).map { _ in word() }
        words[0] = words[0].capitalizedFirst
        return words.joined(separator: " ") + "."
    }

    /// `text` broken into lines of at most `width` characters at spaces.
    private static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.utf8.count + 1 + word.utf8.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string with its first character upper-cased.
    fileprivate var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
