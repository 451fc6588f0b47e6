#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and stops what children left running: the rest of their process groups, and every
/// process carrying one of their tags (``ProcessTable/tagVariable``) even if it left the group with
/// `setsid` or a double fork. SIGTERM first, SIGKILL after the grace period; then the ones that
/// were reparented to this process are reaped.
struct LeftoverSweep {
    /// The children's process groups (a child's pid is its group's).
    var groups: Set<Int32>
    /// The children's tags.
    var tags: Set<String>
    /// Whether only this process's descendants can be leftovers: true for its own children's, when
    /// it is a child subreaper (every orphan comes to it); false for a killed run's.
    var descendantsOnly = true
    /// How long a leftover gets between SIGTERM and SIGKILL.
    var grace: Duration
    /// When choo already sent SIGTERM to the group (a timeout or a cancellation), if it did.
    var groupTerminated: ContinuousClock.Instant?
    /// How long to wait for SIGKILL to take effect before giving up.
    var killWait = Duration.seconds(5)

    private var clock: ContinuousClock { ContinuousClock() }

    /// How long a leftover caught in the middle of `exec` (no command line yet) may take to show
    /// its command line before it is stopped anyway.
    var namingWait = Duration.milliseconds(50)

    /// Stops every leftover and returns once none runs any more (or SIGKILL did not help in time),
    /// in the order they were found.
    func run() async -> [LeftoverProcess] {
        var found: [ProcessTable.Entry] = []
        var reported: [LeftoverProcess] = []
        // Found, but not signalled yet: their command lines cannot be read yet.
        var unnamed: [(entry: ProcessTable.Entry, since: ContinuousClock.Instant)] = []
        var deadline = groupTerminated.map { $0 + grace }
        var groupsSignalled = groupTerminated != nil
        var killed: ContinuousClock.Instant?
        var delay = Duration.milliseconds(1)
        while true {
            if unnamed.isEmpty && !found.contains(where: Self.stillRuns) {
                // Whatever was found has ended: look again, for processes started in the meantime.
                let new = scan().filter { entry in !found.contains { $0.pid == entry.pid } }
                if new.isEmpty && !groupsRun() { break }
                unnamed += new.map { ($0, clock.now) }
            }
            let now = clock.now
            unnamed.removeAll { entry, since in
                let commandLine = ProcessTable.commandLine(of: entry.pid)
                guard commandLine != nil || now - since >= namingWait || !Self.stillRuns(entry) else { return false }
                if killed == nil && found.isEmpty {
                    // The first leftover found gets the whole grace period from its SIGTERM.
                    deadline = deadline.map { max($0, now + grace) } ?? now + grace
                }
                found.append(entry)
                reported.append(LeftoverProcess(pid: entry.pid, commandLine: commandLine ?? "(pid \(entry.pid))"))
                Self.signal(entry, killed == nil ? SIGTERM : SIGKILL)
                return true
            }
            if !groupsSignalled && unnamed.isEmpty {
                for group in groups { ProcessTable.signalGroup(group, SIGTERM) }
                groupsSignalled = true
                deadline = deadline ?? now + grace
            }
            if killed == nil, let deadline, now >= deadline {
                for group in groups { ProcessTable.signalGroup(group, SIGKILL) }
                for entry in found { Self.signal(entry, SIGKILL) }
                killed = now
            }
            if let killed, now >= killed + killWait { break }
            // The pause runs in a task of its own, so it works in a cancelled task too.
            let pause = delay
            await Task { try? await Task.sleep(for: pause) }.value
            delay = min(delay * 2, .milliseconds(25))
        }
        OrphanReaper.reap(found)
        OrphanReaper.reapStrays()
        return reported
    }

    /// Running processes that are leftovers: they carry one of the tags, or they are in one of
    /// the groups and carry no tag (a pid reused by a new child of choo has a tag of its own).
    private func scan() -> [ProcessTable.Entry] {
        let me = getpid()
        var entries = ProcessTable.entries()
        // Orphans come to a subreaper: then every leftover descends from it.
        if descendantsOnly && OrphanReaper.isSubreaper { entries = ProcessTable.descendants(of: me, in: entries) }
        return entries.filter { entry in
            guard entry.isRunning, entry.pid != me else { return false }
            guard let tag = ProcessTable.tag(of: entry.pid) else { return groups.contains(entry.group) }
            return tags.contains(tag)
        }
    }

    /// Whether any of the groups has a running member.
    private func groupsRun() -> Bool {
        groups.contains { ProcessTable.groupHasRunningMembers($0) }
    }

    /// Whether `entry` is still the same process and still runs.
    private static func stillRuns(_ entry: ProcessTable.Entry) -> Bool {
        guard let now = ProcessTable.entry(entry.pid) else { return false }
        return now.startTime == entry.startTime && now.isRunning
    }

    /// Sends `signal` to `entry` if it is still the same process.
    private static func signal(_ entry: ProcessTable.Entry, _ signal: Int32) {
        if stillRuns(entry) { _ = kill(entry.pid, signal) }
    }
}
