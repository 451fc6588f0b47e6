import Foundation

extension Git {
    /// The unit `unit` as its spec files are in `commit`: written out under `scratch` (a folder
    /// removed afterwards) and read with the spec loader, or `nil` when the commit does not hold a
    /// readable plan for it.
    ///
    /// - Parameters:
    ///   - tasksDirectory: the tasks root relative to the repository (`.` for the top).
    public func unit(
        _ unit: String,
        at commit: String,
        tasksDirectory: String,
        scratch: String
    ) async throws -> Unit? {
        let folder = tasksDirectory == "." ? unit : tasksDirectory + "/" + unit
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let entries = try await treeEntries(of: commit, under: [folder])
        for (entry, content) in zip(entries, try await blobs(entries.map(\.object))) {
            let path = scratch + "/" + entry.path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try content.write(toFile: path, atomically: false, encoding: .utf8)
        }
        return SpecLoader.loadUnit(
            folder: unit,
            tasksDirectory: scratch + "/" + tasksDirectory,
            repositoryRoot: scratch
        )
        .unit
    }
}
