import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells when the journal's files change, whichever process writes them: inotify on the journal's
/// folder (Linux), for `choo.sqlite` and its `-wal`, and a slow poll of their sizes and times as a
/// fallback (and the only way elsewhere). Each change bumps a version; ``changed(after:)`` awaits
/// a version newer than the one a reader has seen.
public final class JournalWatcher: Sendable {
    private struct State {
        var version = 0
        var stopped = false
        var waiters: [Int: CheckedContinuation<Int, Never>] = [:]
        var nextWaiter = 0
        var fingerprint = ""
    }

    private let folder: String
    private let fallback: Duration
    private let state = Mutex(State())
    /// The pipe whose write end stops the watching thread.
    private let stopPipe: (read: Int32, write: Int32)

    /// A watcher of the journal in `folder`, polling every `fallback` besides inotify.
    public init(folder: String, fallback: Duration = .seconds(2)) {
        self.folder = folder
        self.fallback = fallback
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        stopPipe = (fds[0], fds[1])
        state.withLock { $0.fingerprint = Self.fingerprint(folder) }
    }

    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    /// Starts the watching thread.
    public func start() {
        let thread = Thread { [self] in watch() }
        thread.name = "choo journal watcher"
        thread.start()
    }

    /// Stops watching; every waiter returns.
    public func stop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            guard !state.stopped else { return [] }
            state.stopped = true
            state.version += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        for waiter in waiters { waiter.resume(returning: Int.max) }
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { state.withLock { $0.stopped } }

    /// The current version.
    public var version: Int { state.withLock { $0.version } }

    /// Records a change (the watching thread, or a writer in this process that knows).
    public func notify() {
        let (version, waiters) = state.withLock { state -> (Int, [CheckedContinuation<Int, Never>]) in
            state.version += 1
            defer { state.waiters = [:] }
            return (state.version, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume(returning: version) }
    }

    /// A version newer than `seen`, once there is one; at once when the task is cancelled or the
    /// watcher stopped.
    public func changed(after seen: Int) async -> Int {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Int? in
                    if state.version > seen || state.stopped || Task.isCancelled { return state.version }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: version)
        }
    }

    /// The journal files' sizes and modification times, for the fallback poll.
    private static func fingerprint(_ folder: String) -> String {
        var text = ""
        for name in ["choo.sqlite", "choo.sqlite-wal"] {
            var info = stat()
            guard stat(folder + "/" + name, &info) == 0 else { continue }
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            text += "\(name):\(info.st_size):\(modified.tv_sec).\(modified.tv_nsec);"
        }
        return text
    }

    /// Notifies when the fingerprint changed since the last look.
    private func pollFingerprint() {
        let now = Self.fingerprint(folder)
        let changed = state.withLock { state in
            defer { state.fingerprint = now }
            return state.fingerprint != now
        }
        if changed { notify() }
    }

    /// The watching thread's loop, until ``stop()``.
    private func watch() {
        let timeout = Int32(
            fallback.components.seconds * 1000 + fallback.components.attoseconds / 1_000_000_000_000_000
        )
        #if canImport(Glibc)
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if inotify >= 0 {
            _ = inotify_add_watch(inotify, folder, UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE))
        }
        defer { if inotify >= 0 { close(inotify) } }
        #else
        let inotify: Int32 = -1
        #endif
        var buffer = [UInt8](repeating: 0, count: 8192)
        while !isStopped {
            var fds = [pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            if inotify >= 0 { fds.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if isStopped { break }
            guard ready > 0, fds.count > 1, fds[1].revents & Int16(POLLIN) != 0 else {
                pollFingerprint()
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count > 0, Self.namesJournal(buffer, count: count) {
                state.withLock { $0.fingerprint = Self.fingerprint(folder) }
                notify()
            }
        }
    }

    /// Whether an inotify event in `buffer` is about one of the journal's files.
    private static func namesJournal(_ buffer: [UInt8], count: Int) -> Bool {
        #if canImport(Glibc)
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
            let length = buffer.withUnsafeBytes { raw in
                Int(raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self).len)
            }
            let start = offset + header
            let nameBytes = buffer[start ..< min(count, start + length)].prefix { $0 != 0 }
            if String(decoding: nameBytes, as: UTF8.self).hasPrefix("choo.sqlite") { return true }
            offset = start + length
        }
        return false
        #else
        return true
        #endif
    }
}
