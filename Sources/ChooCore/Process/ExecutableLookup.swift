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

    /// Why `name` cannot be run, for a message: ``find(_:environment:)`` found nothing. A path is
    /// missing, a folder, or not executable; a name may be on `PATH` without execute permission.
    public static func whyNotFound(_ name: String, environment: [String: String]) -> NotFound {
        if name.contains("/") {
            switch FileSystem.kind(of: name) {
            case nil: return .missingPath
            case .file?: return .notExecutable(path: name)
            case .directory?, .other?: return .notAFile
            }
        }
        for folder in searchPath(environment: environment) {
            let candidate = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if FileSystem.kind(of: candidate) == .file { return .notExecutable(path: candidate) }
        }
        return .notOnPath(searched: searchPath(environment: environment))
    }

    /// Why an executable could not be found.
    public enum NotFound: Sendable, Hashable {
        /// A path that names nothing.
        case missingPath
        /// A path that names a folder or something else that is not a file.
        case notAFile
        /// A file that this process may not execute.
        case notExecutable(path: String)
        /// A name found in none of these folders.
        case notOnPath(searched: [String])

        /// The reason in a few words, e.g. "not found on PATH".
        public var summary: String {
            switch self {
            case .missingPath: "does not exist"
            case .notAFile: "not a file"
            case .notExecutable: "not executable"
            case .notOnPath: "not found on PATH"
            }
        }
    }

    /// Whether `path` is a regular file (following links) that this process may execute.
    static func isExecutableFile(_ path: String) -> Bool {
        FileSystem.kind(of: path) == .file && access(path, X_OK) == 0
    }
}
