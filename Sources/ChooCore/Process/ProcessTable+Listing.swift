#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ProcessTable {
    /// One line of the process table, from `/proc/<pid>/stat`.
    package struct Entry: Sendable, Hashable {
        /// The process ID.
        package var pid: Int32
        /// The state letter (`R`, `S`, `Z` for a zombie, ...).
        package var state: Character
        /// The parent's process ID.
        package var parent: Int32
        /// The process group ID.
        package var group: Int32
        /// When it started, in clock ticks since boot: with the pid, it names one process for good.
        package var startTime: UInt64

        /// Whether it still runs: it is neither a zombie nor dead.
        package var isRunning: Bool { state != "Z" && state != "X" }
    }

    /// The name of the environment variable that marks every child of choo and, because
    /// environments are inherited, everything that child starts.
    package static let tagVariable = "CHOO_PROCESS_TAG"

    /// Every process in the table (Linux; elsewhere, none).
    package static func entries() -> [Entry] {
        #if os(Linux)
        guard let names = try? FileSystem.entries(of: "/proc") else { return [] }
        return names.compactMap { name in Int32(name.name).flatMap(entry) }
        #else
        return []
        #endif
    }

    /// The process table's line for `pid`, if there is such a process.
    package static func entry(_ pid: Int32) -> Entry? {
        #if os(Linux)
        guard let bytes = try? FileSystem.readBytes("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // After "pid (comm) ": state, ppid, pgrp, session, ...; the start time is the 20th field.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        func number<Value: FixedWidthInteger>(_ index: Int) -> Value? {
            fields.count > index ? Value(String(decoding: fields[index], as: UTF8.self)) : nil
        }
        guard let state = fields.first?.first, let parent: Int32 = number(1), let group: Int32 = number(2),
            let startTime: UInt64 = number(19)
        else { return nil }
        return Entry(
            pid: pid,
            state: Character(Unicode.Scalar(state)),
            parent: parent,
            group: group,
            startTime: startTime
        )
        #else
        return nil
        #endif
    }

    /// The value of ``tagVariable`` in the environment `pid` started with; `nil` when it has
    /// none, or the environment cannot be read (another user's process, a zombie).
    package static func tag(of pid: Int32) -> String? {
        guard let bytes = try? FileSystem.readBytes("/proc/\(pid)/environ") else { return nil }
        let prefix = Array((tagVariable + "=").utf8)
        for variable in bytes.split(separator: 0) where variable.starts(with: prefix) {
            return String(decoding: variable.dropFirst(prefix.count), as: UTF8.self)
        }
        return nil
    }

    /// The command line of `pid`, its arguments joined by spaces; `nil` when it cannot be read.
    package static func commandLine(of pid: Int32) -> String? {
        guard let bytes = try? FileSystem.readBytes("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    /// The processes in `entries` that descend from `ancestor` (its children, theirs, and so on).
    package static func descendants(of ancestor: Int32, in entries: [Entry]) -> [Entry] {
        var children: [Int32: [Entry]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry) }
        var found: [Entry] = []
        var pending = children[ancestor] ?? []
        while let next = pending.popLast() {
            found.append(next)
            pending += children[next.pid] ?? []
        }
        return found
    }
}
