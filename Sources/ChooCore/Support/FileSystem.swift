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
        /// What the user can do about it, when choo knows better than a generic hint.
        public var hint: String?

        /// Creates a read error.
        public init(reason: String, hint: String? = nil) {
            self.reason = reason
            self.hint = hint
        }

        public var description: String { reason }
    }

    /// The largest spec file (task file, `IMPLEMENTATION_PLAN.md`, `.choo.yaml`) choo reads: 1 MiB.
    public static let specFileSizeLimit = 1 << 20

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
        return try readAll(descriptor, expected: Int(info.st_size), limit: Int.max - 1)
    }

    /// The whole file at `path` as UTF-8 text, when it is a regular file (or a symbolic link to one) of at
    /// most `limit` bytes.
    ///
    /// Anything else (a named pipe, a device, a socket, a folder, or a link to one) is refused without
    /// blocking and without reading a byte: the file is opened non-blocking, and the open descriptor's
    /// `fstat` decides, so nothing can be swapped in between the check and the read.
    public static func readRegularText(_ path: String, limit: Int = specFileSizeLimit) throws(ReadError) -> String {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let reason = lastError()
            // A socket cannot be opened at all, and a dangling link reads as "no such file".
            if let what = describe(path, mode: nil) { throw refusal(what) }
            throw ReadError(reason: reason)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ReadError(reason: lastError()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw refusal(describe(path, mode: info.st_mode) ?? "it is not a regular file")
        }
        let tooLarge = ReadError(
            reason: "it is \(info.st_size) bytes, over the \(describeSize(limit)) limit for spec files",
            hint: "keep spec files small: move large content to another file and name its path in the task"
        )
        guard Int(info.st_size) <= limit else { throw tooLarge }
        let bytes = try readAll(descriptor, expected: Int(info.st_size), limit: limit)
        // The file may have grown since `fstat`.
        guard bytes.count <= limit else { throw tooLarge }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(reason: "not valid UTF-8 text")
        }
        return text
    }

    /// Reads `descriptor` to its end, or until it has more than `limit` bytes (then it returns `limit + 1`).
    private static func readAll(_ descriptor: Int32, expected: Int, limit: Int) throws(ReadError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: min(max(expected, 0), limit) + 1)
        var count = 0
        while count <= limit {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let capacity = min(buffer.count, limit + 1) - count
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

    /// A refusal to read something that is not a regular file.
    private static func refusal(_ what: String) -> ReadError {
        ReadError(
            reason: what + ", not a regular file; choo does not read it",
            hint: "replace it with a regular text file (a symbolic link to one is fine)"
        )
    }

    /// What is at `path` when it is not a regular file, e.g. "it is a named pipe (FIFO)" or "it is a
    /// symbolic link to `/dev/zero`, a character device"; `nil` when nothing explains a failure better.
    /// `mode` is what `fstat` said about the opened file, if it could be opened.
    private static func describe(_ path: String, mode: mode_t?) -> String? {
        var linkInfo = stat()
        guard lstat(path, &linkInfo) == 0 else { return nil }
        guard linkInfo.st_mode & S_IFMT == S_IFLNK else {
            let found = mode ?? linkInfo.st_mode
            return found & S_IFMT == S_IFREG ? nil : "it is " + name(of: found)
        }
        let shown = linkTarget(of: path).map { "`" + $0 + "`" } ?? "something"
        var info = stat()
        guard let found = mode ?? (stat(path, &info) == 0 ? info.st_mode : nil) else {
            return "it is a symbolic link to \(shown), which does not exist"
        }
        return found & S_IFMT == S_IFREG ? nil : "it is a symbolic link to \(shown), " + name(of: found)
    }

    /// The target of the symbolic link at `path`, as written in the link; `nil` when `path` is not one.
    public static func linkTarget(of path: String) -> String? {
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &target, target.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes all of `buffer` to `descriptor`, going on after interruptions; false (with `errno`
    /// set) when a write fails.
    public static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Whether the file at `path` (following links) has its owner's execute bit set.
    public static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & S_IXUSR != 0
    }

    /// A file type in words, with its article.
    private static func name(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        case S_IFREG: return "a regular file"
        default: return "a special file"
        }
    }

    /// `bytes` in words: "1 MiB", "512 KiB" or "100 bytes".
    private static func describeSize(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
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
