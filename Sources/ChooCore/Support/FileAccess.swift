/// The file operations the engine performs in worktrees, its own folders under the worktree base
/// and new repositories: the seam tests swap (``Effects/files``). Paths are absolute POSIX paths.
/// Reading the spec tree and the configuration is not here: that is input, read with
/// ``FileSystem``.
public protocol FileAccess: Sendable {
    /// What is at `path`, not following a final symbolic link; `nil` when nothing is there.
    func kind(of path: String) -> FileKind?
    /// The whole file at `path` (following symbolic links).
    func readBytes(_ path: String) throws(FileError) -> [UInt8]
    /// Replaces the file at `path` (its folder must exist) with `bytes`, atomically: a reader sees
    /// the old content or the new, never part of it. The file gets mode 755 when `executable`,
    /// else 644.
    func write(_ bytes: [UInt8], to path: String, executable: Bool) throws(FileError)
    /// Creates the folder at `path` and any missing parents; does nothing when it exists.
    func createDirectory(_ path: String) throws(FileError)
    /// Moves what is at `source` to `destination`, which must not exist (nothing is overwritten).
    func move(_ source: String, to destination: String) throws(FileError)
    /// Removes what is at `path`, a folder with everything in it; does nothing when nothing is there.
    func remove(_ path: String) throws(FileError)
    /// The names of the entries of the folder `path`, sorted, without `.` and `..`.
    func names(in folder: String) throws(FileError) -> [String]
    /// Makes `path` a symbolic link to `target`.
    func createSymbolicLink(at path: String, to target: String) throws(FileError)
}

extension FileAccess {
    /// Whether anything (a file, folder, link or anything else) is at `path`.
    public func exists(_ path: String) -> Bool { kind(of: path) != nil }

    /// The whole file at `path` as UTF-8 text.
    public func readText(_ path: String) throws(FileError) -> String {
        guard let text = String(validating: try readBytes(path), as: UTF8.self) else {
            throw FileError(operation: "read", path: path, reason: "not valid UTF-8 text")
        }
        return text
    }

    /// Replaces the file at `path` with `text` (mode 644), atomically.
    public func write(_ text: String, to path: String) throws(FileError) {
        try write(Array(text.utf8), to: path, executable: false)
    }

    /// Creates the folder that holds `path` (a folder's path may end in `/`), with any missing parents.
    public func createParent(of path: String) throws(FileError) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/"), slash != trimmed.startIndex else { return }
        try createDirectory(String(trimmed[..<slash]))
    }

    /// Every entry under `folder` that is not a folder (files, symbolic links, anything else), as
    /// paths relative to it, sorted; folders are descended into, symbolic links never are.
    public func contents(under folder: String) throws(FileError) -> [String] {
        var result: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            for name in try names(in: relative.isEmpty ? folder : folder + "/" + relative) {
                let path = relative.isEmpty ? name : relative + "/" + name
                if kind(of: folder + "/" + path) == .directory {
                    pending.append(path)
                } else {
                    result.append(path)
                }
            }
        }
        return result.sorted()
    }
}
