import Foundation

extension Git {
    /// The branches checked out in the repository whose ordinary git folder is `common` (a
    /// `.git` directory), with the folder of the checkout that has each: read from the files git
    /// keeps (the main worktree's `HEAD`, each linked worktree's `HEAD` and `gitdir`), so it runs
    /// nothing and needs no lock against a worktree being added or removed (whose files may be half
    /// there: such a worktree is skipped; choo adds worktrees only for branches of their own). A
    /// detached HEAD (a rebase under way) has no branch, as in `git worktree list`. `nil` when
    /// `common` is not such a folder.
    public static func checkedOutBranches(commonDirectory common: String) -> [String: String]? {
        guard common.hasSuffix("/.git"), FileSystem.kind(of: common) == .directory else { return nil }
        func branch(inHead file: String) -> String? {
            guard let head = try? FileSystem.readText(file) else { return nil }
            let text = head.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix("ref: refs/heads/") else { return nil }
            return String(text.dropFirst("ref: refs/heads/".count))
        }
        var branches: [String: String] = [:]
        if let main = branch(inHead: common + "/HEAD") { branches[main] = String(common.dropLast("/.git".count)) }
        let linked = common + "/worktrees"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: linked)) ?? [] {
            let folder = linked + "/" + name
            guard let checkedOut = branch(inHead: folder + "/HEAD"),
                let gitFile = try? FileSystem.readText(folder + "/gitdir")
            else { continue }
            let path = gitFile.trimmingCharacters(in: .whitespacesAndNewlines)
            guard path.hasSuffix("/.git") else { continue }
            branches[checkedOut] = String(path.dropLast("/.git".count))
        }
        return branches
    }
}
