import Foundation

/// One entry of a tree: a file's mode, object id and repository-relative path.
public struct TreeEntry: Sendable, Hashable {
    /// The git mode, e.g. `100644`, `100755` or `120000` (a symbolic link).
    public var mode: String
    /// The blob's object id.
    public var object: String
    /// The path relative to the top of the working tree.
    public var path: String
}

extension Git {
    /// The files (blobs) of `commit` under `paths` (all of them when empty), with their modes.
    public func treeEntries(of commit: String, under paths: [String]) async throws(GitError) -> [TreeEntry] {
        let output = try await run(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit, "--"] + paths)
        return output.split(separator: "\0").compactMap { record in
            // `<mode> SP <type> SP <object> TAB <path>`
            guard let tab = record.firstIndex(of: "\t") else { return nil }
            let fields = record[..<tab].split(separator: " ")
            guard fields.count == 3, fields[1] == "blob" else { return nil }
            return TreeEntry(
                mode: String(fields[0]),
                object: String(fields[2]),
                path: String(record[record.index(after: tab)...])
            )
        }
    }

    /// The object ids `git add` would give the files at `paths` (relative to ``repository``), in
    /// order, from one process (a few hundred at a time when a name holds a newline). Without
    /// `applyingFilters`, the bytes on disk are hashed as they are (no line-ending conversion or
    /// clean filter): a fingerprint of the file itself.
    public func hashObjects(_ paths: [String], applyingFilters: Bool = true) async throws(GitError) -> [String] {
        guard !paths.isEmpty else { return [] }
        let command = ["hash-object"] + (applyingFilters ? [] : ["--no-filters"])
        guard paths.contains(where: { $0.contains("\n") }) else {
            let output = try await run(command + ["--stdin-paths"], input: paths.joined(separator: "\n") + "\n")
            return output.split(separator: "\n").map(String.init)
        }
        // `--stdin-paths` reads a path a line; such names go as arguments instead.
        var hashes: [String] = []
        var start = 0
        while start < paths.count {
            let batch = Array(paths[start ..< min(start + 200, paths.count)])
            hashes += try await run(command + ["--"] + batch).split(separator: "\n").map(String.init)
            start += batch.count
        }
        return hashes
    }

    /// The contents of the blobs `objects`, in order, from one `git cat-file --batch`.
    public func blobs(_ objects: [String]) async throws(GitError) -> [String] {
        guard !objects.isEmpty else { return [] }
        let result = try await execute(["cat-file", "--batch"], input: objects.joined(separator: "\n") + "\n")
        guard result.outcome.termination == .exited(0) else { throw failure(result) }
        // Each object: `<object> blob <size>\n<size bytes>\n`.
        let bytes = Array(result.outcome.output.utf8)
        var contents: [String] = []
        var index = 0
        while index < bytes.count, contents.count < objects.count {
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: bytes[index ..< end], as: UTF8.self).split(separator: " ")
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]), end + 1 + size <= bytes.count
            else {
                throw .unexpectedOutput(
                    command: ["git", "cat-file", "--batch"],
                    output: String(header.joined(separator: " "))
                )
            }
            contents.append(String(decoding: bytes[(end + 1) ..< (end + 1 + size)], as: UTF8.self))
            index = end + 1 + size + 1
        }
        guard contents.count == objects.count else {
            throw .unexpectedOutput(
                command: ["git", "cat-file", "--batch"],
                output: "\(contents.count) of \(objects.count) objects"
            )
        }
        return contents
    }

    /// The uncommitted changes to tracked files (staged or not) as a binary-safe patch against HEAD,
    /// exactly as git prints it (the final newline matters to `git apply`).
    public func patch() async throws(GitError) -> String {
        let result = try await execute(["diff", "--binary", "HEAD"])
        guard result.outcome.termination == .exited(0) else { throw failure(result) }
        return result.outcome.output
    }

    /// The content of the blob `object` (an id, or `<commit>:<path>` for a file of a commit).
    public func blob(_ object: String) async throws(GitError) -> String {
        let result = try await execute(["cat-file", "blob", object])
        guard result.outcome.termination == .exited(0) else { throw failure(result) }
        return result.outcome.output
    }

    /// Files git does not track under `paths` (everything when empty), relative to the top of the
    /// working tree. Ignored files are left out unless `includingIgnored`; with `folders`, a folder
    /// holding only untracked files is listed once, as `name/`.
    public func untrackedFiles(
        under paths: [String] = [],
        includingIgnored: Bool = false,
        folders: Bool = false
    ) async throws(GitError) -> [String] {
        var arguments = ["ls-files", "--others", "-z", "--full-name"]
        if !includingIgnored { arguments.append("--exclude-standard") }
        if folders { arguments.append("--directory") }
        let output = try await run(arguments + ["--"] + paths)
        return output.split(separator: "\0").map(String.init)
    }

    /// Tracked files whose content in the working tree differs from `commit` (committed since, staged
    /// or not), relative to the top of the working tree.
    public func changedFiles(since commit: String) async throws(GitError) -> [String] {
        let output = try await run(["diff", "--name-only", "--no-renames", "-z", "--end-of-options", commit, "--"])
        return output.split(separator: "\0").map(String.init)
    }

    /// The full name of the branch HEAD is attached to (`refs/heads/...`), or `nil` when detached.
    public func symbolicHead() async throws(GitError) -> String? {
        let result = try await execute(["symbolic-ref", "-q", "HEAD"])
        switch result.outcome.termination {
        case .exited(0): return Self.trimmingFinalNewline(result.outcome.output)
        case .exited(1): return nil
        default: throw failure(result)
        }
    }

    /// Points `reference` at `commit`. With `expecting`, only if it still points there: a
    /// compare-and-swap, atomic in git (`update-ref <ref> <new> <old>`); when the reference has moved
    /// it throws ``GitError/referenceMoved(reference:expected:actual:)`` and changes nothing.
    public func updateReference(_ reference: String, to commit: String, expecting expected: String? = nil)
        async throws(GitError)
    {
        let result = try await execute(["update-ref", reference, commit] + (expected.map { [$0] } ?? []))
        guard result.outcome.termination != .exited(0) else { return }
        throw try await compareAndSwapFailure(result, reference: reference, expected: expected)
    }

    /// Deletes `reference`. With `expecting`, only if it still points there (compare-and-swap, as
    /// ``updateReference(_:to:expecting:)``); without, if it exists, and any failure is ignored.
    public func deleteReference(_ reference: String, expecting expected: String? = nil) async throws(GitError) {
        let result = try await execute(["update-ref", "-d", reference] + (expected.map { [$0] } ?? []))
        guard expected != nil, result.outcome.termination != .exited(0) else { return }
        throw try await compareAndSwapFailure(result, reference: reference, expected: expected)
    }

    /// Why a compare-and-swap of `reference` failed: it moved (no longer at `expected`), or git's
    /// own failure when it did not.
    private func compareAndSwapFailure(_ result: Execution, reference: String, expected: String?)
        async throws(GitError) -> GitError
    {
        if let expected {
            // `rev-parse --verify` of a missing ref fails; then it is gone.
            let now = try await execute(["rev-parse", "--verify", "--quiet", reference])
            let actual = now.outcome.termination == .exited(0) ? Self.trimmingFinalNewline(now.outcome.output) : nil
            if actual != expected {
                return .referenceMoved(reference: reference, expected: expected, actual: actual)
            }
        }
        return failure(result)
    }

    /// Moves the local `branch` forward from `old` to `new` (which must contain it), only if it is
    /// still at `old`. When a worktree (the user's checkout, say) has the branch checked out, it is
    /// fast-forwarded there, so its files follow (`merge --ff-only`); otherwise the ref is
    /// compare-and-swapped. Throws ``GitError/referenceMoved(reference:expected:actual:)`` when the
    /// branch moved meanwhile, and git's failure otherwise (changes in that checkout in the way).
    public func advanceBranch(_ branch: String, from old: String, to new: String) async throws(GitError) {
        let checkout = try await worktrees().first(where: { $0.branch == branch })
        try await advanceBranch(branch, from: old, to: new, checkout: checkout?.path)
    }

    /// ``advanceBranch(_:from:to:)`` where the caller knows which checkout, if any, has `branch`
    /// checked out (e.g. from ``checkedOutBranches(commonDirectory:)``).
    public func advanceBranch(
        _ branch: String,
        from old: String,
        to new: String,
        checkout: String?
    ) async throws(GitError) {
        let reference = "refs/heads/" + branch
        guard let checkout else {
            return try await updateReference(reference, to: new, expecting: old)
        }
        let current = try await resolve(reference)
        guard current == old else { throw .referenceMoved(reference: reference, expected: old, actual: current) }
        var there = self
        there.repository = checkout
        do {
            try await there.fastForward(to: new)
        } catch {
            let now = try await resolve(reference)
            if now != old, now != new { throw .referenceMoved(reference: reference, expected: old, actual: now) }
            throw error
        }
    }

    /// Checks out `branch`, created or reset to `commit`, throwing away changes to tracked files
    /// (`checkout --force -B`); untracked files stay unless `commit` has a file at their path.
    public func forceCheckout(branch: String, at commit: String) async throws(GitError) {
        try await run(["checkout", "--force", "--quiet", "-B", branch, commit])
    }

    /// Applies `patch` (as ``patch()`` makes it) to the working tree if all of it applies cleanly;
    /// whether it did. Nothing is changed when it does not.
    public func applyPatch(_ patch: String) async throws(GitError) -> Bool {
        guard try await execute(["apply", "--check"], input: patch).outcome.termination == .exited(0) else {
            return false
        }
        let result = try await execute(["apply"], input: patch)
        return result.outcome.termination == .exited(0)
    }

    /// How many commits reachable from `tips` are not reachable from `excluded` (`rev-list --count`).
    public func commitCount(from tips: [String], excluding excluded: String) async throws(GitError) -> Int {
        guard !tips.isEmpty else { return 0 }
        let count = try await run(["rev-list", "--count"] + tips + ["--not", excluded, "--"])
        guard let value = Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .unexpectedOutput(command: ["git", "rev-list", "--count"], output: count)
        }
        return value
    }

    /// A commit holding the whole working tree as it is (tracked changes and untracked files that are
    /// not ignored), with HEAD as its parent, made without touching the index or any ref.
    public func snapshotCommit(message: String) async throws(GitError) -> String {
        let index = FileManager.default.temporaryDirectory.path + "/choo-index-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: index) }
        var scratch = self
        scratch.environment["GIT_INDEX_FILE"] = index
        let head = try await resolve("HEAD")
        if let head { try await scratch.run(["read-tree", head]) }
        try await scratch.run(["add", "-A"])
        let tree = try await scratch.run(["write-tree"])
        let identity = try await identityOverrides()
        return try await run(identity + ["commit-tree", tree, "-m", message] + (head.map { ["-p", $0] } ?? []))
    }
}

