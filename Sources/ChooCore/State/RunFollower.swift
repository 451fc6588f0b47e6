import Foundation
import GRDB

/// Follows one run through the journal, from any process: every event after a sequence number,
/// then each new one as it is written, until the run ends (or its process is found gone). What
/// `choo watch` and the MCP server's `watch` tool read.
public struct RunFollower: Sendable {
    /// How a followed run ended.
    public enum Ending: Sendable, Hashable {
        /// It recorded its end: its state then.
        case finished(RunState)
        /// Its process is gone without recording an end (killed): its state when it died.
        case died(RunState)

        /// The state at the end.
        public var state: RunState {
            switch self {
            case .finished(let state), .died(let state): return state
            }
        }

        /// The exit code `choo run` gave for it (1 for a killed run).
        public var exitCode: Int32 {
            switch self {
            case .finished(let state): return ActiveRun.exitCode(of: state)
            case .died: return 1
            }
        }

        /// One line saying how it ended.
        public func text(run: Int64) -> String {
            let totals = state.totals
            let counts =
                "\(totals.units) unit\(totals.units == 1 ? "" : "s"): \(totals.complete) complete, "
                + "\(totals.failed) failed, \(totals.blocked) blocked, \(totals.notStarted) not started"
            switch self {
            case .finished(let state):
                let outcome = state.outcome?.rawValue ?? "ended"
                let resume = state.outcome == .complete ? "" : "; run `choo run` again to go on"
                return "run #\(run) \(outcome) (\(counts))\(resume)"
            case .died:
                return "run #\(run) stopped abruptly: its process is gone (\(counts)); run `choo run` again to go on"
            }
        }
    }

    /// The run followed.
    public var run: ActiveRun

    /// Follows `run`.
    public init(run: ActiveRun) {
        self.run = run
    }

    /// The events after `sequence` recorded so far (at most `limit`), and the run's ending when it
    /// has ended and every one of its events is among them or before `sequence`.
    public func read(after sequence: Int, limit: Int = -1) throws -> (
        events: [(sequence: Int, event: Event)], ending: Ending?
    ) {
        // Liveness first: a run seen gone after its events were read might have written more.
        let live = run.isLive
        let stored = try run.journal.events(run: run.record.id, after: sequence, limit: limit < 0 ? .max : limit)
        let events = stored.map { (sequence: $0.seq, event: $0.event) }
        let last = events.last?.sequence ?? sequence
        let total = try run.journal.lastSequence(run: run.record.id)
        guard !live, last >= total else { return (events, nil) }
        let state = try run.journal.state(run: run.record.id)
        return (events, state.outcome == nil ? .died(state) : .finished(state))
    }

    /// Calls `deliver` with every event after `sequence`, in order, waiting on `changes` for new
    /// ones, until the run ends; returns how it ended.
    public func follow(
        after sequence: Int = 0,
        changes: JournalChanges,
        deliver: (Int, Event) -> Void
    ) async throws -> Ending {
        var seen = sequence
        while true {
            let (events, ending) = try read(after: seen)
            for (number, event) in events { deliver(number, event) }
            seen = events.last?.sequence ?? seen
            if let ending { return ending }
            await changes.next()
        }
    }
}
