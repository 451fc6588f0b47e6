import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers the process group of every child a run starts, in `<worktree base>/choo.children`,
/// so that the next run can stop children a killed run left behind. (Every child has a session of
/// its own, so they outlive a `kill -9` of choo.) Each line is `pgid starttime`: the group leader's
/// start time from `/proc`, so a process group id reused by an unrelated process is never touched.
public final class ChildProcessLedger: Sendable {
    /// The ledger file.
    public let path: String
    private let lock = Mutex(())

    /// The ledger's file name inside the worktree base.
    public static let fileName = "choo.children"

    /// A ledger in `folder`.
    public init(in folder: String) {
        path = folder + "/" + Self.fileName
    }

    /// Stops every process group recorded by an earlier run that is still alive (TERM, then KILL
    /// after `grace`), then empties the ledger. Returns the groups it stopped.
    @discardableResult
    public func stopLeftovers(grace: Duration = .seconds(2)) async -> [Int32] {
        let text = (try? FileSystem.readText(path)) ?? ""
        var stopped: [Int32] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let group = Int32(fields[0]), let start = UInt64(fields[1]) else { continue }
            guard Self.isOurs(group: group, startTime: start) else { continue }
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
        _ = try? "".write(toFile: path, atomically: true, encoding: .utf8)
        return stopped
    }

    /// Records a child that just started (its pid is its process group).
    public func record(_ group: Int32) {
        guard let start = Self.startTime(of: group) else { return }
        let line = "\(group) \(start)\n"
        lock.withLock { _ in
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return }
            _ = line.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
        }
    }

    /// Empties the ledger at the end of a run whose children have all ended.
    public func clear() {
        lock.withLock { _ in _ = try? "".write(toFile: path, atomically: true, encoding: .utf8) }
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

/// A runner that records every child's process group in a ``ChildProcessLedger``.
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
        return try await inner.run(
            spec,
            onStart: { pid in
                ledger.record(pid)
                onStart(pid)
            },
            onOutput: onOutput
        )
    }
}
