import Foundation

/// What a unit's branch (`ralph/<unit>`) holds that the target branch does not have yet: the
/// tasks committed there and not landed. `choo status` shows them, so work done in a run that was
/// stopped is not reported as pending.
public struct UnitBranchWork: Sendable, Hashable {
    /// The branch, e.g. `ralph/core`.
    public var branch: String
    /// Its tip.
    public var tip: String
    /// The numbers of the tasks complete on the branch and not in the tree it was compared with.
    public var committedTasks: [Int]

    /// Reads every `ralph/*` branch of a unit of `tree` whose tip is not on `target` (the current
    /// branch when `nil`), and the task statuses committed on it. Reads only; `scratch` is a folder
    /// for the spec files read from the branches, removed afterwards.
    public static func read(
        tree: SpecTree,
        repositoryRoot: String,
        target: String?,
        scratch: String,
        runner: any ProcessRunning
    ) async throws -> [String: UnitBranchWork] {
        let git = Git(repository: repositoryRoot, runner: runner)
        var name = target
        if name == nil { name = try await git.currentBranch() }
        guard let target = name, try await git.resolve("refs/heads/" + target) != nil else { return [:] }
        var work: [String: UnitBranchWork] = [:]
        for (name, tip) in try await git.branches(under: "ralph/") {
            let id = String(name.dropFirst("ralph/".count))
            guard let unit = tree.unit(id), !unit.isComplete,
                !(try await git.isAncestor(tip, of: "refs/heads/" + target))
            else { continue }
            let onBranch = try await git.unit(
                id,
                at: tip,
                tasksDirectory: tree.tasksDirectoryDisplay,
                scratch: scratch + "/" + id
            )
            let landed = Set(unit.tasks.filter { $0.status == .complete }.compactMap(\.number))
            let committed = (onBranch?.tasks ?? []).filter { $0.status == .complete }.compactMap(\.number)
                .filter { !landed.contains($0) }.sorted()
            work[id] = UnitBranchWork(branch: name, tip: tip, committedTasks: committed)
        }
        return work
    }
}
