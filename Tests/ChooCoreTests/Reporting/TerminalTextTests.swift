import Testing

@testable import ChooCore

struct TerminalTextTests {
    let colour = TextStyle(colors: true)

    @Test("columns count what shows: escapes take none, ▶ and · one each, wide characters two")
    func columns() {
        #expect(TerminalText.columns("abc") == 3)
        #expect(TerminalText.columns("  ▶ a · b") == 9)
        #expect(TerminalText.columns(colour.bold("choo") + "  " + colour.dim("01:15")) == 11)
        #expect(TerminalText.columns("日本") == 4)
        #expect(TerminalText.columns("🚀x") == 3)
        #expect(TerminalText.columns("e\u{301}") == 1)
        #expect(TerminalText.columns("") == 0)
    }

    @Test("a line that fits is kept as it is")
    func fits() {
        let line = "  " + colour.yellow("▶") + " core  task #2"
        #expect(TerminalText.truncated(line, toColumns: 17) == line)
        #expect(TerminalText.truncated(line, toColumns: 200) == line)
    }

    @Test("a long plain line is cut to the width, ending with an ellipsis")
    func cutsPlain() {
        let cut = TerminalText.truncated("  ▶ core  task #2 attempt 1", toColumns: 12)
        #expect(cut == "  ▶ core  t…")
        #expect(TerminalText.columns(cut) == 12)
    }

    @Test("a cut inside a styled span keeps its escapes whole and ends with a reset")
    func cutsStyled() {
        let line = colour.bold("choo") + "  3 running · " + colour.dim(".ralph/worktrees/logs/unit/001.log")
        let cut = TerminalText.truncated(line, toColumns: 20)
        #expect(cut == "\u{1B}[1mchoo\u{1B}[0m  3 running · \u{1B}[2m.…\u{1B}[0m")
        #expect(TerminalText.columns(cut) == 20)
        // Cut inside the bold word: the escape that opens it is kept whole, and it is closed.
        #expect(TerminalText.truncated(line, toColumns: 3) == "\u{1B}[1mch…\u{1B}[0m")
        // Cut after a closed span: nothing left open, no reset added.
        #expect(TerminalText.truncated(line, toColumns: 8) == "\u{1B}[1mchoo\u{1B}[0m  3…")
    }

    @Test("wide characters are not split: a line may end one column short")
    func cutsWide() {
        #expect(TerminalText.truncated("ab日本語", toColumns: 5) == "ab日…")
        #expect(TerminalText.truncated("ab日本語", toColumns: 4) == "ab…")
    }

    @Test("widths smaller than the prefix still give at most that many columns", arguments: [0, 1, 2, 3, 4])
    func tinyWidths(_ width: Int) {
        let line = "  " + colour.yellow("▶") + " " + "core"
        let cut = TerminalText.truncated(line, toColumns: width)
        #expect(TerminalText.columns(cut) <= width)
        #expect(!cut.hasSuffix("\u{1B}") && !cut.hasSuffix("["))
        #expect(cut.isEmpty == (width == 0))
    }

    @Test("control characters become spaces, so a line stays on one row")
    func controls() {
        #expect(TerminalText.truncated("a\nb\tc", toColumns: 10) == "a b c")
    }

    @Test("a block is fitted to the width, and to the height with a line saying what was left out")
    func fitsBlock() {
        let lines = ["header that is long", "  ▶ a", "  ▶ b", "  ▶ c", "  ▶ d"]
        #expect(TerminalText.fit(lines, columns: 10) == ["header th…", "  ▶ a", "  ▶ b", "  ▶ c", "  ▶ d"])
        #expect(TerminalText.fit(lines, columns: 80, rows: 6) == lines)
        #expect(TerminalText.fit(lines, columns: 80, rows: 4) == ["header that is long", "  ▶ a", "  … 3 more"])
        #expect(TerminalText.fit(lines, columns: 80, rows: 1) == [])
    }

    @Test("the terminal's size comes from the terminal, else COLUMNS and LINES, else 80 columns")
    func size() {
        #expect(
            TerminalSize.resolve(columns: 60, rows: 20, environment: ["COLUMNS": "100"])
                == TerminalSize(columns: 60, rows: 20)
        )
        #expect(
            TerminalSize.resolve(columns: 0, rows: 0, environment: ["COLUMNS": "100", "LINES": "30"])
                == TerminalSize(columns: 100, rows: 30)
        )
        #expect(
            TerminalSize.resolve(columns: 0, rows: 0, environment: ["COLUMNS": "x"])
                == TerminalSize(columns: 80, rows: nil)
        )
        #expect(TerminalSize.resolve(columns: 0, rows: 0, environment: [:]) == TerminalSize(columns: 80, rows: nil))
    }
}
