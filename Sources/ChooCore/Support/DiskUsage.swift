#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much disk a folder takes: the blocks allocated for everything under it, as `du` counts
/// them (each file once, however many hard links it has; links themselves, not what they point to).
public enum DiskUsage {
    /// The bytes allocated under `folder`, leaving out the entries of its top level named in
    /// `excluding` (a worktree's `.git` file); `nil` when `folder` cannot be read.
    public static func bytes(of folder: String, excluding: Set<String> = []) -> Int64? {
        guard let top = opendir(folder) else { return nil }
        closedir(top)
        var seen: Set<[UInt64]> = []
        return walk(folder, excluding: excluding, seen: &seen)
    }

    private static func walk(_ folder: String, excluding: Set<String>, seen: inout Set<[UInt64]>) -> Int64 {
        guard let directory = opendir(folder) else { return 0 }
        defer { closedir(directory) }
        var total: Int64 = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || excluding.contains(name) { continue }
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_nlink > 1, (info.st_mode & S_IFMT) != S_IFDIR {
                guard seen.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { continue }
            }
            total += Int64(info.st_blocks) * 512
            if (info.st_mode & S_IFMT) == S_IFDIR { total += walk(path, excluding: [], seen: &seen) }
        }
        return total
    }

    /// `bytes` for a person: `412 MB`, `3.1 GB`, `12 KB` (powers of 1024).
    public static func describe(_ bytes: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        if index == 0 { return "\(bytes) bytes" }
        let rounded = value < 10 ? (value * 10).rounded() / 10 : value.rounded()
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return text + " " + units[index]
    }
}
