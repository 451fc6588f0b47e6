#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path is, without following a symbolic link.
public enum FileKind: Sendable, Hashable {
    case regular
    case directory
    case link(target: String)
    case other

    /// What is at `path`, or `nil` when nothing is.
    public init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK:
            self = .link(target: FileSystem.linkTarget(of: path) ?? "")
        default: self = .other
        }
    }
}
