import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo status` combines the spec files, the unit branches and the journal, so it agrees with git
/// and with what the last run did.
@Suite(.temporaryDirectory)
struct StatusTests {
    @Test("a failed run: committed work shows on its branch, the failure and the blocked unit are counted")
    func afterFailedRun() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "max_attempts: 1\n") { specs in
            try specs.unit(
                "core",
                tasks: [.init(1, backpressure: workCheck("core", 1)), .init(2, backpressure: "echo never; false")]
            )
            try specs.unit("app", dependsOn: ["core"])
        }
        #expect(try await fixture.choo("run").exitCode == 1)
        #expect(try await fixture.commits(on: "ralph/core") == ["feat(core): complete task #1 - Task 1"])

        let status = try await fixture.choo("status")
        #expect(status.exitCode == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n").map(String.init)
        let core = try #require(lines.first { $0.hasPrefix("core") })
        #expect(core.contains("0/2") && core.contains("failed"), "\(status.stdout)")
        #expect(status.stdout.contains("last run #1: failed: "), "\(status.stdout)")
        #expect(status.stdout.contains("committed on ralph/core, not landed yet: task #1"))
        #expect(lines.contains { $0.contains("✓ #1") && $0.contains("(committed on ralph/core)") }, "\(status.stdout)")
        let app = try #require(lines.first { $0.hasPrefix("app") })
        #expect(app.contains("blocked") && app.contains("blocked by core (failed)"), "\(app)")
        #expect(status.stdout.contains("Total: 2 units, 1 failed, 1 blocked; tasks 0/3 complete"), "\(status.stdout)")

        let json = try await fixture.choo("status", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let units = try #require(object["units"] as? [[String: Any]])
        let coreJSON = try #require(units.first { $0["id"] as? String == "core" })
        #expect(coreJSON["status"] as? String == "failed")
        #expect(coreJSON["spec_status"] as? String == "pending")
        #expect(coreJSON["unit_branch"] as? String == "ralph/core")
        #expect(coreJSON["committed_tasks"] as? [Int] == [1])
        #expect((coreJSON["last_attempt"] as? [String: Any])?["outcome"] as? String == "failed")
        #expect((object["totals"] as? [String: Any])?["failed"] as? Int == 1)
    }

    @Test("a run whose process is gone while a unit ran: the unit stopped abruptly, it is not running")
    func killedRun() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("core")
        }
        // What a run killed with SIGKILL leaves in the journal: a unit started, never ended, no lock.
        let journal = try RunJournal(in: fixture.repository(".ralph/worktrees"))
        let run = try journal.startRun(
            command: "choo run",
            options: [:],
            at: Date(timeIntervalSince1970: 1_700_000_000)
        )
        journal.sink(for: run).receive(Event(.unitStarted, unit: "core"), sequence: 1)

        let status = try await fixture.choo("status")
        #expect(status.stdout.contains("last run #\(run): stopped abruptly"), "\(status.stdout)")
        #expect(!status.stdout.contains("running"), "\(status.stdout)")
        #expect(status.stdout.contains("in progress"), "\(status.stdout)")
    }
}
