import Testing

@testable import ChooCore

struct PromptBuilderTests {
    let unit = Unit(
        id: "deck-list",
        directory: "specs/tasks/deck-list",
        planFile: "specs/tasks/deck-list/IMPLEMENTATION_PLAN.md",
        title: "Deck list",
        tasks: [
            TaskSpec(
                number: 1,
                fileName: "01-card.md",
                file: "specs/tasks/deck-list/01-card.md",
                title: "Deck card",
                status: .complete,
                backpressure: "swift build"
            ),
            TaskSpec(
                number: 2,
                fileName: "02-list.md",
                file: "specs/tasks/deck-list/02-list.md",
                title: "List view",
                status: .inProgress,
                backpressure: "swift test --filter ListView",
                dependsOn: [1]
            ),
            TaskSpec(
                number: 3,
                fileName: "03-sort.md",
                file: "specs/tasks/deck-list/03-sort.md",
                title: "Sorting",
                status: .pending,
                backpressure: "swift test --filter Sort",
                dependsOn: [2]
            ),
            TaskSpec(
                number: 4,
                fileName: "04-empty.md",
                file: "specs/tasks/deck-list/04-empty.md",
                title: "Empty state",
                status: .pending,
                backpressure: "swift test --filter Empty"
            ),
        ]
    )

    @Test("offers every ready task with its file and check, and the contract")
    func readyTasks() throws {
        let prompt = try PromptBuilder().prompt(for: unit)
        #expect(prompt.contains("# Unit `deck-list`: Deck list"))
        #expect(prompt.contains("`specs/tasks/deck-list/IMPLEMENTATION_PLAN.md`"))
        #expect(prompt.contains("## Task #2: List view"))
        #expect(prompt.contains("- File: `specs/tasks/deck-list/02-list.md`"))
        #expect(prompt.contains("- Check: `swift test --filter ListView`"))
        #expect(prompt.contains("## Task #4: Empty state"))
        #expect(!prompt.contains("## Task #3"), "task 3 waits for task 2")
        #expect(!prompt.contains("## Task #1"), "task 1 is complete")
        #expect(prompt.contains("Already complete: #1 Deck card."))
        #expect(prompt.contains("pick exactly one"))
        #expect(prompt.contains("set `status: complete`"))
        #expect(prompt.contains("Stop. Do not start another task, do not commit"))
    }

    @Test("--task offers only that task")
    func singleTask() throws {
        let prompt = try PromptBuilder().prompt(for: unit, task: 4)
        #expect(prompt.contains("# Your task"))
        #expect(prompt.contains("## Task #4: Empty state"))
        #expect(!prompt.contains("## Task #2"))
    }

    @Test("--task refuses tasks that are complete, waiting or unknown")
    func refusals() {
        #expect(throws: PromptBuilder.PromptError.taskNotReady(unit: "deck-list", number: 1, detail: "it is complete"))
        {
            try PromptBuilder().prompt(for: unit, task: 1)
        }
        #expect(
            throws: PromptBuilder.PromptError.taskNotReady(
                unit: "deck-list",
                number: 3,
                detail: "it waits for #2 to be complete"
            )
        ) {
            try PromptBuilder().prompt(for: unit, task: 3)
        }
        #expect(throws: PromptBuilder.PromptError.unknownTask(unit: "deck-list", number: 9, available: [1, 2, 3, 4])) {
            try PromptBuilder().prompt(for: unit, task: 9)
        }
    }

    @Test("a unit with nothing ready says why")
    func nothingReady() {
        var done = unit
        done.tasks = done.tasks.map {
            var task = $0
            task.status = .complete
            return task
        }
        #expect(throws: PromptBuilder.PromptError.noReadyTasks(unit: "deck-list", detail: "all 4 tasks are complete")) {
            try PromptBuilder().prompt(for: done)
        }
    }

    @Test("a retry tells the agent what failed, with the end of long output")
    func retry() throws {
        let output = String(repeating: "x", count: 50) + "THE END"
        let prompt = try PromptBuilder(outputLimit: 20).prompt(
            for: unit,
            task: 4,
            retry: .init(
                attempt: 2,
                maxAttempts: 3,
                reason: "The check `swift test --filter Empty` exited 1.",
                output: output
            )
        )
        #expect(prompt.contains("attempt 2 of 3"))
        #expect(prompt.contains("exited 1."))
        #expect(prompt.contains("xxxxTHE END"))
        #expect(prompt.contains("[... 37 bytes (0 lines) of earlier output cut ...]"))
        #expect(!prompt.contains(String(repeating: "x", count: 21)))
    }

    @Test("a retry quotes output with a NUL byte whole, the NUL made visible")
    func retryWithNUL() throws {
        let prompt = try PromptBuilder().prompt(
            for: unit,
            task: 4,
            retry: .init(attempt: 2, maxAttempts: 3, reason: "The check exited 1.", output: "before\u{0}after the NUL")
        )
        #expect(prompt.contains("before\u{2400}after the NUL"))
        #expect(!prompt.utf8.contains(0))
    }
}
