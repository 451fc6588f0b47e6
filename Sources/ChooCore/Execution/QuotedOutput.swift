/// A command's output made safe to quote in a prompt: whole text the agent can read, of a bounded size.
///
/// - Control characters other than `\n` and `\t` are shown as their Unicode control pictures
///   (U+2400 + the code: NUL is `␀`, ESC is `␛`, a lone CR is `␍`; DEL is `␡`), so a NUL byte cannot
///   cut the prompt short and escape sequences cannot act on anything; CRLF becomes `\n`.
/// - Invalid UTF-8 and C1 control characters (U+0080 to U+009F) become U+FFFD `�`.
/// - Output over the limit keeps its end (where a failing check says what failed), starting at a line
///   when one starts soon enough, under a note saying how many bytes and lines were cut.
public enum QuotedOutput {
    /// The most output quoted, in bytes of UTF-8 as it came: 16 KiB.
    public static let defaultLimit = 16 * 1024

    /// How far past the cut the next line may start and still be where the kept part begins.
    static let lineSearch = 512

    /// `output` ready to quote: at most its last `limit` bytes, made visible as described above.
    public static func quote(_ output: String, limit: Int = defaultLimit) -> String {
        quote(bytes: Array(output.utf8), limit: limit)
    }

    /// `bytes` (any encoding; invalid UTF-8 is replaced) ready to quote, like ``quote(_:limit:)``.
    public static func quote(bytes: [UInt8], limit: Int = defaultLimit) -> String {
        let start = keptStart(of: bytes, limit: max(0, limit))
        var text = ""
        if start > 0 {
            let lines = bytes[..<start].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            text = "[... \(start) bytes (\(lines) \(lines == 1 ? "line" : "lines")) of earlier output cut ...]\n"
        }
        text += visible(String(decoding: bytes[start...], as: UTF8.self))
        return text
    }

    /// `text` with every control character but `\n` and `\t` shown as a visible character.
    public static func visible(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if previousWasCR {
                previousWasCR = false
                if scalar == "\n" {
                    scalars.append("\n")
                    continue
                }
                scalars.append(controlPicture(0x0D))
            }
            switch scalar.value {
            case 0x0A, 0x09: scalars.append(scalar)
            case 0x0D: previousWasCR = true
            case 0x00 ..< 0x20, 0x7F: scalars.append(controlPicture(scalar.value))
            case 0x80 ..< 0xA0: scalars.append("\u{FFFD}")
            default: scalars.append(scalar)
            }
        }
        if previousWasCR { scalars.append(controlPicture(0x0D)) }
        return String(scalars)
    }

    /// The control picture for a C0 control character or DEL.
    private static func controlPicture(_ value: UInt32) -> Unicode.Scalar {
        let picture = value == 0x7F ? 0x2421 : 0x2400 + value
        return Unicode.Scalar(picture) ?? "\u{FFFD}"
    }

    /// Where the kept end of `bytes` starts: `limit` bytes from the end, moved forward to a character
    /// boundary, and to the start of the next line when it begins within ``lineSearch`` bytes.
    private static func keptStart(of bytes: [UInt8], limit: Int) -> Int {
        guard bytes.count > limit else { return 0 }
        var start = bytes.count - limit
        if bytes[start - 1] == UInt8(ascii: "\n") { return start }
        let searchEnd = min(bytes.count, start + lineSearch)
        if let newline = bytes[start ..< searchEnd].firstIndex(of: UInt8(ascii: "\n")) { return newline + 1 }
        while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
        return start
    }
}
