import ChooCore
import Foundation
import Synchronization

/// The human view of a run. On a terminal: notable events as lines, with a live block of running
/// units redrawn in place below them. Elsewhere: one line per notable event.
final class LiveView: EventSink {
    private struct State {
        var progress = RunProgress()
        var drawnLines = 0
        var dirty = true
    }

    private let state = Mutex(State())
    private let style: TextStyle
    private let isTerminal: Bool
    private let folder = FileSystem.currentDirectory()

    init(style: TextStyle, isTerminal: Bool) {
        self.style = style
        self.isTerminal = isTerminal
    }

    func receive(_ event: Event, sequence: Int) {
        let line = EventLine.text(for: event, style: style, relativeTo: folder)
        state.withLock { state in
            state.progress.apply(event)
            state.dirty = true
            guard let line else { return }
            if isTerminal {
                Output.print(Self.erase(state.drawnLines) + line)
                state.drawnLines = 0
                Output.print(self.block(state.progress, into: &state.drawnLines), terminator: "")
            } else {
                Output.print(line)
            }
        }
    }

    /// Redraws the live block about once a second until cancelled (terminal only).
    func redrawUntilCancelled() async {
        guard isTerminal else { return }
        while !Task.isCancelled {
            state.withLock { state in
                Output.print(Self.erase(state.drawnLines), terminator: "")
                state.drawnLines = 0
                Output.print(self.block(state.progress, into: &state.drawnLines), terminator: "")
            }
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

    private func block(_ progress: RunProgress, into count: inout Int) -> String {
        let lines = progress.liveLines(now: Date(), style: style, relativeTo: folder)
        count = lines.count
        return lines.map { $0 + "\n" }.joined()
    }

    /// Moves the cursor up over `lines` drawn lines and clears them.
    private static func erase(_ lines: Int) -> String {
        guard lines > 0 else { return "" }
        return String(repeating: "\u{1B}[1A\u{1B}[2K", count: lines) + "\r"
    }
}
