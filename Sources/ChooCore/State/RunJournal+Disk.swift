import Foundation
import GRDB

extension RunJournal {
    /// The bytes each worktree folder took when last measured (`unit.worktree.disk` events of
    /// every run), by the folder's path as recorded.
    public func worktreeDisk() throws -> [String: Int64] {
        let rows = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT payload FROM events WHERE type = ? ORDER BY runsId, seq",
                arguments: [EventType.unitWorktreeDisk.rawValue]
            )
        }
        var sizes: [String: Int64] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            guard let payload: String = row["payload"],
                let disk = try? decoder.decode(Event.WorktreeDisk.self, from: Data(payload.utf8))
            else { continue }
            sizes[disk.path] = disk.bytes
        }
        return sizes
    }
}
