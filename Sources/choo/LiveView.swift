import ChooCore
import Foundation
import Synchronization

/// The human view of a run. On a terminal: notable events as lines, with a live block of running
/// units redrawn in place below them, cut to the terminal's width so it never wraps. Elsewhere: one
/// line per notable event.
final class LiveView: EventSink {
    private struct State {
        var progress = RunState()
        var drawnLines = 0
    }

    private let state = Mutex(State())
    private let style: TextStyle
    private let isTerminal: Bool
    private let folder = FileSystem.currentDirectory()
    private let environment = ProcessInfo.processInfo.environment

    init(style: TextStyle, isTerminal: Bool) {
        self.style = style
        self.isTerminal = isTerminal
    }

    func receive(_ event: Event, sequence: Int) {
        let line = EventLine.text(for: event, style: style, relativeTo: folder)
        state.withLock { state in
            state.progress.apply(event)
            guard let line else { return }
            if isTerminal {
                redraw(&state, above: line)
            } else {
                Output.print(line)
            }
        }
    }

    /// Redraws the live block about once a second until cancelled (terminal only).
    func redrawUntilCancelled() async {
        guard isTerminal else { return }
        while !Task.isCancelled {
            state.withLock { redraw(&$0) }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Removes the live block before the summary is printed.
    func clear() {
        guard isTerminal else { return }
        state.withLock { state in
            Output.print(Self.erase(state.drawnLines), terminator: "")
            state.drawnLines = 0
        }
    }

    /// Erases the block, prints `line` (a permanent event line, which may wrap) and draws the block
    /// again below it, in one write so the terminal never shows the block half drawn. The block is
    /// fitted to the terminal's size as it is now, so each of its lines takes exactly one row and
    /// the next erase removes all of it.
    private func redraw(_ state: inout State, above line: String? = nil) {
        let size = TerminalSize.of(STDOUT_FILENO, environment: environment)
        let lines = TerminalText.fit(
            state.progress.liveLines(now: Date(), style: style, relativeTo: folder),
            columns: size.columns,
            rows: size.rows
        )
        var text = Self.erase(state.drawnLines)
        if let line { text += line + "\n" }
        text += lines.map { $0 + "\n" }.joined()
        Output.print(text, terminator: "")
        state.drawnLines = lines.count
    }

    /// Moves the cursor up over `lines` drawn lines and clears them.
    private static func erase(_ lines: Int) -> String {
        guard lines > 0 else { return "" }
        return String(repeating: "\u{1B}[1A\u{1B}[2K", count: lines) + "\r"
    }
}
