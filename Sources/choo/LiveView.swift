import ChooCore
import Foundation
import Synchronization

/// The human view of a run. On a terminal: notable events as lines, with a live block of running
/// units redrawn in place below them, cut to the terminal's width so it never wraps. Elsewhere: one
/// line per notable event.
///
/// The lines come from the events (every one, in order: it is a sink); the block is drawn only from
/// the run's ``RunState``, followed through a ``RunStateFeed`` (``follow(_:)``), so a slow terminal
/// skips states rather than falling behind.
final class LiveView: EventSink {
    private struct State {
        /// The newest state the feed gave.
        var progress = RunState()
        /// The block as last drawn.
        var drawn: [String] = []
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
        guard let line = EventLine.text(for: event, style: style, relativeTo: folder) else { return }
        state.withLock { state in
            if isTerminal {
                redraw(&state, above: line)
            } else {
                Output.print(line)
            }
        }
    }

    /// How often at most the block is drawn from a new state: drawing looks at every unit, so it
    /// must not happen once per event (the feed skips the states in between).
    static let drawInterval = Duration.milliseconds(100)

    /// Redraws the live block from the newest state `states` gives, at most every
    /// ``drawInterval``, and about once a second for its clocks, until the states end or the task is
    /// cancelled (terminal only).
    func follow(_ states: RunStateFeed) async {
        guard isTerminal else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await progress in states {
                    self.state.withLock { state in
                        state.progress = progress
                        self.redraw(&state, onlyIfChanged: true)
                    }
                    try? await Task.sleep(for: Self.drawInterval)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    self.state.withLock { self.redraw(&$0, onlyIfChanged: true) }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            // The block follows the states while they come; the clock alone is no reason to go on.
            await group.next()
            group.cancelAll()
        }
    }

    /// Runs `work` while the view follows `states` (see ``follow(_:)``); what `work` returned, or
    /// `nil` when the task was cancelled before it did.
    func following<Result: Sendable>(
        _ states: RunStateFeed,
        during work: @escaping @Sendable () async -> Result
    ) async -> Result? {
        await withTaskGroup(of: Result?.self) { group in
            group.addTask {
                await self.follow(states)
                return nil
            }
            group.addTask { await work() }
            var result: Result?
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
    }

    /// Removes the live block before the summary is printed.
    func clear() {
        guard isTerminal else { return }
        state.withLock { state in
            Output.print(Self.erase(state.drawn.count), terminator: "")
            state.drawn = []
        }
    }

    /// Erases the block, prints `line` (a permanent event line, which may wrap) and draws the block
    /// again below it, in one write so the terminal never shows the block half drawn. The block is
    /// fitted to the terminal's size as it is now, so each of its lines takes exactly one row and
    /// the next erase removes all of it. Below a line it is the block as last drawn (made again
    /// from the state only when a state comes or the clock ticks: a line comes with most events).
    /// Without a line, nothing is written when the block would look the same, if `onlyIfChanged`.
    private func redraw(_ state: inout State, above line: String? = nil, onlyIfChanged: Bool = false) {
        let size = TerminalSize.of(STDOUT_FILENO, environment: environment)
        let lines = TerminalText.fit(
            line == nil ? state.progress.liveLines(now: Date(), style: style, relativeTo: folder) : state.drawn,
            columns: size.columns,
            rows: size.rows
        )
        if line == nil, onlyIfChanged, lines == state.drawn { return }
        var text = Self.erase(state.drawn.count)
        if let line { text += line + "\n" }
        text += lines.map { $0 + "\n" }.joined()
        Output.print(text, terminator: "")
        state.drawn = lines
    }

    /// Moves the cursor up over `lines` drawn lines and clears them.
    private static func erase(_ lines: Int) -> String {
        guard lines > 0 else { return "" }
        return String(repeating: "\u{1B}[1A\u{1B}[2K", count: lines) + "\r"
    }
}