/// The working tree as one `git status` sees it: HEAD, the branch, and the paths that differ.
public struct WorktreeStatus: Sendable, Hashable {
    /// The commit HEAD names, `nil` before the first commit.
    public var head: String?
    /// The branch HEAD is on (`ralph/core`), `nil` when detached.
    public var branch: String?
    /// Tracked files that differ from HEAD, staged or not (unmerged ones too).
    public var changed: [String] = []
    /// Files git does not track and does not ignore.
    public var untracked: [String] = []
    /// Ignored files, a folder that is ignored as a whole once (`name/`); only when asked for.
    public var ignored: [String] = []
    /// For each changed path that HEAD has: its mode and object in HEAD.
    public var inHead: [String: TreeEntry] = [:]
    /// Changed paths that are gone from the working tree (deleted, or removed from the index).
    public var deleted: Set<String> = []
    /// Paths with a merge conflict.
    public var unmerged: Set<String> = []
}

extension Git {
    /// One `git status --porcelain=v2 --branch -z --untracked-files=all` of the whole working tree,
    /// with ignored files (`--ignored=matching`) when `includingIgnored`.
    public func status(includingIgnored: Bool = false) async throws(GitError) -> WorktreeStatus {
        var arguments = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--no-renames"]
        if includingIgnored { arguments.append("--ignored=matching") }
        let result = try await execute(arguments)
        guard result.outcome.termination == .exited(0) else { throw failure(result) }
        return Self.parseStatus(v2: result.outcome.output)
    }

