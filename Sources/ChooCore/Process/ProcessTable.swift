#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Questions about processes and process groups, asked of the system without waiting.
package enum ProcessTable {
    /// Whether `pid` is a process that is still running (not gone, and not a zombie waiting to be
    /// reaped by its parent).
    package static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        return entry(pid)?.isRunning ?? false
        #else
        return true
        #endif
    }

    /// Whether any process in process group `group` is still running (zombies do not count).
    package static func groupHasRunningMembers(_ group: Int32) -> Bool {
        guard kill(-group, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        return entries().contains { $0.group == group && $0.isRunning }
        #else
        return true
        #endif
    }

    /// Whether child process `pid` has exited, without reaping it (the launcher still reaps it).
    static func childHasExited(_ pid: Int32) -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        if result != 0 { return errno == ECHILD }
        #if os(Linux)
        return info._sifields._sigchld.si_pid == pid
        #else
        return info.si_pid == pid
        #endif
    }

    /// Sends `signal` to every process in group `group`; a group that is already gone is fine.
    static func signalGroup(_ group: Int32, _ signal: Int32) {
        _ = kill(-group, signal)
    }
}
