import Foundation

extension Git {
    /// The name of the exclude file choo keeps in a worktree's own git folder.
    static let worktreeExcludeFileName = "choo-exclude"

    /// Makes git ignore `paths` (relative to the top of this worktree) in this worktree only, so
    /// that nothing commits them: they are written to an exclude file in the worktree's own git
    /// folder, named by the worktree's `core.excludesFile` (the repository gets
    /// `extensions.worktreeConfig`, which per-worktree settings need). The user's own global
    /// excludes are copied to the top of that file, since the setting takes their place.
    /// `configLock` serialises writes to the shared config file.
    public func excludeInThisWorktree(_ paths: [String], configLock: AsyncLock) async throws {
        guard !paths.isEmpty else { return }
        let gitFolder = try await gitDirectories().git
        let file = gitFolder + "/" + Self.worktreeExcludeFileName
        var text = (try? FileSystem.readText(file)) ?? ""
        if text.isEmpty {
            text = "# Written by choo: files made by worktree.setup are not work, so they are never committed.\n"
            if let global = try await globalExcludes() { text += "# The user's global excludes:\n" + global + "\n" }
            text += "# Made by worktree.setup:\n"
        }
        let existing = Set(text.split(separator: "\n").map(String.init))
        for path in paths {
            let line = Self.excludePattern(path)
            if !existing.contains(line) { text += line + "\n" }
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try await configLock.withLock {
            if try await self.config("extensions.worktreeConfig")?.trimmingCharacters(in: .whitespaces) != "true" {
                try await self.setConfig("extensions.worktreeConfig", to: "true")
            }
            try await self.setConfig("core.excludesFile", to: file, worktree: true)
        }
    }

    /// The content of the user's global excludes file, if there is one.
    private func globalExcludes() async throws -> String? {
        let configured =
            (try? await config("core.excludesFile", path: true))??
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var candidates: [String] = []
        if !configured.isEmpty { candidates.append(configured) }
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { candidates.append(xdg + "/git/ignore") }
        if let home = environment["HOME"], !home.isEmpty { candidates.append(home + "/.config/git/ignore") }
        for candidate in candidates where FileKind(path: candidate) == .regular {
            return try? FileSystem.readText(candidate)
        }
        return nil
    }

    /// An exclude line matching exactly `path` from the top of the worktree: anchored with `/`, with
    /// the characters that patterns treat specially escaped.
    static func excludePattern(_ path: String) -> String {
        var pattern = "/"
        for character in path {
            if "*?[]\\!#".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        if pattern.hasSuffix(" ") { pattern = String(pattern.dropLast()) + "\\ " }
        return pattern
    }
}
