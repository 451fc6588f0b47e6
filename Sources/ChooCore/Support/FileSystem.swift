#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Minimal, fast file-system reads used by discovery: directory listings with entry kinds, and
/// whole-file reads that say why they failed. Paths are plain strings (POSIX).
public enum FileSystem {
    /// What a directory entry is.
    public enum EntryKind: Sendable, Hashable {
        case file
        case directory
        case other
    }

    /// One directory entry.
    public struct Entry: Sendable, Hashable {
        /// The entry's name inside its folder.
        public var name: String
        /// What it is, following symbolic links.
        public var kind: EntryKind
    }

    /// Why a read failed.
    public struct ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The system's reason, e.g. "Permission denied", or "not valid UTF-8 text".
        public var reason: String
        public var description: String { reason }
    }

    /// What `path` is, following symbolic links; `nil` when nothing is there (or a link is dangling).
    public static func kind(of path: String) -> EntryKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Whether something (a file, folder or anything else) exists at `path`.
    public static func exists(_ path: String) -> Bool { kind(of: path) != nil }

    /// The entries of the folder at `path`, sorted by name, without `.` and `..`.
    public static func entries(of path: String) throws(ReadError) -> [Entry] {
        guard let directory = opendir(path) else { throw ReadError(reason: lastError()) }
        defer { closedir(directory) }
        var result: [Entry] = []
        while let pointer = readdir(directory) {
            let name = withUnsafePointer(to: pointer.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: EntryKind
            switch Int32(pointer.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK), Int32(DT_UNKNOWN): kind = Self.kind(of: path + "/" + name) ?? .other
            default: kind = .other
            }
            result.append(Entry(name: name, kind: kind))
        }
        result.sort { $0.name < $1.name }
        return result
    }

    /// The whole file at `path` as UTF-8 text.
    public static func readText(_ path: String) throws(ReadError) -> String {
        let bytes = try readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(reason: "not valid UTF-8 text")
        }
        return text
    }

    /// The whole file at `path`.
    public static func readBytes(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(reason: lastError()) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ReadError(reason: lastError()) }
        if info.st_mode & S_IFMT == S_IFDIR { throw ReadError(reason: "it is a folder, not a file") }
        var buffer = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let capacity = buffer.count - count
            let readCount = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress.map { $0 + count }, capacity)
            }
            if readCount < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: lastError())
            }
            if readCount == 0 { break }
            count += readCount
        }
        buffer.removeSubrange(count...)
        return buffer
    }

    /// `path` made absolute against `base` and normalised (no `.`, `..` or doubled slashes).
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` relative to `root` when it lies inside it, otherwise `path` unchanged.
    public static func relative(_ path: String, to root: String) -> String {
        if path == root { return "." }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The nearest folder at or above `start` that holds a `.git` entry, if any.
    public static func repositoryRoot(containing start: String) -> String? {
        var current = start
        while true {
            if exists(current + "/.git") { return current }
            guard current != "/", let slash = current.lastIndex(of: "/") else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    /// The current working directory.
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
