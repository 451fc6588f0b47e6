import Foundation
import GRDB
import Synchronization

/// Writes every event of one run into the journal, in order, and keeps the run's other rows (the
/// run's outcome and counts, unit attempts, agent invocations, checks) as projections of the
/// run's ``RunState``: each event is applied to the state the sink holds, and the rows whose
/// values changed are written in the same transaction as the event. Only the rows of the units the
/// event changed are looked at (``RunState/Change``), so an event costs the same whatever the
/// number of units. No row is derived from an
/// event's fields here. A write failure is not allowed to stop the run; it is counted and reported
/// at the end, and the rows it missed are written whole at the next change of the same thing.
public final class JournalSink: EventSink {
    private let pool: DatabasePool
    private let run: Int64
    private let failures = Mutex<(count: Int, first: String?)>((0, nil))
    private let projection = Mutex(Projection())

    /// The state and which rows of it are in the database.
    private struct Projection {
        var state = RunState()
        var rows = WrittenRows()
    }

    /// The IDs of the rows written for the run's units.
    struct WrittenRows {
        /// Each unit's attempt row.
        var attempts: [String: Int64] = [:]
        /// Each unit's invocation rows, one per agent turn, in order.
        var turns: [String: [Int64]] = [:]
        /// How many of each unit's checks have rows.
        var checks: [String: Int] = [:]
        /// The run row's values as last written.
        var run: JournalRows.Run?
    }

    init(pool: DatabasePool, run: Int64) {
        self.pool = pool
        self.run = run
    }

    /// How many events could not be written, and why the first could not.
    public var writeFailures: (count: Int, first: String?) { failures.withLock { $0 } }

    /// The run's state after every event received so far.
    public var state: RunState { projection.withLock { $0.state } }

    public func receive(_ event: Event, sequence: Int) {
        let run = self.run
        let pool = self.pool
        projection.withLock { projection in
            // In place: the state is not copied, and only the units the event changed are visited.
            let change = projection.state.apply(event)
            let state = projection.state
            let known = projection.rows
            do {
                projection.rows = try pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO events (runsId, seq, type, time, unit, task, payload, error) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [
                            run, sequence, event.typeName, RunJournal.text(event.time), event.unit, event.task,
                            event.payload.json, event.error,
                        ]
                    )
                    return try Self.project(change, of: state, run: run, rows: known, db: db)
                }
            } catch {
                failures.withLock { failures in
                    failures.count += 1
                    if failures.first == nil { failures.first = "event #\(sequence) (\(event.typeName)): \(error)" }
                }
            }
        }
    }

    /// Writes the rows `change` made differ from those written: the run's when its values differ
    /// from the last written, and those of the units it changed; the rows known afterwards.
    static func project(
        _ change: RunState.Change,
        of state: RunState,
        run: Int64,
        rows known: WrittenRows,
        db: Database
    ) throws -> WrittenRows {
        var writer = RowWriter(db: db, run: run, rows: known)
        try writer.run(of: state)
        for changed in change.units {
            let unit = state.units[changed.index]
            try writer.attempt(of: unit, earlier: changed.before)
            try writer.turns(of: unit, earlier: changed.before)
            try writer.checks(of: unit)
        }
        return writer.rows
    }

    /// Writes one run's unit rows in one transaction, keeping the IDs of the rows it added.
    private struct RowWriter {
        let db: Database
        let run: Int64
        var rows: WrittenRows

        /// The run's row, when its values differ from those last written.
        mutating func run(of state: RunState) throws {
            guard let row = JournalRows.Run(state), row != rows.run else { return }
            try db.execute(
                sql: "UPDATE runs SET ended_at = ?, outcome = ?, units = ?, complete = ?, failed = ?, blocked = ?, "
                    + "not_started = ?, spend = ? WHERE id = ?",
                arguments: StatementArguments(row.values + [run.databaseValue])
            )
            rows.run = row
        }

        /// The unit's attempt row, when it started (or was blocked) and its values changed.
        mutating func attempt(of unit: RunState.UnitState, earlier: RunState.UnitState?) throws {
            guard let row = JournalRows.Attempt(unit) else { return }
            let id = rows.attempts[unit.id]
            guard id == nil || row != earlier.flatMap(JournalRows.Attempt.init) else { return }
            let values = StatementArguments(row.values)
            if let id {
                try db.execute(
                    sql: "UPDATE unit_attempts SET status = ?, branch = ?, worktree = ?, started_at = ?, ended_at = ?, "
                        + "error = ?, spend = ? WHERE id = ?",
                    arguments: values + [id]
                )
            } else {
                try db.execute(
                    sql: "INSERT INTO unit_attempts (runsId, unit, status, branch, worktree, started_at, ended_at, "
                        + "error, spend) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [run, unit.id] + values
                )
                rows.attempts[unit.id] = db.lastInsertedRowID
            }
        }

        /// An invocation row per agent turn: new turns added, changed ones updated.
        mutating func turns(of unit: RunState.UnitState, earlier: RunState.UnitState?) throws {
            var ids = rows.turns[unit.id] ?? []
            for (index, turn) in unit.turns.enumerated() {
                let row = JournalRows.Invocation(turn)
                if index < ids.count {
                    let previous = earlier.flatMap {
                        index < $0.turns.count ? JournalRows.Invocation($0.turns[index]) : nil
                    }
                    guard row != previous else { continue }
                    let values = StatementArguments(row.values)
                    try db.execute(
                        sql: "UPDATE invocations SET task = ?, attempt = ?, provider = ?, log_file = ?, "
                            + "started_at = ?, ended_at = ?, exit = ?, error = ?, spend = ? WHERE id = ?",
                        arguments: values + [ids[index]]
                    )
                } else {
                    let values = StatementArguments(row.values)
                    try db.execute(
                        sql: "INSERT INTO invocations (runsId, unit, task, attempt, provider, log_file, started_at, "
                            + "ended_at, exit, error, spend) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [run, unit.id] + values
                    )
                    ids.append(db.lastInsertedRowID)
                }
            }
            rows.turns[unit.id] = ids
        }

        /// A check row per check the unit ran since the last write.
        mutating func checks(of unit: RunState.UnitState) throws {
            let written = rows.checks[unit.id] ?? 0
            guard unit.checks.count > written else { return }
            for check in unit.checks[written...] {
                let result = check.passed ? "passed" : "failed"
                let at = RunState.text(instant: check.at)
                switch check.kind {
                case .task(let task, let command):
                    try db.execute(
                        sql: "INSERT INTO checks (runsId, unit, task, command, result, stage, at) "
                            + "VALUES (?, ?, ?, ?, ?, 'task', ?)",
                        arguments: [run, unit.id, task, command, result, at]
                    )
                case .baseline(let name, let stage):
                    try db.execute(
                        sql: "INSERT INTO checks (runsId, unit, name, result, stage, at) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [run, unit.id, name, result, stage.rawValue, at]
                    )
                }
            }
            rows.checks[unit.id] = unit.checks.count
        }
    }
}

