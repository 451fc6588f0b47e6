import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo run` end to end with prompts that cannot be one argument: a check printing a NUL byte, and a
/// prompt over the kernel's per-argument limit.
@Suite(.temporaryDirectory)
struct PromptDeliveryTests {
    @Test("a check whose output holds a NUL byte: the retry prompt has the text after it, the NUL shown as ␀")
    func retryPromptWithNUL() async throws {
        let check =
            "test -f work/u-01-task-1.done || { printf before; head -c 1 /dev/zero; echo ' after the NUL'; exit 1; }"
        let fixture = try await RunFixture(.markWithoutWorkingFirst) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: check)])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let prompts = fixture.agent.prompts
        #expect(prompts.count == 2)
        #expect(prompts.last?.contains("before\u{2400} after the NUL") == true, "\(prompts.last ?? "")")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    /// A unit title long enough to make the prompt larger than Linux's 128 KiB per-argument limit.
    static let hugeTitle = "Huge " + String(repeating: "title ", count: 200 * 1024 / 6) + "end"

    @Test("a prompt over 128 KiB reaches the agent whole on stdin (stdin_args), and the task lands")
    func hugePromptOnStandardInput() async throws {
        let fixture = try await RunFixture(.completeNextTask, standardInputArguments: []) { specs in
            try specs.unit("u", title: Self.hugeTitle, tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let prompts = fixture.agent.prompts
        #expect(prompts.count == 1)
        let prompt = try #require(prompts.first)
        #expect(prompt.utf8.count > 128 * 1024)
        #expect(prompt.contains("# Unit `u`: \(Self.hugeTitle)\n"))
        #expect(prompt.contains("# How to work"), "the end of the prompt arrived too")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"])
    }

    @Test("without stdin_args a prompt too large for an argument fails the unit naming the key")
    func hugePromptWithoutStandardInputArguments() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", title: Self.hugeTitle, tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("provider.providers.fake.stdin_args"), "\(result.stdout)")
        #expect(fixture.agent.prompts.isEmpty)
        #expect(try await fixture.landed().isEmpty)
    }
}
