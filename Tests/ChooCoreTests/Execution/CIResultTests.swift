import Testing

@testable import ChooCore

/// CI classification from check runs and statuses, without GitHub.
struct CIResultTests {
    static func run(_ name: String, _ status: String, _ conclusion: String? = nil, output: String? = nil) -> CheckRun {
        CheckRun(
            id: name.hashValue,
            name: name,
            status: status,
            conclusion: conclusion,
            output: output.map { CheckRun.Output(title: $0) }
        )
    }

    @Test(
        "a completed check run fails only with a failing conclusion",
        arguments: [
            ("success", false), ("neutral", false), ("skipped", false), ("failure", true), ("timed_out", true),
            ("cancelled", true), ("action_required", true), ("startup_failure", true),
        ]
    )
    func conclusions(conclusion: String, fails: Bool) {
        let result = CIResult(runs: [Self.run("build", "completed", conclusion)], statuses: [])
        #expect(result.failures == (fails ? ["build (\(conclusion))"] : []))
        #expect(result.pending.isEmpty)
    }

    @Test("queued and in-progress runs and pending statuses are pending; failed statuses fail with their text")
    func mixed() {
        let result = CIResult(
            runs: [
                Self.run("lint", "queued"), Self.run("test", "in_progress"),
                Self.run("build", "completed", "failure", output: "2 tests failed"),
            ],
            statuses: [
                .init(context: "ci/deploy", state: "pending"), .init(context: "ci/docs", state: "success"),
                .init(context: "ci/old", state: "error", description: "runner lost"),
                .init(context: "ci/e2e", state: "failure"),
            ]
        )
        #expect(result.pending == ["lint", "test", "ci/deploy"])
        #expect(
            result.failures == ["build (failure):\n2 tests failed", "ci/old (error): runner lost", "ci/e2e (failure)"]
        )
    }

    @Test("no checks at all is neither failing nor pending, and nothing reported")
    func none() {
        let result = CIResult(runs: [], statuses: [])
        #expect(result.failures.isEmpty && result.pending.isEmpty && result.missing.isEmpty)
        #expect(!result.reported)
    }

    @Test("a required check that reported nothing is missing, whether named by a check run or a status")
    func requiredChecks() {
        let result = CIResult(
            runs: [Self.run("build", "completed", "success")],
            statuses: [.init(context: "ci/lint", state: "success")],
            required: ["build", "ci/lint", "e2e", "deploy"]
        )
        #expect(result.missing == ["e2e", "deploy"])
        #expect(result.reported && result.failures.isEmpty && result.pending.isEmpty)
        let allThere = CIResult(runs: [Self.run("e2e", "in_progress")], statuses: [], required: ["e2e"])
        #expect(allThere.missing.isEmpty && allThere.pending == ["e2e"])
    }
}
