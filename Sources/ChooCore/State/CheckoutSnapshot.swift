import Foundation

/// What the user's checkout looked like at one moment, as far as `git status` can tell: every path
/// it lists (untracked ones included, ignored ones not) with its status and a fingerprint of what is
/// on disk, plus HEAD. choo takes one when a run starts and one when it ends; paths that differ
/// between the two were changed by someone other than choo (an agent that wrote outside its
/// worktree, or the user), because choo only ever moves the checkout by a clean fast-forward, which
/// `git status` does not show.
public struct CheckoutSnapshot: Sendable, Hashable, Codable {
    /// One path `git status` lists.
    public struct Entry: Sendable, Hashable, Codable {
        /// The two status letters of `git status --porcelain=v1` (`??` untracked, ` M` modified, ...).
        public var status: String
        /// What is on disk: a git blob hash for a file, `link:<target>` for a symbolic link, `folder`
        /// for a folder (a nested repository), `special` for anything else; `nil` when nothing is
        /// there (a deleted file).
        public var fingerprint: String?

        /// An entry with `status` and `fingerprint`.
        public init(status: String, fingerprint: String?) {
            self.status = status
            self.fingerprint = fingerprint
        }

        /// Whether the path is listed as deleted (in the index or the working tree).
        var isDeletion: Bool { status.contains("D") && fingerprint == nil }
        /// Whether the path is not in HEAD: untracked, or added to the index.
        var isNew: Bool { status == "??" || status.hasPrefix("A") }
    }

    /// A path whose state differs between two snapshots.
    public struct Change: Sendable, Hashable, Codable {
        /// How the path differs.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// A path that was not there (or did not differ from HEAD) and now is new.
            case appeared
            /// A path whose content or status changed.
            case changed
            /// A path that was there and is now gone.
            case removed
        }

        /// The path, relative to the checkout's top folder.
        public var path: String
        /// How it differs.
        public var kind: Kind
        /// The path's state in the later snapshot; `nil` when `git status` no longer lists it.
        public var now: Entry?

        /// A change of `path`.
        public init(path: String, kind: Kind, now: Entry?) {
            self.path = path
            self.kind = kind
            self.now = now
        }
    }

    /// A change recorded by an earlier run, as the next run's refusal names it.
    public struct EarlierChange: Sendable, Hashable {
        /// The run during which the change happened.
        public var run: Int64
        /// The change.
        public var change: Change

        /// `change`, recorded during `run`.
        public init(run: Int64, change: Change) {
            self.run = run
            self.change = change
        }
    }

    /// The commit checked out, or `nil` in a repository without commits.
    public var head: String?
    /// Every path `git status` lists, by path.
    public var entries: [String: Entry]

    /// A snapshot with `head` and `entries`.
    public init(head: String?, entries: [String: Entry]) {
        self.head = head
        self.entries = entries
    }

    /// The paths that appeared, changed or disappeared between `earlier` and `self`, sorted by path.
    /// HEAD is not compared: choo's fast-forwards move it cleanly.
    public func changes(since earlier: CheckoutSnapshot) -> [Change] {
        let paths = Set(earlier.entries.keys).union(entries.keys)
        return paths.sorted().compactMap { path in
            let before = earlier.entries[path]
            let after = entries[path]
            guard before != after else { return nil }
            return Change(path: path, kind: Self.kind(before: before, after: after), now: after)
        }
    }

    private static func kind(before: Entry?, after: Entry?) -> Change.Kind {
        switch (before, after) {
        case (nil, let after?):
            if after.isDeletion { return .removed }
            return after.isNew ? .appeared : .changed
        case (let before?, nil):
            // No longer listed: an untracked file is gone; a tracked one is back to what HEAD has.
            return before.isNew ? .removed : .changed
        case (let before?, let after?):
            if after.isDeletion, !before.isDeletion { return .removed }
            if before.isDeletion, !after.isDeletion { return .appeared }
            return .changed
        case (nil, nil):
            return .changed
        }
    }

    /// Whether `change`, recorded earlier, still describes `path` in this snapshot (the path is as
    /// that change left it), so it is fair to say it happened then.
    public func stillShows(_ change: Change) -> Bool {
        entries[change.path] == change.now
    }
}

extension CheckoutSnapshot {
    /// Reads the checkout `git` works in: `git status --porcelain=v1 --untracked-files=all`, a
    /// fingerprint of each listed path (looked at through `files`), and HEAD.
    public static func take(git: Git, files: any FileAccess) async throws(GitError) -> CheckoutSnapshot {
        let listed = listing(try await git.statusEntries())
        let top = try await git.topLevel()
        var entries: [String: Entry] = [:]
        var regular: [String] = []
        for (path, code) in listed {
            let fingerprint = fingerprint(of: top + "/" + path, files: files)
            if fingerprint == "file" { regular.append(path) }
            entries[path] = Entry(status: code, fingerprint: fingerprint)
        }
        // One `git hash-object` for all of them, the bytes as they are on disk.
        var atTop = git
        atTop.repository = top
        let hashes = try await atTop.hashObjects(regular, applyingFilters: false)
        for (path, hash) in zip(regular, hashes) { entries[path]?.fingerprint = hash }
        let head = try await git.resolve("HEAD")
        return CheckoutSnapshot(head: head, entries: entries)
    }

    /// The paths and status letters of a `git status` listing. A rename or copy lists its new
    /// path; the old path of a rename is listed as deleted from the index.
    static func listing(_ status: [StatusEntry]) -> [(path: String, status: String)] {
        status.flatMap { entry in
            var listed = [(entry.path, entry.code)]
            if let origin = entry.origin, entry.code.hasPrefix("R") { listed.append((origin, "D ")) }
            return listed
        }
    }

    /// `file` for a regular file (hashed afterwards), `link:<target>`, `folder`, `special` for
    /// anything else (never read: opening a FIFO would block), or `nil` when nothing is at `path`.
    private static func fingerprint(of path: String, files: any FileAccess) -> String? {
        switch files.kind(of: path) {
        case nil: nil
        case .regular: "file"
        case .directory: "folder"
        case .link(let target): "link:" + target
        case .other: "special"
        }
    }
}
