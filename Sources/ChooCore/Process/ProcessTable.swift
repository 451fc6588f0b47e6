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
        guard let state = status(of: pid) else { return false }
        return state.state != "Z" && state.state != "X"
        #else
        return true
        #endif
    }

    /// Whether any process in process group `group` is still running (zombies do not count).
    package static func groupHasRunningMembers(_ group: Int32) -> Bool {
        guard kill(-group, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        guard let entries = try? FileSystem.entries(of: "/proc") else { return true }
        for entry in entries where entry.kind == .directory {
            guard let pid = Int32(entry.name), let state = status(of: pid) else { continue }
            if state.group == group && state.state != "Z" && state.state != "X" { return true }
        }
        return false
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

    #if os(Linux)
    /// The state letter and process group of `pid`, from `/proc/<pid>/stat`.
    private static func status(of pid: Int32) -> (state: Character, group: Int32)? {
        guard let bytes = try? FileSystem.readBytes("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // After "pid (comm) ": state, ppid, pgrp, ...
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, let state = fields[0].first,
            let group = Int32(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (Character(Unicode.Scalar(state)), group)
    }
    #endif
}
