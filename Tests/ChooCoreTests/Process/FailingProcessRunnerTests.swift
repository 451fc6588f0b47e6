import ChooCore
import ChooTesting
import Testing

struct FailingProcessRunnerTests {
    @Test("the default double records an issue and throws instead of running anything")
    func failsLoudly() async {
        await withKnownIssue {
            let spec = ProcessSpec(executable: "claude", arguments: ["-p", "hi"], workingDirectory: "/")
            await #expect(throws: ProcessError.self) { try await FailingProcessRunner().run(spec) }
        }
    }
}
