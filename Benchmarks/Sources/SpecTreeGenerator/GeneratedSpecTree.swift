import Foundation

/// A spec tree written by ``SpecTreeGenerator``: where it is and how big it is.
public struct GeneratedSpecTree: Sendable, Hashable {
    /// The repository root (absolute); it holds `.git` and `specs/tasks`.
    public var root: String
    /// The tasks root (absolute): `root/specs/tasks`.
    public var tasksDirectory: String
    /// How many units were written.
    public var unitCount = 0
    /// How many task files were written.
    public var taskCount = 0
    /// How many files were written (plans and tasks).
    public var fileCount = 0
    /// How many bytes were written in all.
    public var byteCount = 0

    /// A tree at `root` with tasks in `tasksDirectory`, with nothing counted yet.
    public init(root: String, tasksDirectory: String) {
        self.root = root
        self.tasksDirectory = tasksDirectory
    }

    /// Deletes the whole tree, its root included.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
