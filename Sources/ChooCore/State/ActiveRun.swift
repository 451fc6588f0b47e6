import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of the journal, as `choo watch` and `choo stop` find it: which one was meant, and whether
/// its process is still at work. There is no daemon: the run lock says which process runs now, the
/// journal which run that process is.
public struct ActiveRun: Sendable {
    /// Why no run could be chosen. Exit code 2.
    public enum SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The worktree base holds no journal: no run was ever started here.
        case noJournal(base: String)
        /// The journal has no run with that number.
        case noSuchRun(Int64, newest: Int64?)

        public var description: String {
            switch self {
            case .noJournal(let base):
                return "no runs are recorded yet in \(base); start one with `choo run` (or `choo run --detach`)"
            case .noSuchRun(let run, let newest):
                let known = newest.map { " (runs are numbered 1 to \($0); `choo history` lists them)" } ?? ""
                return "there is no run #\(run)\(known)"
            }
        }
    }

    /// The run as the journal records it.
    public var record: RunJournal.RunRecord
    /// The journal it is in.
    public var journal: RunJournal
    /// The worktree base holding the journal and the lock.
    public var base: String

    /// The run numbered `requested`, else the one running now, else the newest.
    public static func select(_ requested: Int64?, base: String) throws -> ActiveRun {
        guard let journal = try RunJournal.existing(in: base) else { throw SelectionError.noJournal(base: base) }
        let newest = try journal.runs(limit: 1).first
        if let requested {
            guard let record = try journal.run(requested) else {
                throw SelectionError.noSuchRun(requested, newest: newest?.id)
            }
            return ActiveRun(record: record, journal: journal, base: base)
        }
        guard let newest else { throw SelectionError.noJournal(base: base) }
        return ActiveRun(record: newest, journal: journal, base: base)
    }

    /// Whether the run's process is at work now: the journal has not recorded the run's end, and
    /// the process holds the run lock (or, having let it go, is still writing its last events).
    public var isLive: Bool {
        guard let current = try? journal.run(record.id), current.outcome == "running" else { return false }
        let pid = Int32(current.pid)
        return RunLock.holderProcess(in: base) == pid || Self.isChooRunning(pid)
    }

    /// Whether `pid` is a `choo` process that has not ended (a zombie has).
    static func isChooRunning(_ pid: Int32) -> Bool {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        guard state != "Z", state != "X" else { return false }
        let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let first = command.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (first as NSString).lastPathComponent == "choo"
        #else
        return kill(pid, 0) == 0
        #endif
    }

    /// Whether the run's process has not ended (it may have let the lock go).
    public var processRunning: Bool { Self.isChooRunning(Int32(record.pid)) }

    /// The exit code `choo run` gave (or will give) for a run that ended as `state` says: 0
    /// complete, 1 failed (or killed before it could say), 130 interrupted.
    public static func exitCode(of state: RunState) -> Int32 {
        switch state.outcome {
        case .complete: return 0
        case .interrupted: return 130
        case .failed, nil: return 1
        }
    }
}
