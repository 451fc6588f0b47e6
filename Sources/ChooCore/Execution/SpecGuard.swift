import Foundation

/// Keeps the spec tree in a unit's worktree choo's, not the agent's. The reference is a commit choo
/// trusts (the unit's last choo-made commit); after an agent turn every spec file (every unit's
/// `IMPLEMENTATION_PLAN.md` and task files, and `.choo.yaml`) is compared with it. The agent may
/// change only the `status:` of its own unit's task files; any other change is undone from the
/// reference: edited or deleted files are written back, added ones are moved aside (never deleted).
struct SpecGuard: Sendable {
    /// A spec change choo undid.
    struct Change: Sendable, Hashable, CustomStringConvertible {
        /// How the file differed from the reference.
        enum Kind: String, Sendable, Hashable {
            case added
            case removed
            case modified
        }

        /// The file, relative to the worktree.
        var path: String
        /// What the agent did to it.
        var kind: Kind

        var description: String {
            switch kind {
            case .added: "`\(path)` was added"
            case .removed: "`\(path)` was deleted"
            case .modified: "`\(path)` was changed"
            }
        }
    }

    /// The unit's worktree.
    var git: Git
    /// The tasks root relative to the worktree (`.` when it is the worktree itself).
    var tasksDirectory: String
    /// Where added spec files are moved to, keeping their relative paths.
    var setAsideFolder: String
    /// Puts files back and moves them aside (the run's ``Effects/files``).
    var files: any FileAccess

    /// The worktree folder (absolute).
    var worktree: String { git.repository }

    /// The configuration file, which is the agent's to read, not to change.
    static let configFile = ".choo.yaml"

    /// Whether `path` (relative to the worktree) is a spec file: a unit's plan, a file named like a
    /// task file in a unit folder, or the configuration file.
    static func isSpecPath(_ path: String, tasksDirectory: String) -> Bool {
        if path == configFile { return true }
        let prefix = tasksDirectory == "." || tasksDirectory.isEmpty ? "" : tasksDirectory + "/"
        guard path.hasPrefix(prefix) else { return false }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let name = String(parts[1])
        return name == SpecLoader.planFileName || (name.hasSuffix(".md") && name.first?.isNumber == true)
    }

    /// The spec files in the worktree at `root` now, relative to it (see ``isSpecPath(_:tasksDirectory:)``).
    static func specFiles(in root: String, tasksDirectory: String) -> [String] {
        let prefix = tasksDirectory == "." || tasksDirectory.isEmpty ? "" : tasksDirectory + "/"
        let manager = FileManager.default
        var found = manager.fileExists(atPath: root + "/" + configFile) ? [configFile] : []
        for folder in (try? manager.contentsOfDirectory(atPath: root + "/" + prefix)) ?? [] {
            for name in (try? manager.contentsOfDirectory(atPath: root + "/" + prefix + folder)) ?? [] {
                let path = prefix + folder + "/" + name
                if isSpecPath(path, tasksDirectory: tasksDirectory) { found.append(path) }
            }
        }
        return found
    }

    /// Whether `status` lists an ignored folder that may hold spec files (so it cannot say what they are).
    static func mayHideSpecFiles(_ status: WorktreeStatus, tasksDirectory: String) -> Bool {
        let prefix = tasksDirectory == "." || tasksDirectory.isEmpty ? "" : tasksDirectory + "/"
        return status.ignored.contains { $0.hasSuffix("/") && (prefix.hasPrefix($0) || $0.hasPrefix(prefix)) }
    }

    /// Whether `status` shows any spec file differing from HEAD, or may hide one.
    static func specFilesDiffer(_ status: WorktreeStatus, tasksDirectory: String) -> Bool {
        mayHideSpecFiles(status, tasksDirectory: tasksDirectory)
            || (status.changed + status.untracked + status.ignored).contains {
                isSpecPath($0, tasksDirectory: tasksDirectory)
            }
    }

