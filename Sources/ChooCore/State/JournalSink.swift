import Foundation
import GRDB
import Synchronization

/// Writes every event of one run into the journal, in order, and keeps the run's other rows (the
/// run's outcome and counts, unit attempts, agent invocations, checks) as projections of the
/// run's ``RunState``: each event is applied to the state the sink holds, and the rows whose
/// values changed are written in the same transaction as the event. No row is derived from an
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
            let before = projection.state
            projection.state.apply(event)
            let after = projection.state
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
                    return try Self.project(from: before, to: after, run: run, rows: known, db: db)
                }
            } catch {
                failures.withLock { failures in
                    failures.count += 1
                    if failures.first == nil { failures.first = "event #\(sequence) (\(event.typeName)): \(error)" }
                }
            }
        }
    }

    /// Writes the rows whose values differ between `before` and `after`; the rows known afterwards.
    static func project(
        from before: RunState,
        to after: RunState,
        run: Int64,
        rows known: WrittenRows,
        db: Database
    ) throws -> WrittenRows {
        var writer = RowWriter(db: db, run: run, rows: known)
        if let row = JournalRows.run(after), row != JournalRows.run(before) {
            try db.execute(
                sql: "UPDATE runs SET ended_at = ?, outcome = ?, units = ?, complete = ?, failed = ?, blocked = ?, "
                    + "not_started = ?, spend = ? WHERE id = ?",
                arguments: StatementArguments(row + [run.databaseValue])
            )
        }
        for unit in after.units {
            let earlier = before.unit(unit.id)
            guard earlier != unit else { continue }
            try writer.attempt(of: unit, earlier: earlier)
            try writer.turns(of: unit, earlier: earlier)
            try writer.checks(of: unit)
        }
        return writer.rows
    }

    /// Writes one run's unit rows in one transaction, keeping the IDs of the rows it added.
    private struct RowWriter {
        let db: Database
        let run: Int64
        var rows: WrittenRows

        /// The unit's attempt row, when it started (or was blocked) and its values changed.
        mutating func attempt(of unit: RunState.UnitState, earlier: RunState.UnitState?) throws {
            guard let row = JournalRows.attempt(unit) else { return }
            let id = rows.attempts[unit.id]
            guard id == nil || row != earlier.flatMap(JournalRows.attempt) else { return }
            let values = StatementArguments(row)
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
                let row = JournalRows.invocation(turn)
                let values = StatementArguments(row)
                if index < ids.count {
                    let previous = earlier.flatMap {
                        index < $0.turns.count ? JournalRows.invocation($0.turns[index]) : nil
                    }
                    guard row != previous else { continue }
                    try db.execute(
                        sql: "UPDATE invocations SET task = ?, attempt = ?, provider = ?, log_file = ?, "
                            + "started_at = ?, ended_at = ?, exit = ?, error = ?, spend = ? WHERE id = ?",
                        arguments: values + [ids[index]]
                    )
                } else {
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

/// The values of the rows written from a run's state, in the order of their columns.
enum JournalRows {
    /// The run's `ended_at, outcome, units, complete, failed, blocked, not_started`; `nil` before
    /// the run started (nothing to say yet).
    static func run(_ state: RunState) -> [DatabaseValue]? {
        guard state.startedAt != nil || state.outcome != nil else { return nil }
        let totals = state.totals
        return [
            state.finishedAt.map(RunState.text(instant:)).databaseValue,
            (state.outcome?.rawValue ?? "running").databaseValue, totals.units.databaseValue,
            totals.complete.databaseValue, totals.failed.databaseValue, totals.blocked.databaseValue,
            totals.notStarted.databaseValue, spendValue(state.spend),
        ]
    }

    /// The unit's attempt: `status, branch, worktree, started_at, ended_at, error`; `nil` for a unit
    /// that has not started (or been blocked).
    static func attempt(_ unit: RunState.UnitState) -> [DatabaseValue]? {
        guard unit.state != .queued else { return nil }
        return [
            unit.state.rawValue.databaseValue, unit.branch.databaseValue, unit.worktree.databaseValue,
            unit.startedAt.map(RunState.text(instant:)).databaseValue,
            unit.finishedAt.map(RunState.text(instant:)).databaseValue, unit.error.databaseValue,
            spendValue(unit.spend),
        ]
    }

    /// An agent turn's invocation: `task, attempt, provider, log_file, started_at, ended_at, exit, error`.
    static func invocation(_ turn: RunState.Turn) -> [DatabaseValue] {
        [
            turn.task.databaseValue, turn.attempt.databaseValue, turn.provider.databaseValue,
            turn.logFile.databaseValue, RunState.text(instant: turn.startedAt).databaseValue,
            turn.endedAt.map(RunState.text(instant:)).databaseValue, turn.exit.databaseValue,
            turn.error.databaseValue, spendValue(turn.spend),
        ]
    }

    /// A spend as its JSON, `NULL` when nothing was spent (no agent reported any).
    static func spendValue(_ spend: Spend) -> DatabaseValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard !spend.isEmpty, let data = try? encoder.encode(spend) else { return .null }
        return String(decoding: data, as: UTF8.self).databaseValue
    }
}
