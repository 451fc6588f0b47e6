import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Proof that nothing under a folder changed between two moments, without walking it again: an
/// inotify watch (Linux) on every folder of the tree, and on chosen files themselves. A folder
/// watch sees every entry made, removed, renamed, written or changed in its attributes; a watch on
/// a file also sees it written through another path (a hard link). Reading is not a change.
///
/// choo seals a worktree it prepared once `git status` has said what it holds, and at the unit's
/// start an unbroken seal lets that status stand for one taken then. Any event, a full event
/// queue, or an error breaks it, and the caller looks again the ordinary way. Where there is no
/// inotify, or the tree has more folders than the limit, there is no seal (`init` fails).
public final class TreeSeal: Sendable {
    /// The watch's descriptor while it is open.
    private let descriptor: Mutex<Int32>

    /// How many seals are open in this process. Each holds an inotify instance, of which a user has
    /// few (128 by default) to share with every other program (editors, file watchers).
    private static let open = Atomic<Int>(0)

    /// At most this many seals are open at once; past it there is no seal.
    static let openLimit = 32

    /// Closes `descriptor`, an open seal's.
    private static func release(_ descriptor: Int32) {
        #if os(Linux)
        _ = Glibc.close(descriptor)
        #endif
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// What the folder and file watches report: anything that changes an entry or its contents.
    #if os(Linux)
    private static let folderMask = UInt32(
        IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
            | IN_MOVED_FROM | IN_MOVED_TO
    )
    private static let fileMask = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
    #endif

    /// Seals `root` and every folder under it (symbolic links are not followed), plus each file in
    /// `files` (paths relative to `root`; one missing is left out). `nil` when it cannot: no
    /// inotify, more than `folderLimit` folders, or the watches ran out.
    public init?(root: String, files: [String] = [], folderLimit: Int = 20_000) {
        #if os(Linux)
        guard Self.open.wrappingAdd(1, ordering: .relaxed).newValue <= Self.openLimit else {
            Self.open.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else {
            Self.open.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        var pending = [root]
        var folders = 0
        var sealed = true
        while sealed, let folder = pending.popLast() {
            folders += 1
            guard folders <= folderLimit,
                inotify_add_watch(descriptor, folder, Self.folderMask | UInt32(IN_ONLYDIR | IN_DONT_FOLLOW)) >= 0
            else {
                sealed = false
                break
            }
            guard let stream = opendir(folder) else {
                sealed = false
                break
            }
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let path = folder + "/" + name
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isFolder = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                if isFolder { pending.append(path) }
            }
            closedir(stream)
        }
        for file in files where sealed {
            if inotify_add_watch(descriptor, root + "/" + file, Self.fileMask | UInt32(IN_DONT_FOLLOW)) < 0,
                errno != ENOENT
            {
                sealed = false
            }
        }
        guard sealed else {
            Self.release(descriptor)
            return nil
        }
        self.descriptor = Mutex(descriptor)
        #else
        return nil
        #endif
    }

    /// Whether nothing happened under the tree since the seal was made (and nothing has broken it
    /// before). Once broken it stays broken.
    public var isUnbroken: Bool {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return false }
            #if os(Linux)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return true }
            #endif
            Self.release(descriptor)
            descriptor = -1
            return false
        }
    }

    /// Stops watching.
    public func close() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            Self.release(descriptor)
            descriptor = -1
        }
    }

    deinit { close() }
}

/// Which file is at a path and when it last changed (`lstat`): equal stamps mean the same file,
/// not written, renamed over or changed in its attributes since (to the file system's clock).
public struct FileStamp: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var changed: [Int]

    /// The stamp of what is at `path` now; `nil` when nothing is.
    public init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        changed = [
            info.st_mtimespec.tv_sec, info.st_mtimespec.tv_nsec, info.st_ctimespec.tv_sec, info.st_ctimespec.tv_nsec,
        ]
        .map { Int($0) }
        #else
        changed = [info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec].map { Int($0) }
        #endif
    }
}