    /// The spec files of `commit`.
    func reference(at commit: String) async throws -> [String: TreeEntry] {
        let roots = tasksDirectory == "." || tasksDirectory.isEmpty ? [] : [tasksDirectory, Self.configFile]
        var result: [String: TreeEntry] = [:]
        for entry in try await git.treeEntries(of: commit, under: roots)
        where Self.isSpecPath(entry.path, tasksDirectory: tasksDirectory) {
            result[entry.path] = entry
        }
        return result
    }

    /// The spec files in the worktree now, each with what it is (not following links).
    func current() -> [String: FileKind] {
        var result: [String: FileKind] = [:]
        let prefix = tasksDirectory == "." || tasksDirectory.isEmpty ? "" : tasksDirectory + "/"
        let root = worktree + "/" + prefix
        if let kind = files.kind(of: worktree + "/" + Self.configFile) { result[Self.configFile] = kind }
        for folder in (try? FileSystem.entries(of: root)) ?? [] where folder.kind == .directory {
            for entry in (try? FileSystem.entries(of: root + folder.name)) ?? [] {
                let path = prefix + folder.name + "/" + entry.name
                guard Self.isSpecPath(path, tasksDirectory: tasksDirectory),
                    let kind = files.kind(of: worktree + "/" + path)
                else { continue }
                result[path] = kind
            }
        }
        return result
    }

    /// The spec files that differ from `reference`, except changes to the `status:` of the task
    /// files of `statusUnit` (its folder name), which the agent may make. With `paths`, only those
    /// files are compared.
    func changes(
        from reference: [String: TreeEntry],
        allowingStatusOf statusUnit: String?,
        only paths: Set<String>? = nil
    ) async throws -> [Change] {
        var now = current()
        if let paths { now = now.filter { paths.contains($0.key) } }
        let regular = now.filter { $0.value == .regular && reference[$0.key]?.mode.hasPrefix("100") == true }
            .keys.sorted()
        let hashes = try await git.hashObjects(regular)
        let hashOf = Dictionary(uniqueKeysWithValues: zip(regular, hashes))
        return try await compare(now, with: reference, allowingStatusOf: statusUnit) { path, entry, kind in
            if let hash = hashOf[path] { return hash != entry.object }
            if entry.mode == "120000", case .link(let target) = kind {
                return try await git.blob(entry.object) != target
            }
            return true
        }
    }

    /// ``changes(from:allowingStatusOf:only:)`` when HEAD is the reference commit and `status` (with
    /// ignored files) was taken of it: `status` says which spec files differ and what HEAD has of
    /// them, so in the usual case nothing is listed, hashed or read from git at all. Returns the
    /// changes and the reference entries they need to be undone; `nil` when `status` cannot say
    /// (a conflict, a spec path inside an ignored folder), and the full comparison must be made.
    func changes(allowingStatusOf statusUnit: String?, status: WorktreeStatus) async throws
        -> (changes: [Change], reference: [String: TreeEntry])?
    {
        let isSpec = { (path: String) in Self.isSpecPath(path, tasksDirectory: tasksDirectory) }
        if Self.mayHideSpecFiles(status, tasksDirectory: tasksDirectory) { return nil }
        if status.unmerged.contains(where: isSpec) { return nil }
        var changes: [Change] = []
        for path in (status.untracked + status.ignored).filter(isSpec).sorted() {
            changes.append(Change(path: path, kind: .added))
        }
        for path in status.changed.filter(isSpec).sorted() {
            guard let entry = status.inHead[path] else {
                changes.append(Change(path: path, kind: .added))
                continue
            }
            if status.deleted.contains(path) || files.kind(of: worktree + "/" + path) == nil {
                changes.append(Change(path: path, kind: .removed))
                continue
            }
            if files.kind(of: worktree + "/" + path) == .regular, entry.mode.hasPrefix("100"), let statusUnit,
                try await onlyStatusChanged(path, entry: entry, unit: statusUnit)
            {
                continue
            }
            changes.append(Change(path: path, kind: .modified))
        }
        return (changes.sorted { $0.path < $1.path }, status.inHead)
    }

