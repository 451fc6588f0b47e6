#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds executables the way a shell does, from an explicit environment rather than this process's.
public enum ExecutableLookup {
    /// The folders of `PATH` in `environment`, in order, without empty entries or repeats; a
    /// conventional default when `PATH` is unset.
    public static func searchPath(environment: [String: String]) -> [String] {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        var seen: Set<String> = []
        var folders: [String] = []
        for folder in path.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        where seen.insert(folder).inserted {
            folders.append(folder)
        }
        return folders
    }

    /// The path of the executable file `name` refers to: names containing `/` (absolute or relative
    /// to the current folder) are checked as given, other names are looked up on `PATH`.
    public static func find(_ name: String, environment: [String: String]) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        for folder in searchPath(environment: environment) {
            let candidate = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file (following links) that this process may execute.
    static func isExecutableFile(_ path: String) -> Bool {
        FileSystem.kind(of: path) == .file && access(path, X_OK) == 0
    }
}
