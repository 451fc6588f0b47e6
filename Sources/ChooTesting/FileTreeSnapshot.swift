import Foundation

/// Every file and folder under a root with its contents, to prove a command changed nothing.
package struct FileTreeSnapshot: Equatable, Sendable, CustomStringConvertible {
    /// Relative path -> contents (folders and special files map to a marker; links to their target).
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
            let type = (try? manager.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?: entries[relative] = Data("folder".utf8)
            case .typeRegular?: entries[relative] = manager.contents(atPath: path) ?? Data()
            // A pipe, socket or device is never opened: reading a FIFO would wait for a writer.
            default: entries[relative] = Data("special:\(type?.rawValue ?? "unknown")".utf8)
            }
        }
        return FileTreeSnapshot(entries: entries)
    }

    package var description: String {
        entries.keys.sorted().joined(separator: "\n")
    }
}
