import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes this process the parent of its children's orphans (Linux's child subreaper), so a
/// process that double-forks or calls `setsid` out of its unit's process group is still choo's
/// descendant, and reaps the orphans that end here.
///
/// swift-subprocess reaps each child it started by its own pid (`waitid(P_PID)`/`P_PIDFD`, never
/// `-1`), so an orphan is reaped by pid too, and only when it cannot be one of those children.
package enum OrphanReaper {
    private struct State {
        /// Whether `prctl(PR_SET_CHILD_SUBREAPER)` was attempted, and whether it worked.
        var subreaper: Bool?
        /// Whether every child of this process is started by ``SystemProcessRunner`` (the `choo`
        /// executable), so any other zombie child is an orphan that may be reaped.
        var ownsEveryChild = false
        /// Launches under way whose pid is not known yet.
        var launching = 0
        /// Children started through ``SystemProcessRunner`` and not reaped yet.
        var children: Set<Int32> = []
    }

    private static let state = Mutex(State())

    /// Makes this process a child subreaper, once (later calls only update `ownsEveryChild`).
    /// Returns whether it is one. With `ownsEveryChild`, the caller promises that it starts
    /// children only through ``SystemProcessRunner``, so zombies among its children that the
    /// runner did not start are orphans, reaped whenever a run ends.
    @discardableResult
    package static func adoptOrphans(ownsEveryChild: Bool = false) -> Bool {
        state.withLock { state in
            if ownsEveryChild { state.ownsEveryChild = true }
            if let subreaper = state.subreaper { return subreaper }
            let subreaper = becomeSubreaper()
            state.subreaper = subreaper
            return subreaper
        }
    }

    /// Whether this process is a child subreaper (orphans of its descendants become its children).
    package static var isSubreaper: Bool { state.withLock { $0.subreaper ?? false } }

    /// Notes that a child is about to be started; its pid follows in ``launched(_:)``, or
    /// ``launchEnded(_:)`` comes with `nil` if it never started.
    static func willLaunch() {
        state.withLock { $0.launching += 1 }
    }

    /// Notes the pid of the child announced with ``willLaunch()``.
    static func launched(_ pid: Int32) {
        state.withLock { state in
            state.launching -= 1
            state.children.insert(pid)
        }
    }

    /// Notes that the launcher is done with a child: `pid` was reaped, or (`nil`) it never started.
    static func launchEnded(_ pid: Int32?) {
        state.withLock { state in
            if let pid {
                state.children.remove(pid)
            } else {
                state.launching -= 1
            }
        }
    }

    /// Reaps each of `processes` that has ended and is a zombie child of this process (an orphan
    /// that was reparented here). The start time makes sure a pid is still the process it was.
    static func reap(_ processes: [ProcessTable.Entry]) {
        let me = getpid()
        var pending = processes
        var progress = true
        // Reaping a zombie hands its own zombie children to this process: go round until none is left.
        while progress && !pending.isEmpty {
            progress = false
            pending.removeAll { process in
                guard let now = ProcessTable.entry(process.pid), now.startTime == process.startTime else { return true }
                guard !now.isRunning, now.parent == me else { return false }
                progress = waitpid(process.pid, nil, WNOHANG) == process.pid || progress
                return true
            }
        }
    }

    /// When this process owns every child and no launch is under way: reaps every zombie child
    /// that ``SystemProcessRunner`` did not start (orphans that ended by themselves).
    static func reapStrays() {
        let me = getpid()
        state.withLock { state in
            guard state.ownsEveryChild, state.subreaper == true, state.launching == 0 else { return }
            for entry in ProcessTable.entries()
            where entry.parent == me && !entry.isRunning && !state.children.contains(entry.pid) {
                _ = waitpid(entry.pid, nil, WNOHANG)
            }
        }
    }

    private static func becomeSubreaper() -> Bool {
        #if os(Linux)
        // prctl is variadic, which Swift does not import; call it through a fixed signature.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") else { return false }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        let setChildSubreaper: Int32 = 36  // PR_SET_CHILD_SUBREAPER, from <linux/prctl.h>
        return prctl(setChildSubreaper, 1, 0, 0, 0) == 0
        #else
        return false
        #endif
    }
}
