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
