import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stopping a run from another process (`choo stop`, the MCP server): the signals Ctrl-C would
/// send, to the process the run lock and the journal both name, then waiting for it to end.
public struct RunStop: Sendable {
    /// Why the run cannot be stopped. Exit code 2.
    public enum StopError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The run has ended (or its process is gone).
        case notRunning(run: Int64, outcome: String)
        /// The lock is held by another process than the one the journal records for the run.
        case notTheRun(run: Int64, recorded: Int, holder: String?)
        /// The signal could not be sent.
        case signal(pid: Int, reason: String)

        public var description: String {
            switch self {
            case .notRunning(let run, let outcome):
                return "run #\(run) is not running (\(outcome)); nothing to stop"
            case .notTheRun(let run, let recorded, let holder):
                return "run #\(run) was started by pid \(recorded), but the run lock is held by "
                    + "\(holder ?? "nobody"); not signalling a process that is not that run"
            case .signal(let pid, let reason):
                return "could not signal pid \(pid): \(reason)"
            }
        }
    }

    /// What happened.
    public struct Result: Sendable, Hashable, Codable {
        /// The run.
        public var run: Int64
        /// Its process.
        public var pid: Int
        /// `graceful` or `immediate`.
        public var mode: String
        /// How the run ended: `complete`, `failed`, `interrupted`, or `stopped abruptly`.
        public var outcome: String
        /// The exit code the run gave.
        public var exitCode: Int32
        /// A line saying so.
        public var text: String

        enum CodingKeys: String, CodingKey {
            case run, pid, mode, outcome, text
            case exitCode = "exit_code"
        }
    }

    /// The run to stop.
    public var run: ActiveRun

    /// Stops `run`.
    public init(run: ActiveRun) {
        self.run = run
    }

    /// Sends the stop (graceful, or `immediately`), tells `progress` so, and returns once the run's
    /// process has ended.
    public func stop(
        immediately: Bool,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws(StopError) -> Result {
        let id = run.record.id
        let current = (try? run.journal.run(id)) ?? run.record
        guard current.outcome == "running", run.isLive else {
            throw .notRunning(
                run: id,
                outcome: current.outcome == "running" ? "its process is gone" : "it ended: \(current.outcome)"
            )
        }
        let pid = Int32(current.pid)
        let holder = RunLock.holderProcess(in: run.base)
        guard holder == pid else {
            throw .notTheRun(run: id, recorded: current.pid, holder: RunLock.holder(in: run.base))
        }
        // The first signal asks for a graceful stop, any later one for an immediate one; a stop
        // already asked for is not asked again (that would make it immediate).
        let alreadyAsked = (try? run.journal.state(run: id).stopRequested) ?? false
        var signals: [Int32] = []
        if !alreadyAsked { signals.append(SIGTERM) }
        if immediately { signals.append(SIGINT) }
        for number in signals where kill(pid, number) != 0 {
            throw .signal(pid: Int(pid), reason: String(cString: strerror(errno)))
        }
        progress(
            immediately
                ? "Stopping run #\(id) (pid \(pid)) now…"
                : "Stopping run #\(id) (pid \(pid)): running agents finish their turn first…"
        )
        let changes = JournalChanges(folder: run.base, fallback: .milliseconds(200))
        defer { changes.close() }
        while run.processRunning { await changes.next() }
        let ending = (try? RunFollower(run: run).read(after: Int.max).ending) ?? nil
        let state = ending?.state ?? RunState()
        let outcome: String =
            if case .finished(let state) = ending { state.outcome?.rawValue ?? "stopped abruptly" } else {
                "stopped abruptly"
            }
        return Result(
            run: id,
            pid: Int(pid),
            mode: immediately ? "immediate" : "graceful",
            outcome: outcome,
            exitCode: ending?.exitCode ?? 1,
            text: (ending ?? .died(state)).text(run: id)
        )
    }
}
