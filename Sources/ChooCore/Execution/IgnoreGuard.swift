import Foundation

/// Finds files that are ignored only because of an ignore rule the agent added: a pattern in a
/// `.gitignore` that choo's reference commit does not have, or in an untracked ignore file
/// (`info/exclude`, the worktree's own exclude file) that was not there when the unit started.
/// Such files would stay in the worktree for a check without ever being committed, so checks treat
/// them like untracked files: they wait outside the worktree meanwhile.
struct IgnoreGuard: Sendable {
    /// The unit's worktree.
    var git: Git

    /// The untracked ignore files of the worktree with their content now: the repository's
    /// `info/exclude` and the worktree's own exclude file (absolute paths).
    func untrackedIgnoreFiles() async throws -> [String: String] {
        let paths = try await git.gitPaths(["info/exclude", Git.worktreeExcludeFileName])
        var files: [String: String] = [:]
        for path in paths { files[path] = (try? FileSystem.readText(path)) ?? "" }
        return files
    }

    /// Of the ignored files `candidates` (folders collapsed, as `name/`, as `git status` lists them),
    /// those whose rule is not a trusted one: trusted
    /// are the patterns of each `.gitignore` in `reference` and of the untracked ignore files in
    /// `started` (what they held when the unit started). Rules from anywhere else (the user's
    /// global excludes) are trusted.
    func newlyIgnored(_ candidates: [String], reference: String, started: [String: String]) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        var trusted: [String: Set<String>?] = [:]
        var result: [String] = []
        for match in try await git.ignoreRules(for: candidates) {
            let source = match.source
            if !trusted.keys.contains(source) {
                let patterns = try await trustedPatterns(of: source, reference: reference, started: started)
                trusted.updateValue(patterns, forKey: source)
            }
            if let patterns = trusted[source] ?? nil, !patterns.contains(match.pattern) { result.append(match.path) }
        }
        return result
    }

    /// The patterns of the ignore file `source` that choo trusts; `nil` means all of them.
    private func trustedPatterns(of source: String, reference: String, started: [String: String]) async throws
        -> Set<String>?
    {
        let text: String
        if !source.hasPrefix("/") {
            // A .gitignore in the worktree: as choo's reference commit has it (none: nothing trusted).
            let topLevel = try await git.topLevel()
            let relative = FileSystem.relative(FileSystem.absolute(source, relativeTo: git.repository), to: topLevel)
            text = (try? await git.blob(reference + ":" + relative)) ?? ""
        } else if let known = started[source] {
            text = known
        } else {
            return nil
        }
        return Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}