/// The rows written from a run's state: their values, compared to tell whether a row changed,
/// and the database values of their columns, made only to write them.
enum JournalRows {
    /// The run's `ended_at, outcome, units, complete, failed, blocked, not_started, spend`.
    struct Run: Hashable {
        var finishedAt: Date?
        var outcome: String
        var totals: RunState.Totals
        var spend: Spend

        /// `nil` before the run started (nothing to say yet).
        init?(_ state: RunState) {
            guard state.startedAt != nil || state.outcome != nil else { return nil }
            finishedAt = state.finishedAt
            outcome = state.outcome?.rawValue ?? "running"
            totals = state.totals
            spend = state.spend
        }

        var values: [DatabaseValue] {
            [
                finishedAt.map(RunState.text(instant:)).databaseValue, outcome.databaseValue,
                totals.units.databaseValue, totals.complete.databaseValue, totals.failed.databaseValue,
                totals.blocked.databaseValue, totals.notStarted.databaseValue, spendValue(spend),
            ]
        }
    }

    /// A unit's attempt: `status, branch, worktree, started_at, ended_at, error, spend`.
    struct Attempt: Hashable {
        var status: String
        var branch: String?
        var worktree: String?
        var startedAt: Date?
        var finishedAt: Date?
        var error: String?
        var spend: Spend

        /// `nil` for a unit that has not started (or been blocked).
        init?(_ unit: RunState.UnitState) {
            guard unit.state != .queued else { return nil }
            status = unit.state.rawValue
            branch = unit.branch
            worktree = unit.worktree
            startedAt = unit.startedAt
            finishedAt = unit.finishedAt
            error = unit.error
            spend = unit.spend
        }

        var values: [DatabaseValue] {
            [
                status.databaseValue, branch.databaseValue, worktree.databaseValue,
                startedAt.map(RunState.text(instant:)).databaseValue,
                finishedAt.map(RunState.text(instant:)).databaseValue, error.databaseValue, spendValue(spend),
            ]
        }
    }

    /// An agent turn's invocation: `task, attempt, provider, log_file, started_at, ended_at, exit,
    /// error, spend`.
    struct Invocation: Hashable {
        var task: Int?
        var attempt: Int
        var provider: String
        var logFile: String
        var startedAt: Date
        var endedAt: Date?
        var exit: String?
        var error: String?
        var spend: Spend

        init(_ turn: RunState.Turn) {
            task = turn.task
            attempt = turn.attempt
            provider = turn.provider
            logFile = turn.logFile
            startedAt = turn.startedAt
            endedAt = turn.endedAt
            exit = turn.exit
            error = turn.error
            spend = turn.spend
        }

        var values: [DatabaseValue] {
            [
                task.databaseValue, attempt.databaseValue, provider.databaseValue, logFile.databaseValue,
                RunState.text(instant: startedAt).databaseValue, endedAt.map(RunState.text(instant:)).databaseValue,
                exit.databaseValue, error.databaseValue, spendValue(spend),
            ]
        }
    }

    /// A spend as its JSON, `NULL` when nothing was spent (no agent reported any).
    static func spendValue(_ spend: Spend) -> DatabaseValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard !spend.isEmpty, let data = try? encoder.encode(spend) else { return .null }
        return String(decoding: data, as: UTF8.self).databaseValue
    }
}
