#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much lower than choo's own the CPU priority of the processes a task starts is: its
/// niceness, added to choo's. The run gives units' work (agents, checks, the git commands around
/// them) a niceness and the merge queue none, so the one landing at a time, which every unit
/// waits for, is not starved of CPU by the parallel work beside it.
public enum ProcessPriority {
    /// The niceness, for processes started by the current task and the tasks it starts.
    @TaskLocal public static var niceness: Int32 = 0

    /// Lowers the priority of the process group `pid` leads (just started, in a session of its own)
    /// by `niceness`; nothing for 0. What the group's members start from then on inherits it. A
    /// failure leaves the group at choo's priority.
    static func lower(_ pid: Int32, by niceness: Int32) {
        guard niceness > 0 else { return }
        errno = 0
        let own = getpriority(Self.which(PRIO_PROCESS), 0)
        guard errno == 0 else { return }
        _ = setpriority(Self.which(PRIO_PGRP), id_t(pid), min(19, own + niceness))
    }

    #if canImport(Glibc)
    /// glibc declares the `which` of get/setpriority as an enum but takes an `Int32`.
    private static func which(_ value: __priority_which) -> __priority_which_t { __priority_which_t(value.rawValue) }
    #else
    private static func which(_ value: Int32) -> Int32 { value }
    #endif
}
