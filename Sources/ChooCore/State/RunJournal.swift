import Foundation
import GRDB

/// The record of every run in a repository: an SQLite database (WAL) under the worktree base,
/// `choo.sqlite`. It holds runs (start, end, options, outcome), unit attempts, agent invocations,
/// check results, and every event with its per-run sequence number, so `choo history`, `choo
/// status` and `choo logs` need no running process. The schema is created and upgraded by
/// migrations.
public final class RunJournal: Sendable {
    /// The database file's name inside the worktree base.
    public static let fileName = "choo.sqlite"

    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating and migrating as needed) the journal in `folder`.
    public init(in folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/" + Self.fileName
        pool = try DatabasePool(path: path)
        try Self.migrator.migrate(pool)
    }

    /// Opens an existing journal read-only use; `nil` when there is none yet.
    public static func existing(in folder: String) throws -> RunJournal? {
        FileSystem.exists(folder + "/" + fileName) ? try RunJournal(in: folder) : nil
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("started_at", .text).notNull()
                table.column("ended_at", .text)
                table.column("pid", .integer).notNull()
                table.column("command", .text).notNull()
                table.column("options", .text).notNull()
                table.column("outcome", .text).notNull()
                table.column("units", .integer)
                table.column("complete", .integer)
                table.column("failed", .integer)
                table.column("blocked", .integer)
                table.column("not_started", .integer)
            }
            try db.create(table: "unit_attempts") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("unit", .text).notNull().indexed()
                table.column("status", .text).notNull()
                table.column("branch", .text)
                table.column("worktree", .text)
                table.column("started_at", .text)
                table.column("ended_at", .text)
                table.column("error", .text)
            }
            try db.create(table: "invocations") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("unit", .text).notNull().indexed()
                table.column("task", .integer)
                table.column("attempt", .integer)
                table.column("provider", .text)
                table.column("log_file", .text)
                table.column("started_at", .text).notNull()
                table.column("ended_at", .text)
                table.column("exit", .text)
                table.column("error", .text)
            }
            try db.create(table: "checks") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("unit", .text).notNull()
                table.column("task", .integer)
                table.column("name", .text)
                table.column("command", .text)
                table.column("result", .text).notNull()
                table.column("stage", .text)
                table.column("at", .text).notNull()
            }
            try db.create(table: "events") { table in
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("seq", .integer).notNull()
                table.column("type", .text).notNull()
                table.column("time", .text).notNull()
                table.column("unit", .text)
                table.column("task", .integer)
                table.column("payload", .text)
                table.column("error", .text)
                table.primaryKey(["runsId", "seq"])
            }
        }
        migrator.registerMigration("v2: child processes") { db in
            try db.create(table: "processes") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("pgid", .integer).notNull()
                table.column("start_time", .integer).notNull()
                table.column("ended", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v3: child process tags") { db in
            try db.alter(table: "processes") { table in table.add(column: "tag", .text) }
        }
        return migrator
    }

    // MARK: Child processes

    /// Records that run `run` started a child whose process group is `group` (leader start time
    /// `startTime`, from `/proc`), tagged `tag` (see ``ChildProcessLedger``).
    public func recordChild(run: Int64, group: Int32, startTime: UInt64, tag: String? = nil) {
        try? pool.write { db in
            try db.execute(
                sql: "INSERT INTO processes (runsId, pgid, start_time, tag) VALUES (?, ?, ?, ?)",
                arguments: [run, Int(group), Int64(bitPattern: startTime), tag]
            )
        }
    }

    /// Records that the child `group` of run `run` has ended.
    public func recordChildEnded(run: Int64, group: Int32) {
        try? pool.write { db in
            try db.execute(
                sql: "UPDATE processes SET ended = 1 WHERE runsId = ? AND pgid = ? AND ended = 0",
                arguments: [run, Int(group)]
            )
        }
    }

    /// Children of runs other than `run` that were never recorded as ended: what a killed run may
    /// have left running.
    public func unendedChildren(
        otherThan run: Int64?
    ) throws -> [(group: Int32, startTime: UInt64, tag: String?)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT pgid, start_time, tag FROM processes WHERE ended = 0 AND runsId IS NOT ?",
                arguments: [run]
            ).map { row in
                let start: Int64 = row["start_time"]
                let group: Int = row["pgid"]
                let tag: String? = row["tag"]
                return (Int32(group), UInt64(bitPattern: start), tag)
            }
        }
    }

    /// Marks every child of runs other than `run` as ended (after they were stopped).
    public func closeChildren(otherThan run: Int64?) {
        try? pool.write { db in
            try db.execute(sql: "UPDATE processes SET ended = 1 WHERE runsId IS NOT ?", arguments: [run])
        }
    }

    /// Records the start of a run and returns its ID.
    public func startRun(command: String, options: [String: String], at time: Date = Date()) throws -> Int64 {
        let encoded = String(decoding: (try? JSONEncoder().encode(options)) ?? Data("{}".utf8), as: UTF8.self)
        return try pool.write { db in
            try db.execute(
                sql: "INSERT INTO runs (started_at, pid, command, options, outcome) VALUES (?, ?, ?, ?, 'running')",
                arguments: [Self.text(time), Int(getpid()), command, encoded]
            )
            return db.lastInsertedRowID
        }
    }

    /// A sink that records every event of run `run`.
    public func sink(for run: Int64) -> JournalSink { JournalSink(pool: pool, run: run) }

    // MARK: Reading

    /// One run as `choo history` lists it.
    public struct RunRecord: Sendable, Hashable, Codable {
        public var id: Int64
        public var startedAt: String
        public var endedAt: String?
        public var pid: Int
        public var command: String
        public var outcome: String
        public var units: Int?
        public var complete: Int?
        public var failed: Int?
        public var blocked: Int?
        public var notStarted: Int?

        enum CodingKeys: String, CodingKey {
            case id, pid, command, outcome, units, complete, failed, blocked
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case notStarted = "not_started"
        }
    }

    /// Runs, newest first.
    public func runs(limit: Int = 20) throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                RunRecord(
                    id: row["id"],
                    startedAt: row["started_at"],
                    endedAt: row["ended_at"],
                    pid: row["pid"],
                    command: row["command"],
                    outcome: row["outcome"],
                    units: row["units"],
                    complete: row["complete"],
                    failed: row["failed"],
                    blocked: row["blocked"],
                    notStarted: row["not_started"]
                )
            }
        }
    }

    /// One agent invocation, for `choo logs`.
    public struct Invocation: Sendable, Hashable {
        public var run: Int64
        public var unit: String
        public var task: Int?
        public var attempt: Int?
        public var logFile: String?
        public var startedAt: String
        public var endedAt: String?
        public var exit: String?
    }

    /// The agent invocations of `unit` in the newest run that had any, in order (only `task`'s
    /// when given).
    public func invocations(of unit: String, task: Int? = nil) throws -> [Invocation] {
        try pool.read { db in
            guard
                let run = try Int64.fetchOne(
                    db,
                    sql: "SELECT MAX(runsId) FROM invocations WHERE unit = ?",
                    arguments: [unit]
                )
            else { return [] }
            var sql = "SELECT * FROM invocations WHERE runsId = ? AND unit = ?"
            var arguments: StatementArguments = [run, unit]
            if let task {
                sql += " AND task = ?"
                arguments += [task]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
                Invocation(
                    run: row["runsId"],
                    unit: row["unit"],
                    task: row["task"],
                    attempt: row["attempt"],
                    logFile: row["log_file"],
                    startedAt: row["started_at"],
                    endedAt: row["ended_at"],
                    exit: row["exit"]
                )
            }
        }
    }

    /// The newest attempt of each unit: status, error and run, for `choo status`.
    public func latestAttempts() throws -> [String: (run: Int64, status: String, error: String?)] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT unit, runsId, status, error FROM unit_attempts
                    WHERE id IN (SELECT MAX(id) FROM unit_attempts GROUP BY unit)
                    """
            )
            var result: [String: (run: Int64, status: String, error: String?)] = [:]
            for row in rows { result[row["unit"]] = (row["runsId"], row["status"], row["error"]) }
            return result
        }
    }

    /// How many events run `run` recorded.
    public func eventCount(run: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE runsId = ?", arguments: [run]) ?? 0
        }
    }

    static func text(_ date: Date) -> String { Event.format(date) }
}

/// Writes every event of one run into the journal, in order, and keeps the derived tables (unit
/// attempts, invocations, checks, the run's outcome) up to date. A write failure is not allowed to
/// stop the run; it is counted and reported at the end.
public final class JournalSink: EventSink {
    private let pool: DatabasePool
    private let run: Int64

    init(pool: DatabasePool, run: Int64) {
        self.pool = pool
        self.run = run
    }

    public func receive(_ event: Event, sequence: Int) {
        let time = RunJournal.text(event.time)
        let payload =
            event.payload.isEmpty
            ? nil : String(decoding: (try? JSONEncoder().encode(event.payload)) ?? Data(), as: UTF8.self)
        func string(_ key: String) -> String? {
            if case .string(let value)? = event.payload[key] { return value }
            return nil
        }
        func int(_ key: String) -> Int? {
            if case .int(let value)? = event.payload[key] { return value }
            return nil
        }
        let run = self.run
        try? pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO events (runsId, seq, type, time, unit, task, payload, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [run, sequence, event.type.rawValue, time, event.unit, event.task, payload, event.error]
            )
            let unit = event.unit
            let latestAttempt = "SELECT MAX(id) FROM unit_attempts WHERE runsId = ? AND unit = ?"
            switch event.type {
            case .unitStarted:
                try db.execute(
                    sql: "INSERT INTO unit_attempts (runsId, unit, status, started_at) VALUES (?, ?, 'running', ?)",
                    arguments: [run, unit, time]
                )
            case .unitWorktree:
                try db.execute(
                    sql: "UPDATE unit_attempts SET branch = COALESCE(?, branch), worktree = COALESCE(?, worktree) "
                        + "WHERE id = (\(latestAttempt))",
                    arguments: [string("branch"), string("path"), run, unit]
                )
            case .unitCompleted, .unitFailed, .unitInterrupted:
                let status =
                    event.type == .unitCompleted ? "complete" : event.type == .unitFailed ? "failed" : "interrupted"
                try db.execute(
                    sql: "UPDATE unit_attempts SET status = ?, ended_at = ?, error = ? WHERE id = (\(latestAttempt))",
                    arguments: [status, time, event.error, run, unit]
                )
            case .unitBlocked:
                try db.execute(
                    sql:
                        "INSERT INTO unit_attempts (runsId, unit, status, ended_at, error) VALUES (?, ?, 'blocked', ?, ?)",
                    arguments: [run, unit, time, event.error]
                )
            case .taskClaudeInvoke:
                try db.execute(
                    sql: "INSERT INTO invocations (runsId, unit, task, attempt, provider, log_file, started_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [run, unit, event.task, int("attempt"), string("provider"), string("log_file"), time]
                )
            case .taskClaudeDone:
                try db.execute(
                    sql: "UPDATE invocations SET ended_at = ?, exit = ?, error = ? WHERE id = "
                        + "(SELECT MAX(id) FROM invocations WHERE runsId = ? AND unit = ? AND task IS ?)",
                    arguments: [time, string("exit"), event.error, run, unit, event.task]
                )
            case .taskValidationOK, .taskValidationFail:
                try db.execute(
                    sql:
                        "INSERT INTO checks (runsId, unit, task, command, result, stage, at) VALUES (?, ?, ?, ?, ?, 'task', ?)",
                    arguments: [
                        run, unit, event.task, string("command"), event.type == .taskValidationOK ? "passed" : "failed",
                        time,
                    ]
                )
            case .unitBaseline:
                try db.execute(
                    sql: "INSERT INTO checks (runsId, unit, name, result, stage, at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [run, unit, string("name"), string("result") ?? "unknown", string("stage"), time]
                )
            case .orchCompleted, .orchFailed:
                let interrupted = event.payload["interrupted"] == .bool(true)
                let outcome = interrupted ? "interrupted" : event.type == .orchCompleted ? "complete" : "failed"
                try db.execute(
                    sql: "UPDATE runs SET ended_at = ?, outcome = ?, units = ?, complete = ?, failed = ?, blocked = ?, "
                        + "not_started = ? WHERE id = ?",
                    arguments: [
                        time, outcome, int("total"), int("complete"), int("failed"), int("blocked"), int("not_started"),
                        run,
                    ]
                )
            default:
                break
            }
        }
    }
}
