import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system, through POSIX calls (and `FileManager` only to move across file systems
/// and to remove a folder with its contents).
public struct SystemFileAccess: FileAccess {
    /// The local file system.
    public init() {}

    public func kind(of path: String) -> FileKind? { FileKind(path: path) }

    public func readBytes(_ path: String) throws(FileError) -> [UInt8] {
        do {
            return try FileSystem.readBytes(path)
        } catch {
            throw FileError(operation: "read", path: path, reason: error.reason)
        }
    }

    public func write(_ bytes: [UInt8], to path: String, executable: Bool) throws(FileError) {
        let mode: mode_t = executable ? 0o755 : 0o644
        let temporary = path + ".choo-" + String(UInt64.random(in: 0 ... .max), radix: 36)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("write", path) }
        // The mode exactly, whatever the umask.
        guard bytes.withUnsafeBytes({ FileSystem.writeAll($0, to: descriptor) }), fchmod(descriptor, mode) == 0 else {
            let error = failure("write", path)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = failure("write", path)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("write", path)
            unlink(temporary)
            throw error
        }
    }

    public func createDirectory(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw failure("create the folder", path)
            }
        }
        guard FileSystem.kind(of: path) == .directory else {
            throw FileError(operation: "create the folder", path: path, reason: "something else is in the way")
        }
    }

    public func move(_ source: String, to destination: String) throws(FileError) {
        guard FileKind(path: destination) == nil else {
            throw FileError(operation: "move", path: source, reason: "\(destination) exists")
        }
        guard rename(source, destination) != 0 else { return }
        guard errno == EXDEV else { throw failure("move", source, to: destination) }
        do {
            try FileManager.default.moveItem(atPath: source, toPath: destination)
        } catch {
            throw FileError(operation: "move", path: source, reason: "to \(destination): \(error)")
        }
    }

    public func remove(_ path: String) throws(FileError) {
        guard let kind = FileKind(path: path) else { return }
        if kind != .directory {
            guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove", path) }
            return
        }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw FileError(operation: "remove", path: path, reason: "\(error)")
        }
    }

    public func names(in folder: String) throws(FileError) -> [String] {
        do {
            return try FileSystem.entries(of: folder).map(\.name)
        } catch {
            throw FileError(operation: "list", path: folder, reason: error.reason)
        }
    }

    public func createSymbolicLink(at path: String, to target: String) throws(FileError) {
        guard symlink(target, path) == 0 else { throw failure("create the symbolic link", path) }
    }

    /// The error for the system call that just failed.
    private func failure(_ operation: String, _ path: String, to destination: String? = nil) -> FileError {
        let reason = String(cString: strerror(errno))
        return FileError(operation: operation, path: path, reason: destination.map { "to \($0): " + reason } ?? reason)
    }
}
