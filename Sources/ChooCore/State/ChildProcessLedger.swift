import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the process group of every child a run starts in the run journal, so that the next run
/// can stop children a killed run left behind. (Every child has a session of its own, so it
/// outlives a `kill -9` of choo.) Each record holds the group leader's start time from `/proc`, so
/// a process group id reused by an unrelated process is never touched.
public struct ChildProcessLedger: Sendable {
    /// Where children are recorded.
    public let journal: RunJournal
    /// The run whose children this ledger records.
    public let run: Int64

    /// A ledger for `run` in `journal`.
    public init(journal: RunJournal, run: Int64) {
        self.journal = journal
        self.run = run
    }

    /// Stops every process group recorded by an earlier run that is still alive (TERM, then KILL
    /// after `grace`), and marks them ended. Returns the groups it stopped.
    @discardableResult
    public func stopLeftovers(grace: Duration = .seconds(2)) async -> [Int32] {
        let recorded = (try? journal.unendedChildren(otherThan: run)) ?? []
        var stopped: [Int32] = []
        for (group, start) in recorded where Self.isOurs(group: group, startTime: start) {
            kill(-group, SIGTERM)
            stopped.append(group)
        }
        if !stopped.isEmpty {
            let deadline = ContinuousClock.now + grace
            while stopped.contains(where: { ProcessTable.groupHasRunningMembers($0) }), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            for group in stopped where ProcessTable.groupHasRunningMembers(group) { kill(-group, SIGKILL) }
        }
        journal.closeChildren(otherThan: run)
        return stopped
    }

    /// Records a child that just started (its pid is its process group).
    public func record(_ group: Int32) {
        guard let start = Self.startTime(of: group) else { return }
        journal.recordChild(run: run, group: group, startTime: start)
    }

    /// Records that a child has ended.
    public func ended(_ group: Int32) {
        journal.recordChildEnded(run: run, group: group)
    }

    /// Whether group `group` still exists and is the one recorded: its leader has the recorded
    /// start time, or the leader is gone but members remain (the kernel does not reuse a group id
    /// while the group has members).
    static func isOurs(group: Int32, startTime: UInt64) -> Bool {
        guard ProcessTable.groupHasRunningMembers(group) else { return false }
        guard let leaderStart = Self.startTime(of: group) else { return true }
        return leaderStart == startTime
    }

    /// The start time (clock ticks since boot) of process `pid`, from `/proc/<pid>/stat`.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let bytes = try? FileSystem.readBytes("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // After "pid (comm) " come fields 3...; the start time is field 22.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }
}

/// A runner that records every child's process group in a ``ChildProcessLedger``, and its end.
public struct LedgerRunner: ProcessRunning {
    /// The runner that does the work.
    public var inner: any ProcessRunning
    /// Where children are recorded.
    public var ledger: ChildProcessLedger

    /// Wraps `inner`.
    public init(inner: any ProcessRunning, ledger: ChildProcessLedger) {
        self.inner = inner
        self.ledger = ledger
    }

    public func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (String) -> Void
    ) async throws(ProcessError) -> ProcessOutcome {
        let ledger = self.ledger
        let outcome = try await inner.run(
            spec,
            onStart: { pid in
                ledger.record(pid)
                onStart(pid)
            },
            onOutput: onOutput
        )
        ledger.ended(outcome.processIdentifier)
        return outcome
    }
}
