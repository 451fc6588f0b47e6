import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the process group and the tag (``ProcessTable/tagVariable``) of every child a run starts
/// in the run journal, so that the next run can stop children a killed run left behind. (Every
/// child has a session of its own, so it outlives a `kill -9` of choo; what it started carries its
/// tag even when it left the group.) Each record holds the group leader's start time from `/proc`,
/// so a process group id reused by an unrelated process is never touched.
public struct ChildProcessLedger: Sendable {
    /// What ``stopLeftovers(grace:)`` stopped.
    public struct Stopped: Sendable, Hashable {
        /// The recorded process groups that were still alive.
        public var groups: [Int32]
        /// Every process stopped, with its command line: the groups' members, and processes with
        /// an earlier run's tag that had left their groups.
        public var processes: [LeftoverProcess]

        /// Whether nothing was left running.
        public var isEmpty: Bool { groups.isEmpty && processes.isEmpty }
    }

    /// Where children are recorded.
    public let journal: RunJournal
    /// The run whose children this ledger records.
    public let run: Int64

    /// A ledger for `run` in `journal`.
    public init(journal: RunJournal, run: Int64) {
        self.journal = journal
        self.run = run
    }

    /// Stops every process group recorded by an earlier run that is still alive, and every process
    /// carrying the tag of such a child (TERM, then KILL after `grace`), and marks them ended.
    @discardableResult
    public func stopLeftovers(grace: Duration = .seconds(2)) async -> Stopped {
        let recorded = (try? journal.unendedChildren(otherThan: run)) ?? []
        let groups = recorded.filter { Self.isOurs(group: $0.group, startTime: $0.startTime) }.map(\.group)
        let tags = Set(recorded.compactMap(\.tag))
        var processes: [LeftoverProcess] = []
        if !groups.isEmpty || !tags.isEmpty {
            processes = await LeftoverSweep(
                groups: Set(groups),
                tags: tags,
                descendantsOnly: false,
                grace: grace,
                groupTerminated: nil
            ).run()
        }
        journal.closeChildren(otherThan: run)
        return Stopped(groups: groups, processes: processes)
    }

    /// A new tag for a child of this run: the run's number and a random part.
    public func newTag() -> String {
        "choo-\(run)-\(UUID().uuidString)"
    }

    /// Records a child that just started (its pid is its process group), tagged `tag`.
    public func record(_ group: Int32, tag: String? = nil) {
        guard let start = ProcessTable.entry(group)?.startTime else { return }
        journal.recordChild(run: run, group: group, startTime: start, tag: tag)
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
        guard let leaderStart = ProcessTable.entry(group)?.startTime else { return true }
        return leaderStart == startTime
    }
}

/// A runner that records every child's process group and tag in a ``ChildProcessLedger``, and its
/// end; with a bus, it publishes ``EventType/processLeftoversStopped`` for every child that left
/// processes running (the runner stopped them).
public struct LedgerRunner: ProcessRunning {
    /// The runner that does the work.
    public var inner: any ProcessRunning
    /// Where children are recorded.
    public var ledger: ChildProcessLedger
    /// Where leftovers are reported, if anywhere.
    public var bus: EventBus?
    /// The folder whose subfolders are units' worktrees: a child working in one is the unit's.
    public var worktreeBase: String?

    /// Wraps `inner`.
    public init(
        inner: any ProcessRunning,
        ledger: ChildProcessLedger,
        bus: EventBus? = nil,
        worktreeBase: String? = nil
    ) {
        self.inner = inner
        self.ledger = ledger
        self.bus = bus
        self.worktreeBase = worktreeBase
    }

    public func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws(ProcessError) -> ProcessOutcome {
        let ledger = self.ledger
        var spec = spec
        // Always a new tag: one inherited from choo's own environment would name choo's parent's child.
        let tag = ledger.newTag()
        spec.environment[ProcessTable.tagVariable] = tag
        let outcome = try await inner.run(
            spec,
            onStart: { pid in
                ledger.record(pid, tag: tag)
                onStart(pid)
            },
            onOutput: onOutput
        )
        ledger.ended(outcome.processIdentifier)
        if let bus, !outcome.leftovers.isEmpty { bus.publish(leftoversEvent(spec, outcome)) }
        return outcome
    }

    /// The event naming what the child of `spec` left running.
    private func leftoversEvent(_ spec: ProcessSpec, _ outcome: ProcessOutcome) -> Event {
        var unit: String?
        if let worktreeBase, spec.workingDirectory.hasPrefix(worktreeBase + "/") {
            unit = spec.workingDirectory.dropFirst(worktreeBase.count + 1).split(separator: "/").first.map(String.init)
        }
        // The executable only: an agent's arguments can hold the whole prompt.
        let command = spec.executable
        return Event(
            .processLeftoversStopped(
                .init(
                    command: command,
                    workingDirectory: spec.workingDirectory,
                    processGroup: Int(outcome.processIdentifier),
                    processes: outcome.leftovers
                )
            ),
            unit: unit,
            error: "stopped \(outcome.leftovers.count) process(es) that \(command) left running: "
                + outcome.leftovers.map(\.commandLine).joined(separator: "; ")
        )
    }
}
