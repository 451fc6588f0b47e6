import Foundation

extension Git {
    /// Adds `pattern` as a line of `<common git dir>/info/exclude` unless it is there already, so
    /// `git status` in every worktree ignores what it matches without touching `.gitignore`.
    public func addToInfoExclude(_ pattern: String) async throws(GitError) {
        let folder = try await commonDirectory() + "/info"
        let file = folder + "/exclude"
        var contents = ""
        if FileSystem.exists(file) {
            do {
                contents = try FileSystem.readText(file)
            } catch {
                throw .file(path: file, reason: error.reason)
            }
        }
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.contains(where: { $0.trimmingCharacters(in: .whitespaces) == pattern }) { return }
        let addition = (contents.isEmpty || contents.hasSuffix("\n") ? "" : "\n") + pattern + "\n"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data((contents + addition).utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw .file(path: file, reason: error.localizedDescription)
        }
    }
}

/// The rule that makes git ignore a path, as `git check-ignore --verbose` names it.
public struct IgnoreRule: Sendable, Hashable {
    /// The file the pattern is in, as git names it: relative for a `.gitignore` of the worktree,
    /// absolute for `info/exclude` or a `core.excludesFile`.
    public var source: String
    /// The pattern's line in that file.
    public var line: Int
    /// The pattern as written.
    public var pattern: String
    /// The ignored path, as it was asked about.
    public var path: String
}

extension Git {
    /// The last ignore rule matching each of `paths` (relative to ``repository``) that any rule
    /// matches, in order (`check-ignore --verbose`; the pattern of a matching `!` negation starts
    /// with `!`); paths no rule matches are left out.
    public func ignoreRules(for paths: [String]) async throws(GitError) -> [IgnoreRule] {
        guard !paths.isEmpty else { return [] }
        let result = try await execute(
            ["check-ignore", "--verbose", "-z", "--stdin"],
            input: paths.joined(separator: "\0") + "\0"
        )
        // Exit status 1: none of them is ignored.
        guard result.outcome.termination == .exited(0) || result.outcome.termination == .exited(1) else {
            throw failure(result)
        }
        // `<source> NUL <line> NUL <pattern> NUL <path> NUL` for each path.
        let fields = result.outcome.output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        var rules: [IgnoreRule] = []
        var index = 0
        while index + 3 < fields.count {
            defer { index += 4 }
            guard !fields[index].isEmpty else { continue }
            rules.append(
                IgnoreRule(
                    source: fields[index],
                    line: Int(fields[index + 1]) ?? 0,
                    pattern: fields[index + 2],
                    path: fields[index + 3]
                )
            )
        }
        return rules
    }
}