    /// Parses `git status --porcelain=v2 --branch -z --no-renames` output.
    static func parseStatus(v2 output: String) -> WorktreeStatus {
        var status = WorktreeStatus()
        for record in output.split(separator: "\0") {
            if record.hasPrefix("# branch.oid ") {
                let value = String(record.dropFirst("# branch.oid ".count))
                status.head = value == "(initial)" ? nil : value
            } else if record.hasPrefix("# branch.head ") {
                let value = String(record.dropFirst("# branch.head ".count))
                status.branch = value == "(detached)" ? nil : value
            } else if record.hasPrefix("? ") {
                status.untracked.append(String(record.dropFirst(2)))
            } else if record.hasPrefix("! ") {
                status.ignored.append(String(record.dropFirst(2)))
            } else if record.hasPrefix("1 ") {
                // `1 XY sub mH mI mW hH hI path`: 8 fields before the path.
                let parts = record.split(separator: " ", maxSplits: 8, omittingEmptySubsequences: false)
                guard parts.count == 9 else { continue }
                let path = String(parts[8])
                status.changed.append(path)
                let code = Array(parts[1])
                if code.contains("D") { status.deleted.insert(path) }
                if parts[3] != "000000" {
                    status.inHead[path] = TreeEntry(mode: String(parts[3]), object: String(parts[6]), path: path)
                }
            } else if record.hasPrefix("u ") {
                // `u XY sub m1 m2 m3 mW h1 h2 h3 path`: 10 fields before the path.
                let parts = record.split(separator: " ", maxSplits: 10, omittingEmptySubsequences: false)
                guard parts.count == 11 else { continue }
                status.changed.append(String(parts[10]))
                status.unmerged.insert(String(parts[10]))
            }
        }
        return status
    }
}
