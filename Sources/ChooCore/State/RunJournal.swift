import Foundation
import GRDB
import Synchronization

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
    let pool: DatabasePool

    /// Opens (creating and migrating as needed) the journal in `folder`.
    public init(in folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/" + Self.fileName
        pool = try DatabasePool(path: path, configuration: Self.configuration)
        try Self.migrator.migrate(pool)
    }

    /// Opens an existing journal read-only use; `nil` when there is none yet.
    public static func existing(in folder: String) throws -> RunJournal? {
        FileSystem.exists(folder + "/" + fileName) ? try RunJournal(in: folder) : nil
    }

    /// Every connection: in WAL mode, `synchronous = NORMAL` makes a commit a write to the log
    /// rather than an fsync of it. A commit then survives choo being killed at any point (what
    /// resuming after a crash needs) but may be lost if the machine itself loses power; with the
    /// default (`FULL`) every event and every child process paid an fsync, about 4 ms each on the
    /// reference machine, one at a time: most of a 400-unit run's wall time.
    ///
    /// Many journals are open on one file at once: a run's events and its webhook results go
    /// through two, and `choo status`, the dashboard and the MCP server open their own (opening
    /// migrates, which writes). A connection that finds the file locked waits for it (up to
    /// `busyTimeout`) rather than failing at once, GRDB's default, which lost writes and failed
    /// opens whenever two met.
    static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return configuration
    }

    /// How long a connection waits for another's lock before the write or open fails.
    static let busyTimeout: TimeInterval = 30

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
        migrator.registerMigration("v3: the user's checkout") { db in
            try db.create(table: "checkout_states") { table in
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("moment", .text).notNull()
                table.column("head", .text)
                table.column("entries", .text).notNull()
                table.column("at", .text).notNull()
                table.primaryKey(["runsId", "moment"])
            }
            try db.create(table: "checkout_changes") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("path", .text).notNull().indexed()
                table.column("change", .text).notNull()
                table.column("now_status", .text)
                table.column("now_fingerprint", .text)
            }
        }
        migrator.registerMigration("v4: child process tags") { db in
            try db.alter(table: "processes") { table in table.add(column: "tag", .text) }
        }
        migrator.registerMigration("v5: what agents spent") { db in
            // Tokens by kind and dollars as JSON (``Spend``): the run's, each unit attempt's, each turn's.
            for table in ["runs", "unit_attempts", "invocations"] {
                try db.alter(table: table) { table in table.add(column: "spend", .text) }
            }
        }
        migrator.registerMigration("v6: webhook deliveries") { db in
            try db.create(table: "notifications") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("runs", onDelete: .cascade).notNull()
                table.column("hook", .integer).notNull()
                table.column("event_type", .text).notNull()
                table.column("seq", .integer)
                table.column("result", .text).notNull()
                table.column("status", .integer)
                table.column("attempts", .integer).notNull()
                table.column("error", .text)
                table.column("at", .text).notNull()
            }
        }
        migrator.registerMigration("v7: indexes for long runs") { db in
            // A child's end is found by its group, and events after a sequence number by it: without
            // these, each was a scan of every row the run had written so far.
            try db.create(index: "processes_run_group", on: "processes", columns: ["runsId", "pgid"])
            try db.create(index: "events_run_seq", on: "events", columns: ["runsId", "seq"])
        }
        return migrator
    }

    // MARK: Webhooks

    /// Records how a webhook delivery of run `run` ended (`delivered` or `gave up`). Never the URL.
    public func recordNotification(_ result: WebhookDelivery.Result, run: Int64, at time: Date) {
        try? pool.write { db in
            try db.execute(
                sql: "INSERT INTO notifications (runsId, hook, event_type, seq, result, status, attempts, error, at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    run, result.hook, result.eventType, result.sequence, result.delivered ? "delivered" : "gave up",
                    result.status, result.attempts, result.error, Self.text(time),
                ]
            )
        }
    }

    /// The webhook deliveries run `run` recorded, in order.
    public func notifications(run: Int64) throws -> [WebhookDelivery.Result] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notifications WHERE runsId = ? ORDER BY id", arguments: [run]).map
            {
                row in
                let result: String = row["result"]
                return WebhookDelivery.Result(
                    hook: row["hook"],
                    eventType: row["event_type"],
                    sequence: row["seq"],
                    delivered: result == "delivered",
                    status: row["status"],
                    attempts: row["attempts"],
                    error: row["error"]
                )
            }
        }
    }

    // MARK: The user's checkout

    /// When a run looked at the user's checkout.
    public enum CheckoutMoment: String, Sendable, Hashable {
        /// After the pre-flight checks passed, before any unit started.
        case start
        /// When the run ended, however it ended.
        case end
    }

    /// Records what the user's checkout looked like at `moment` of run `run`.
    public func recordCheckout(_ snapshot: CheckoutSnapshot, at moment: CheckoutMoment, run: Int64, time: Date) throws {
        let entries = String(decoding: try JSONEncoder().encode(snapshot.entries), as: UTF8.self)
        try pool.write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO checkout_states (runsId, moment, head, entries, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [run, moment.rawValue, snapshot.head, entries, Self.text(time)]
            )
        }
    }

    /// What the user's checkout looked like at `moment` of run `run`, if that was recorded.
    public func checkout(run: Int64, at moment: CheckoutMoment) throws -> CheckoutSnapshot? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT head, entries FROM checkout_states WHERE runsId = ? AND moment = ?",
                    arguments: [run, moment.rawValue]
                )
            else { return nil }
            let entries: String = row["entries"]
            return CheckoutSnapshot(
                head: row["head"],
                entries: try JSONDecoder().decode([String: CheckoutSnapshot.Entry].self, from: Data(entries.utf8))
            )
        }
    }

    /// Records the paths of the user's checkout that changed during run `run` (not by choo).
    public func recordCheckoutChanges(_ changes: [CheckoutSnapshot.Change], run: Int64) throws {
        try pool.write { db in
            for change in changes {
                try db.execute(
                    sql: "INSERT INTO checkout_changes (runsId, path, change, now_status, now_fingerprint) "
                        + "VALUES (?, ?, ?, ?, ?)",
                    arguments: [run, change.path, change.kind.rawValue, change.now?.status, change.now?.fingerprint]
                )
            }
        }
    }

    /// The paths of the user's checkout that changed during run `run`, in the order recorded.
    public func checkoutChanges(run: Int64) throws -> [CheckoutSnapshot.Change] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM checkout_changes WHERE runsId = ? ORDER BY id",
                arguments: [run]
            ).compactMap(Self.change)
        }
    }

    /// For every path recorded as changed during some run, the newest such record. Only reads the
    /// journal in `folder` (no migration); empty when there is no journal yet or it predates these
    /// records. A refused run calls it, so it leaves the folder as it found it: one ordinary
    /// connection, closed before returning, so SQLite removes the `-wal` and `-shm` files it made
    /// (a read-only connection would leave them behind).
    public static func earlierCheckoutChanges(in folder: String) throws -> [String: CheckoutSnapshot.EarlierChange] {
        let file = folder + "/" + fileName
        guard FileSystem.exists(file) else { return [:] }
        let queue = try DatabaseQueue(path: file, configuration: Self.configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("checkout_changes") else { return [:] }
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM checkout_changes WHERE id IN (SELECT MAX(id) FROM checkout_changes GROUP BY path)"
            )
            var result: [String: CheckoutSnapshot.EarlierChange] = [:]
            for row in rows {
                guard let change = change(row) else { continue }
                result[change.path] = CheckoutSnapshot.EarlierChange(run: row["runsId"], change: change)
            }
            return result
        }
    }

    private static func change(_ row: Row) -> CheckoutSnapshot.Change? {
        guard let kind = CheckoutSnapshot.Change.Kind(rawValue: row["change"]) else { return nil }
        let status: String? = row["now_status"]
        return CheckoutSnapshot.Change(
            path: row["path"],
            kind: kind,
            now: status.map { CheckoutSnapshot.Entry(status: $0, fingerprint: row["now_fingerprint"]) }
        )
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
    public func startRun(command: String, options: [String: String], at time: Date) throws -> Int64 {
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
        /// What the run's agents spent, when it recorded it.
        public var spend: Spend?

        enum CodingKeys: String, CodingKey {
            case id, pid, command, outcome, units, complete, failed, blocked, spend
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case notStarted = "not_started"
        }
    }

    /// Runs, newest first.
    public func runs(limit: Int = 20) throws -> [RunRecord] {
        try records(sql: "SELECT * FROM runs ORDER BY id DESC LIMIT ?", arguments: [limit])
    }

    /// Run `id`, if the journal has it.
    public func run(_ id: Int64) throws -> RunRecord? {
        try records(sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).first
    }

    private func records(sql: String, arguments: StatementArguments) throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record)
        }
    }

    /// A row of `runs` as a record.
    static func record(_ row: Row) -> RunRecord {
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
            notStarted: row["not_started"],
            spend: Self.spend(row["spend"])
        )
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

    /// The agent invocations of `unit` in run `run`, or in the newest run that had any, in order
    /// (only `task`'s when given).
    public func invocations(of unit: String, task: Int? = nil, run: Int64? = nil) throws -> [Invocation] {
        try pool.read { db in
            guard
                let run = try run
                    ?? Int64.fetchOne(
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

    /// What agents spent on each unit in every recorded run, summed.
    public func unitSpend() throws -> [String: Spend] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT unit, spend FROM unit_attempts WHERE spend IS NOT NULL")
            var result: [String: Spend] = [:]
            for row in rows {
                guard let spend = Self.spend(row["spend"]) else { continue }
                result[row["unit"], default: Spend()] = result[row["unit"], default: Spend()] + spend
            }
            return result
        }
    }

    /// A ``Spend`` stored as JSON; `nil` for none or one that does not read.
    static func spend(_ text: String?) -> Spend? {
        text.flatMap { try? JSONDecoder().decode(Spend.self, from: Data($0.utf8)) }
    }

    /// How many events run `run` recorded.
    public func eventCount(run: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE runsId = ?", arguments: [run]) ?? 0
        }
    }

    /// The events run `run` recorded, in order, read back as typed events: what their JSON lines
    /// said, decoded as `choo run --json` consumers decode them. Their times are the middle of the
    /// millisecond the journal stored, so `RunState` keeps the same instant as from the live events.
    public func events(run: Int64) throws -> [Event] {
        try events(run: run, after: 0).map(\.event)
    }

    /// The state of run `run`, rebuilt from the events it recorded: for a finished run what it was
    /// at the end, for a killed one what it was when it died.
    public func state(run: Int64) throws -> RunState {
        RunState(events: try events(run: run))
    }

    /// The JSON line of a stored event: its columns put back together.
    static func line(_ row: Row) -> String {
        func quoted(_ text: String) -> String {
            let data = (try? Event.lineEncoder().encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        let type: String = row["type"]
        let time: String = row["time"]
        var line = "{\"type\":" + quoted(type) + ",\"time\":" + quoted(time)
        if let unit: String = row["unit"] { line += ",\"unit\":" + quoted(unit) }
        if let task: Int = row["task"] { line += ",\"task\":\(task)" }
        if let payload: String = row["payload"] { line += ",\"payload\":" + payload }
        if let error: String = row["error"] { line += ",\"error\":" + quoted(error) }
        return line + "}"
    }

    static func text(_ date: Date) -> String { Event.format(date) }
}
