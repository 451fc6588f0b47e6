import Testing

@testable import ChooCore

struct FrontmatterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var yaml: String?
        var bodyFirstLine: Int
        var title: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "LF",
            text: "---\ntask: 1\n---\n# Title\nbody\n",
            yaml: "task: 1\n",
            bodyFirstLine: 4,
            title: "Title"
        ),
        Case(
            name: "CRLF",
            text: "---\r\ntask: 1\r\n---\r\n# Title\r\n",
            yaml: "task: 1\r\n",
            bodyFirstLine: 4,
            title: "Title"
        ),
        Case(name: "BOM", text: "\u{FEFF}---\ntask: 1\n---\n# T\n", yaml: "task: 1\n", bodyFirstLine: 4, title: "T"),
        Case(
            name: "BOM and CRLF",
            text: "\u{FEFF}---\r\na: b\r\n---\r\n\r\n# Plan\r\n",
            yaml: "a: b\r\n",
            bodyFirstLine: 4,
            title: "Plan"
        ),
        Case(name: "no frontmatter", text: "# Only a body\ntext\n", yaml: nil, bodyFirstLine: 1, title: "Only a body"),
        Case(name: "empty frontmatter", text: "---\n---\n# X\n", yaml: "", bodyFirstLine: 3, title: "X"),
        Case(
            name: "fence with trailing spaces",
            text: "---  \nk: v\n--- \nbody\n",
            yaml: "k: v\n",
            bodyFirstLine: 4,
            title: nil
        ),
        Case(
            name: "title is the first '# ' line, not '## '",
            text: "---\nk: v\n---\n## Sub\n#NoSpace\n# Real  \n",
            yaml: "k: v\n",
            bodyFirstLine: 4,
            title: "Real"
        ),
        Case(name: "four dashes do not open", text: "----\nk: v\n----\n", yaml: nil, bodyFirstLine: 1, title: nil),
        Case(name: "empty file", text: "", yaml: nil, bodyFirstLine: 1, title: nil),
    ]

    @Test("splits frontmatter from the body", arguments: cases)
    func splits(_ example: Case) throws {
        let split = try Frontmatter.split(example.text)
        #expect(split.yaml == example.yaml)
        #expect(split.bodyFirstLine == example.bodyFirstLine)
        #expect(split.title == example.title)
    }

    @Test("the body keeps everything after the closing fence byte for byte")
    func bodyIsExact() throws {
        let split = try Frontmatter.split("---\r\ntask: 1\r\n---\r\n\r\n# T\r\nline\r\n")
        #expect(split.body == "\r\n# T\r\nline\r\n")
    }

    @Test("an opening fence without a closing one is an error", arguments: ["---\ntask: 1\n", "---\n", "---"])
    func unclosed(_ text: String) {
        #expect(throws: Frontmatter.SplitError.unclosed(line: 1)) { try Frontmatter.split(text) }
    }
}

struct TimestampTests {
    @Test(
        "reads RFC 3339 timestamps",
        arguments: [
            ("2025-01-31T09:30:00Z", 1_738_315_800.0),
            ("2025-01-31t09:30:00z", 1_738_315_800.0),
            ("2025-01-31 09:30:00Z", 1_738_315_800.0),
            ("2025-01-31T10:30:00+01:00", 1_738_315_800.0),
            ("2025-01-31T04:00:00-05:30", 1_738_315_800.0),
            ("2025-01-31T09:30:00.250Z", 1_738_315_800.25),
            ("2024-02-29T00:00:00Z", 1_709_164_800.0),
            ("1970-01-01T00:00:00Z", 0.0),
        ]
    )
    func parses(_ text: String, _ seconds: Double) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(abs(timestamp.date.timeIntervalSince1970 - seconds) < 0.0001)
    }

    @Test(
        "rejects what is not RFC 3339",
        arguments: [
            "yesterday", "2025-01-31", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
            "2025-01-31T25:00:00Z", "2025-01-31T09:30:00", "2025-01-31T09:30:00+0100", "2025-01-31T09:30:00.Z",
            "2025-01-31T09:30:00Zjunk", "",
        ]
    )
    func rejects(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("prints UTC RFC 3339 that reads back to the same instant")
    func roundTrips() throws {
        let timestamp = try #require(Timestamp(rfc3339: "2031-12-31T23:59:59+02:00"))
        #expect(timestamp.description == "2031-12-31T21:59:59Z")
        #expect(Timestamp(rfc3339: timestamp.description) == timestamp)
    }
}