    /// The changes between the spec files `now` and `reference`: added, removed, and modified where
    /// `differs` says so, except an allowed status change.
    private func compare(
        _ now: [String: FileKind],
        with reference: [String: TreeEntry],
        allowingStatusOf statusUnit: String?,
        differs: (String, TreeEntry, FileKind) async throws -> Bool
    ) async throws -> [Change] {
        var changes: [Change] = []
        for path in Set(now.keys).union(reference.keys).sorted() {
            guard let entry = reference[path] else {
                changes.append(Change(path: path, kind: .added))
                continue
            }
            guard let kind = now[path] else {
                changes.append(Change(path: path, kind: .removed))
                continue
            }
            guard try await differs(path, entry, kind) else { continue }
            if kind == .regular, entry.mode.hasPrefix("100"), let statusUnit,
                try await onlyStatusChanged(path, entry: entry, unit: statusUnit)
            {
                continue
            }
            changes.append(Change(path: path, kind: .modified))
        }
        return changes
    }

    /// Whether the only difference between the reference and the file at `path` is the value of
    /// `status:` (set to a valid task status), and the file is a task file of `unit`.
    private func onlyStatusChanged(_ path: String, entry: TreeEntry, unit: String) async throws -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == unit,
            let name = parts.last, SpecLoader.isTaskFileName(String(name))
        else { return false }
        guard let text = try? FileSystem.readText(worktree + "/" + path) else { return false }
        let original = try await git.blob(entry.object)
        guard let split = try? Frontmatter.split(text) else { return false }
        var fields = FrontmatterFields(split, context: .init(file: path))
        if let status = fields.string("status"), TaskStatus(rawValue: status) == nil { return false }
        guard let before = try? FrontmatterEditor.remove(["status"], in: original),
            let after = try? FrontmatterEditor.remove(["status"], in: text)
        else { return false }
        return before == after
    }

    /// Undoes `changes`: writes the reference's content back for changed and deleted files and moves
    /// added ones under ``setAsideFolder``. Returns where the added files went.
    @discardableResult
    func undo(_ changes: [Change], reference: [String: TreeEntry]) async throws -> [String] {
        var movedAside: [String] = []
        for change in changes {
            let path = worktree + "/" + change.path
            switch change.kind {
            case .added:
                let destination = setAsideFolder + "/" + change.path
                try files.createParent(of: destination)
                try files.remove(destination)
                try files.move(path, to: destination)
                movedAside.append(destination)
            case .removed, .modified:
                guard let entry = reference[change.path] else { continue }
                try await write(entry, to: path)
            }
        }
        return movedAside
    }

    /// Writes the reference's version of a file at `path`, replacing whatever is there.
    private func write(_ entry: TreeEntry, to path: String) async throws {
        let content = try await git.blob(entry.object)
        if let kind = files.kind(of: path) {
            if kind == .directory {
                let aside = setAsideFolder + "/" + FileSystem.relative(path, to: worktree)
                try files.createParent(of: aside)
                try files.move(path, to: aside)
            } else {
                try files.remove(path)
            }
        }
        try files.createParent(of: path)
        if entry.mode == "120000" {
            try files.createSymbolicLink(at: path, to: content)
            return
        }
        try files.write(Array(content.utf8), to: path, executable: entry.mode == "100755")
    }
}

extension Event.SpecRestored.FileChange {
    /// How a change of `kind` is named in `unit.spec.restored` events.
    init(_ kind: SpecGuard.Change.Kind) {
        switch kind {
        case .added: self = .added
        case .removed: self = .removed
        case .modified: self = .modified
        }
    }
}
