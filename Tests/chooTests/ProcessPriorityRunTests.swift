import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Units' work runs at a lower CPU priority than the merge queue (`unit_niceness`): every unit
/// waits for the one landing at a time, so the landing is never starved by the work beside it.
@Suite(.temporaryDirectory)
struct ProcessPriorityRunTests {
    /// A unit whose check appends its own niceness (`nice` prints it) to `record` before checking
    /// the agent's work; runs it with `settings` and returns the niceness of each run of the check.
    private func checkNiceness(settings: String) async throws -> [String] {
        let record = TemporaryDirectory.current("niceness.txt")
        let fixture = try await RunFixture(.completeNextTask, settings: settings) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: "nice >> \(record) && " + workCheck("a", 1))])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(try await fixture.landed().count == 1)
        let text = try String(contentsOfFile: record, encoding: .utf8)
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("the unit's checks run niced; the landing's check of the rebased result at choo's own priority")
    func landingOutranksUnits() async throws {
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let runs = try await checkNiceness(settings: "unit_niceness: 7\n")
        // At least the task's own check while the unit works, and the landing's check last.
        try #require(runs.count >= 2, "\(runs)")
        #expect(runs.dropLast().allSatisfy { $0 == String(min(19, own + 7)) }, "\(runs)")
        #expect(runs.last == String(own), "\(runs)")
    }

    @Test(
        "a unit's start (its prepared worktree caught up and reviewed) runs at choo's own priority; checkouts are niced"
    )
    func startOutranksUnits() async throws {
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let git = try LoggingGit()
        let fixture = try await RunFixture(.completeNextTask, settings: "unit_niceness: 7\n") { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        let result = try await ChooBinary.run(
            ["run", "-p", "1"],
            in: fixture.repository.path,
            environment: git.environment
        )
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        let calls = try git.calls()
        let niced = String(min(19, own + 7))
        // a's worktree is checked out at its start and b's while a works: units' work, niced.
        for unit in ["a", "b"] {
            let folder = fixture.repository(".ralph/worktrees/" + unit)
            let checkouts = calls.filter { $0.folder == folder && $0.arguments.contains("read-tree -u") }
            #expect(checkouts.count == 1 && checkouts.allSatisfy { $0.niceness == niced }, "\(unit): \(calls)")
        }
        // b starts once a landed: its worktree catches up and is reviewed at choo's own priority.
        let b = fixture.repository(".ralph/worktrees/b")
        let inB = calls.filter { $0.folder == b }
        let caughtUp = try #require(inB.firstIndex { $0.arguments.contains("merge --ff-only") }, "\(inB)")
        #expect(inB[caughtUp].niceness == String(own))
        let review = try #require(inB[caughtUp...].first { $0.arguments.contains(" status ") }, "\(inB)")
        #expect(review.niceness == String(own))
        // Its check of the agent's work is the unit's work again.
        #expect(inB[caughtUp...].contains { $0.arguments.contains(" add ") && $0.niceness == niced }, "\(inB)")
    }

    @Test("unit_niceness: 0 runs everything at choo's own priority")
    func zeroRunsAlike() async throws {
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let runs = try await checkNiceness(settings: "unit_niceness: 0\n")
        #expect(runs.count >= 2 && runs.allSatisfy { $0 == String(own) }, "\(runs)")
    }
}
