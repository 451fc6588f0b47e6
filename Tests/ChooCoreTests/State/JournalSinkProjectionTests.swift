import ChooTesting
import Foundation
import GRDB
import Testing

@testable import ChooCore

/// The journal writes only the rows an event changed; after a run they are the rows a projection
/// of the whole state rebuilt from the stored events would write.
@Suite(.temporaryDirectory)
struct JournalSinkProjectionTests {
    let folder = TemporaryDirectory.current("base")

    @Test("after a run, every row is what the state rebuilt from the stored events says", arguments: [1, 2])
    func rowsAreTheRebuiltState(seed: UInt64) throws {
        let journal = try RunJournal(in: folder)
        let run = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        let sink = journal.sink(for: run)
        let events = VariedRun.events(units: 18, seed: seed)
        for (index, event) in events.enumerated() { sink.receive(event, sequence: index + 1) }
        #expect(sink.writeFailures.count == 0)
        let rebuilt = try journal.state(run: run)
        #expect(rebuilt == sink.state)
        #expect(rebuilt == RunState(events: events))

        let rows = try journal.pool.read { db in
            (
                run: try Row.fetchOne(
                    db,
                    sql: "SELECT ended_at, outcome, units, complete, failed, blocked, not_started, spend "
                        + "FROM runs WHERE id = ?",
                    arguments: [run]
                ).map { row in (0 ..< 8).map { row[$0] as DatabaseValue } },
                attempts: try Row.fetchAll(
                    db,
                    sql: "SELECT unit, status, branch, worktree, started_at, ended_at, error, spend "
                        + "FROM unit_attempts WHERE runsId = ? ORDER BY unit",
                    arguments: [run]
                ).map { row in (0 ..< 8).map { row[$0] as DatabaseValue } },
                invocations: try Row.fetchAll(
                    db,
                    sql: "SELECT unit, task, attempt, provider, log_file, started_at, ended_at, exit, error, spend "
                        + "FROM invocations WHERE runsId = ? ORDER BY unit, id",
                    arguments: [run]
                ).map { row in (0 ..< 10).map { row[$0] as DatabaseValue } },
                checks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checks WHERE runsId = ?", arguments: [run])
            )
        }
        let units = rebuilt.units.sorted { $0.id < $1.id }
        #expect(rows.run == JournalRows.Run(rebuilt)?.values)
        #expect(
            rows.attempts
                == units.compactMap { unit in JournalRows.Attempt(unit).map { [unit.id.databaseValue] + $0.values } }
        )
        #expect(
            rows.invocations
                == units.flatMap { unit in
                    unit.turns.map { [unit.id.databaseValue] + JournalRows.Invocation($0).values }
                }
        )
        #expect(rows.checks == units.reduce(0) { $0 + $1.checks.count })
        // The run went through stopped, failed and blocked units, and agents spent something.
        #expect(rows.attempts.contains { $0[1] == "interrupted".databaseValue })
        #expect(rows.run?[7] != .null)
    }
}
