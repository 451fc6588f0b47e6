import ChooCore
import Foundation

/// What the fake does to the bare repository, with plain git.
extension FakeGitHub {
    /// The commit at the tip of `branch`, or `nil` when there is no such branch.
    func tip(of branch: String) async throws -> String? {
        try await git.resolve("refs/heads/" + branch)
    }

    /// The commit `ref` names: a full or abbreviated SHA, or a branch; `nil` when it names none.
    func commit(for ref: String) async throws -> String? {
        if let sha = try await tip(of: ref) { return sha }
        return try await git.resolve(ref)
    }

    /// The tree of merging `head` into `base`, or `nil` when they conflict.
    func mergedTree(base: String, head: String) async throws -> String? {
        do {
            let output = try await git.run(["merge-tree", "--write-tree", base, head])
            return output.split(separator: "\n").first.map(String.init)
        } catch {
            // Exit status 1 is the answer "they conflict"; anything else is a failure.
            guard case .failed(_, 1, _) = error else { throw error }
            return nil
        }
    }

    /// Whether `base` and `head` merge cleanly and whether `head` contains `base`: GitHub's
    /// `mergeable` and `mergeable_state` (`dirty`, `behind` or `clean`).
    func mergeability(base: String, head: String) async throws -> (mergeable: Bool, state: String) {
        guard try await mergedTree(base: base, head: head) != nil else { return (false, "dirty") }
        return try await git.isAncestor(base, of: head) ? (true, "clean") : (true, "behind")
    }

    /// Merges `head` into the branch `base` (whose tip is `baseSHA`) by `method` and moves the branch
    /// (compare-and-swap); the new tip, or `nil` on a conflict.
    func merge(
        method: String,
        head: String,
        into base: String,
        baseSHA: String,
        message: String
    ) async throws -> String? {
        let newTip: String
        switch method {
        case "squash":
            guard let tree = try await mergedTree(base: baseSHA, head: head) else { return nil }
            newTip = try await git.run(["commit-tree", tree, "-p", baseSHA, "-m", message])
        case "merge":
            guard let tree = try await mergedTree(base: baseSHA, head: head) else { return nil }
            newTip = try await git.run(["commit-tree", tree, "-p", baseSHA, "-p", head, "-m", message])
        default:
            guard let rebased = try await rebase(head, onto: baseSHA) else { return nil }
            newTip = rebased
        }
        try await git.run(["update-ref", "refs/heads/" + base, newTip, baseSHA])
        return newTip
    }

    /// `head`'s own commits replayed onto `base` (always as new commits, as GitHub does), in a
    /// temporary worktree; the last one, or `nil` on a conflict.
    private func rebase(_ head: String, onto base: String) async throws -> String? {
        let folder =
            FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
            + "/choo-fake-github-\(UUID().uuidString.prefix(8).lowercased())"
        try await git.run(["worktree", "add", "--quiet", "--detach", folder, head])
        var worktree = git
        worktree.repository = folder
        do {
            let tip: String?
            do {
                try await worktree.run(["rebase", "--quiet", "--force-rebase", base])
                tip = try await worktree.run(["rev-parse", "HEAD"])
            } catch {
                guard case .failed = error else { throw error }
                _ = try? await worktree.run(["rebase", "--abort"])
                tip = nil
            }
            try await git.run(["worktree", "remove", "--force", folder])
            return tip
        } catch {
            _ = try? await git.run(["worktree", "remove", "--force", folder])
            throw error
        }
    }

    /// Deletes the branch; `false` when there was no such branch.
    func deleteBranchInRepository(_ branch: String) async throws -> Bool {
        guard let sha = try await tip(of: branch) else { return false }
        try await git.run(["update-ref", "-d", "refs/heads/" + branch, sha])
        return true
    }

    /// The branch `HEAD` of the bare repository names.
    func defaultBranch() async throws -> String {
        let head = try await git.run(["symbolic-ref", "HEAD"])
        return head.hasPrefix("refs/heads/") ? String(head.dropFirst("refs/heads/".count)) : head
    }
}
