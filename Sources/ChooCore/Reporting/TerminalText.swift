/// Text measured and cut in terminal columns, for lines that must each stay on one row: escape
/// sequences (the colours of ``TextStyle``) take no room, wide characters (CJK, emoji) take two
/// columns, every other character one.
public enum TerminalText {
    /// How many columns `text` takes on a terminal.
    public static func columns(_ text: String) -> Int {
        pieces(of: text).reduce(0) { $0 + $1.columns }
    }

    /// `text` cut to at most `width` columns, ending with `…` when something was cut. Escape
    /// sequences are never split, and a styled span that is cut is closed with a reset. Control
    /// characters (a newline in a name) become spaces, so the text stays on one row.
    public static func truncated(_ text: String, toColumns width: Int) -> String {
        let pieces = pieces(of: text)
        guard pieces.reduce(0, { $0 + $1.columns }) > width else { return pieces.map(\.text).joined() }
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        var styled = false
        for piece in pieces {
            if case .escape(let sequence) = piece {
                if sequence.hasPrefix("\u{1B}["), sequence.hasSuffix("m") {
                    styled = sequence != "\u{1B}[0m" && sequence != "\u{1B}[m"
                }
            } else if used + piece.columns > width - 1 {
                break
            }
            result += piece.text
            used += piece.columns
        }
        return result + "…" + (styled ? "\u{1B}[0m" : "")
    }

    /// `lines` fitted to a terminal `columns` wide and `rows` high: each line truncated to the
    /// width, and, when the height is known, at most `rows - 1` lines (the row below them holds the
    /// cursor), the last of them saying how many were left out.
    public static func fit(_ lines: [String], columns: Int, rows: Int? = nil) -> [String] {
        var kept = lines
        if let rows, lines.count > rows - 1 {
            let room = max(rows - 1, 0)
            kept = room == 0 ? [] : lines.prefix(room - 1) + ["  … \(lines.count - room + 1) more"]
        }
        return kept.map { truncated($0, toColumns: columns) }
    }

    /// A character, or an escape sequence, with the room it takes.
    private enum Piece {
        case escape(String)
        case character(Character, columns: Int)

        var text: String {
            switch self {
            case .escape(let sequence): sequence
            case .character(let character, _): String(character)
            }
        }

        var columns: Int {
            switch self {
            case .escape: 0
            case .character(_, let columns): columns
            }
        }
    }

    /// `text` split into characters and escape sequences: `ESC [` parameters and a final byte
    /// (`@` to `~`), or `ESC` and one character. Control characters come back as spaces.
    private static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var escape: String?
        for character in text {
            if var sequence = escape {
                sequence.append(character)
                let value = character.unicodeScalars.first?.value ?? 0
                let finished = sequence.count == 2 ? character != "[" : (0x40 ... 0x7E).contains(value)
                escape = finished ? nil : sequence
                if finished { pieces.append(.escape(sequence)) }
            } else if character == "\u{1B}" {
                escape = "\u{1B}"
            } else if let scalar = character.unicodeScalars.first, scalar.properties.generalCategory == .control {
                pieces.append(.character(" ", columns: 1))
            } else {
                pieces.append(.character(character, columns: columns(of: character)))
            }
        }
        if let escape { pieces.append(.escape(escape)) }
        return pieces
    }

    /// Two for East Asian wide and full-width characters and emoji shown as pictures, else one. An
    /// over-estimate only cuts a line a little early; an under-estimate would let it wrap.
    private static func columns(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.isEmojiPresentation || character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        return wideRanges.contains { $0.contains(scalar.value) } ? 2 : 1
    }

    /// The main blocks of East Asian Wide and Fullwidth characters (Unicode's EastAsianWidth.txt).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100 ... 0x115F, 0x2E80 ... 0x303E, 0x3041 ... 0x33FF, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF,
        0xA000 ... 0xA4CF, 0xAC00 ... 0xD7A3, 0xF900 ... 0xFAFF, 0xFE30 ... 0xFE4F, 0xFF00 ... 0xFF60,
        0xFFE0 ... 0xFFE6, 0x20000 ... 0x3FFFD,
    ]
}
