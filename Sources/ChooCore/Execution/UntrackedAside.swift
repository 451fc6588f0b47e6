import Foundation

/// Makes a check see exactly the commit that lands: files in the worktree that git does not track
/// and does not ignore are moved out of it for the check (kept, never deleted) and put back
/// afterwards. Ignored files (build caches) stay. A run killed while files were aside puts them
/// back the next time the unit starts (``restoreLeftovers()``).
struct UntrackedAside: Sendable {
    /// The unit's worktree.
    var git: Git
    /// Where the files wait meanwhile, keeping their relative paths: `<worktree base>/.aside/<unit>`.
    var folder: String
    /// Moves the files (the run's ``Effects/files``).
    var files: any FileAccess

    /// Runs `body` with the untracked files moved aside; they are put back even when it throws.
    /// Returns what `body` returned and the files that could not go back because the check made a
    /// file at the same path (those stay in ``folder``).
    /// `files` are the ones to move (untracked, and ignored only by a rule the agent added), as the
    /// caller's `git status` found them.
    func run<T: Sendable>(files paths: [String], _ body: () async throws -> T) async throws
        -> (value: T, stranded: [String])
    {
        let paths = Array(Set(paths)).sorted()
        guard !paths.isEmpty else { return (try await body(), []) }
        var moved: [String] = []
        do {
            for file in paths {
                try move(git.repository + "/" + file, to: folder + "/" + file)
                moved.append(file)
            }
            let value = try await body()
            return (value, putBack(moved))
        } catch {
            _ = putBack(moved)
            throw error
        }
    }

    /// Puts back files left aside by a run that was killed during a check; the ones that could not
    /// go back because something is at their path now.
    @discardableResult
    func restoreLeftovers() -> [String] {
        guard files.exists(folder), let left = try? files.contents(under: folder) else { return [] }
        return putBack(left)
    }

    /// Moves each of `paths` from ``folder`` back into the worktree; the ones that could not go.
    private func putBack(_ paths: [String]) -> [String] {
        var stranded: [String] = []
        for file in paths {
            let destination = git.repository + "/" + file
            if files.exists(destination) {
                stranded.append(file)
                continue
            }
            do {
                try move(folder + "/" + file, to: destination)
            } catch {
                stranded.append(file)
            }
        }
        if stranded.isEmpty { try? files.remove(folder) }
        return stranded
    }

    private func move(_ source: String, to destination: String) throws(FileError) {
        try files.createParent(of: destination)
        try files.move(source, to: destination)
    }
}
