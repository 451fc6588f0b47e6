import Testing

@testable import ChooCore

struct QuotedOutputTests {
    /// A check's output and how it must be quoted.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var quoted: String
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], _ quoted: String) {
            self.name = name
            self.bytes = bytes
            self.quoted = quoted
        }

        init(_ name: String, _ text: String, _ quoted: String) {
            self.init(name, Array(text.utf8), quoted)
        }
    }

    static let cases: [Case] = [
        Case(
            "plain text stays as it is",
            "error: x.swift:3: expected ')'\n\tnote: here\n",
            "error: x.swift:3: expected ')'\n\tnote: here\n"
        ),
        Case("a NUL byte is shown, and what follows it stays", [0x61, 0x00, 0x62], "a\u{2400}b"),
        Case("escape sequences cannot act", "\u{1B}[31mred\u{1B}[0m", "\u{241B}[31mred\u{241B}[0m"),
        Case(
            "bell, backspace, form feed and DEL are shown",
            "\u{07}\u{08}\u{0C}\u{7F}",
            "\u{2407}\u{2408}\u{240C}\u{2421}"
        ),
        Case("CRLF line ends become LF", "one\r\ntwo\r\n", "one\ntwo\n"),
        Case("a lone carriage return is shown", "50%\r100%\r", "50%\u{240D}100%\u{240D}"),
        Case("invalid UTF-8 is replaced", [0x6F, 0x6B, 0xFF, 0xC3, 0x21], "ok\u{FFFD}\u{FFFD}!"),
        Case("C1 controls are replaced", "a\u{9B}b", "a\u{FFFD}b"),
        Case("other Unicode stays", "✓ café 日本", "✓ café 日本"),
    ]

    @Test("control characters are made visible and invalid UTF-8 replaced", arguments: cases)
    func sanitises(_ testCase: Case) {
        #expect(QuotedOutput.quote(bytes: testCase.bytes) == testCase.quoted)
        if let text = String(validating: testCase.bytes, as: UTF8.self) {
            #expect(QuotedOutput.quote(text) == testCase.quoted)
        }
    }

    @Test("long output keeps its end from a line start, under a note of the bytes and lines cut")
    func capsAtALine() {
        let lines = (1 ... 1000).map { "line \($0)\n" }.joined()
        let quoted = QuotedOutput.quote(lines, limit: 100)
        let kept = quoted.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(kept.first?.hasPrefix("[... ") == true)
        #expect(kept[1].hasPrefix("line "))
        #expect(quoted.hasSuffix("line 1000\n"))
        let keptBytes = kept.dropFirst().joined(separator: "\n").utf8.count
        #expect(keptBytes <= 100)
        let cutBytes = lines.utf8.count - keptBytes
        let cutLines = 1000 - (kept.count - 2)
        #expect(kept.first == "[... \(cutBytes) bytes (\(cutLines) lines) of earlier output cut ...]")
    }

    @Test("a cut inside a long line keeps whole characters")
    func capsAtACharacter() {
        let text = String(repeating: "é", count: 10_000) + "END"
        let quoted = QuotedOutput.quote(text, limit: 1000)
        #expect(quoted.hasPrefix("[... "))
        #expect(quoted.hasSuffix("ééEND"))
        #expect(!quoted.contains("\u{FFFD}"))
        #expect(quoted.contains("(0 lines)"))
    }

    @Test("output at the limit is not cut")
    func atTheLimit() {
        let text = String(repeating: "a", count: 64)
        #expect(QuotedOutput.quote(text, limit: 64) == text)
        #expect(QuotedOutput.quote(text + "b", limit: 64).hasPrefix("[... 1 bytes (0 lines)"))
    }

    @Test("the default cap is 16 KiB")
    func defaultCap() {
        let quoted = QuotedOutput.quote(String(repeating: "x", count: 100_000) + "\u{0}tail")
        #expect(quoted.hasSuffix("x\u{2400}tail"))
        #expect(quoted.utf8.count < QuotedOutput.defaultLimit + 200)
    }
}
