import Foundation

/// Every file and folder under a root with its contents, to prove a command changed nothing.
package struct FileTreeSnapshot: Equatable, Sendable, CustomStringConvertible {
    /// Relative path -> contents (folders map to an empty marker; links to their target).
    package var entries: [String: Data]

    /// Reads everything under `root`.
    package static func take(_ root: String) -> FileTreeSnapshot {
        var entries: [String: Data] = [:]
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: root) else { return FileTreeSnapshot(entries: [:]) }
        while let relative = enumerator.nextObject() as? String {
            let path = root + "/" + relative
            if let target = try? manager.destinationOfSymbolicLink(atPath: path) {
                entries[relative] = Data(("link:" + target).utf8)
                continue
            }
            var isFolder: ObjCBool = false
            _ = manager.fileExists(atPath: path, isDirectory: &isFolder)
            entries[relative] = isFolder.boolValue ? Data("folder".utf8) : (manager.contents(atPath: path) ?? Data())
        }
        return FileTreeSnapshot(entries: entries)
    }

    package var description: String {
        entries.keys.sorted().joined(separator: "\n")
    }
}
