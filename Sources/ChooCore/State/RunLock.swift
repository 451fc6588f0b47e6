import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `choo run` at a time per repository: an exclusive `flock` on `<worktree base>/choo.lock`,
/// held for the whole run. The kernel releases it when the process ends in any way, `kill -9`
/// included, so a lock left by a dead process is taken over by the next run without ceremony.
/// The file also records who holds it, for the message the second run prints.
public final class RunLock: Sendable {
    /// Why the lock could not be taken.
    public enum LockError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Another live process holds it.
        case held(path: String, holder: String)
        /// The lock file could not be opened.
        case unavailable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let holder):
                return "another choo run is already running in this repository (\(holder)); wait for it to "
                    + "finish or stop it with Ctrl-C. Lock: \(path)"
            case .unavailable(let path, let reason):
                return "could not open the run lock \(path): \(reason)"
            }
        }
    }

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// The lock file's name inside the worktree base.
    public static let fileName = "choo.lock"

    /// Takes the lock in `folder` (which must exist) or throws, naming the process that holds it.
    /// `startedAt` (the run's ``Effects/clock``) and `command` are recorded for that message.
    public init(
        in folder: String,
        startedAt: Date,
        command: String = CommandLine.arguments.joined(separator: " ")
    ) throws(LockError) {
        path = folder + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .unavailable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? FileSystem.readText(path)).map(Self.describeHolder) ?? "another process"
            close(descriptor)
            throw .held(path: path, holder: holder)
        }
        self.descriptor = descriptor
        let record = "pid \(getpid()), started \(Timestamp(startedAt).description): \(command)\n"
        _ = ftruncate(descriptor, 0)
        _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Who holds the lock in `folder` right now, or `nil` when nobody does. Writes nothing and
    /// creates nothing (for read-only callers such as a dry run).
    public static func holder(in folder: String) -> String? {
        let path = folder + "/" + fileName
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            return (try? FileSystem.readText(path)).map(describeHolder) ?? "another process"
        }
        _ = flock(descriptor, LOCK_UN)
        return nil
    }

    /// The process that holds the lock in `folder` right now, as its lock file records it; `nil`
    /// when nobody holds it (or the record does not name a pid).
    public static func holderProcess(in folder: String) -> Int32? {
        guard let holder = holder(in: folder), holder.hasPrefix("pid ") else { return nil }
        return Int32(holder.dropFirst(4).prefix { $0.isNumber })
    }

    /// Releases the lock (also done when the process ends).
    public func release() {
        _ = flock(descriptor, LOCK_UN)
    }

    deinit {
        close(descriptor)
    }

    private static func describeHolder(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "another process" : line
    }
}
