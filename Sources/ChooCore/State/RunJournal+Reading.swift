import Foundation
import GRDB

extension RunJournal {
    /// One stored event with its sequence number in its run.
    public struct StoredEvent: Sendable, Hashable {
        /// Its sequence number in the run (1 for the first).
        public var seq: Int
        /// The event, read back as ``events(run:)`` reads it.
        public var event: Event
        /// Its JSON line as `choo run --json` printed it.
        public var line: String
    }

    /// The events of run `run` after sequence number `after`, in order, at most `limit` of them.
    public func events(run: Int64, after: Int, limit: Int = .max) throws -> [StoredEvent] {
        let rows = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT seq, type, time, unit, task, payload, error FROM events "
                    + "WHERE runsId = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [run, after, min(limit, Int(Int32.max))]
            )
        }
        let decoder = JSONDecoder()
        return try rows.map { row in
            let line = Self.line(row)
            var event = try decoder.decode(Event.self, from: Data(line.utf8))
            let milliseconds = (event.time.timeIntervalSince1970 * 1000).rounded()
            event.time = Date(timeIntervalSince1970: (milliseconds + 0.5) / 1000)
            return StoredEvent(seq: row["seq"], event: event, line: line)
        }
    }

    /// The sequence number of run `run`'s newest event; 0 when it has none.
    public func lastSequence(run: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE runsId = ?", arguments: [run]) ?? 0
        }
    }

    /// Run `id` as `choo history` lists it, when the journal has it.
    public func run(id: Int64) throws -> RunRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }
}
