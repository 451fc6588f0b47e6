import ChooCore
import Testing

/// The default process runner in tests: any call records a test failure and throws, so a test can
/// never start a real agent (or any process) by accident. Give a test a real or scripted runner
/// explicitly when it means to run something.
package struct FailingProcessRunner: ProcessRunning {
    /// Creates the runner.
    package init() {}

    package func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws(ProcessError) -> ProcessOutcome {
        let command = ([spec.executable] + spec.arguments).joined(separator: " ")
        Issue.record("FailingProcessRunner was asked to run `\(command)` in \(spec.workingDirectory)")
        throw .launchFailed(
            executable: spec.executable,
            reason: "this test uses FailingProcessRunner, which runs nothing; pass a real or scripted runner"
        )
    }
}
