import ChooCore
import ChooTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.temporaryDirectory)
struct SystemProcessRunnerTests {
    /// The children in these tests would run 30 s or more; ending well before that proves they were
    /// stopped. The margin is wide because a loaded 2-core machine can delay the stop by seconds.
    static let stoppedEarly = Duration.seconds(20)

    let runner = SystemProcessRunner()
    let directory = TemporaryDirectory.current

    /// `sh -c script` in the test's folder, with a timeout so a broken test cannot hang.
    func shell(_ script: String, timeout: Duration = .seconds(30)) -> ProcessSpec {
        .shell(script, in: directory.path, timeout: timeout)
    }

    @Test("exit codes 0 and 3 are returned, not thrown")
    func exitCodes() async throws {
        let ok = try await runner.run(shell("exit 0"))
        #expect(ok.termination == .exited(0))
        #expect(ok.stoppedBecause == nil)
        #expect(ok.succeeded)
        let failed = try await runner.run(shell("exit 3"))
        #expect(failed.termination == .exited(3))
        #expect(failed.stoppedBecause == nil)
        #expect(!failed.succeeded)
        expectReaped(ok.processIdentifier)
        expectReaped(failed.processIdentifier)
    }

    @Test("stdout and stderr are captured together, and the callbacks see the same output")
    func outputCaptured() async throws {
        let chunks = Mutex<[String]>([])
        let started = Mutex<Int32?>(nil)
        let outcome = try await runner.run(
            shell("echo out; echo err >&2; printf 'caf\\303\\251'"),
            onStart: { pid in started.withLock { $0 = pid } },
            onOutput: { chunk in chunks.withLock { $0.append(chunk.text) } }
        )
        #expect(outcome.output == "out\nerr\ncafé")
        #expect(outcome.errorOutput == "")
        #expect(chunks.withLock { $0.joined() } == outcome.output)
        #expect(started.withLock { $0 } == outcome.processIdentifier)
    }

    @Test("stderr can be kept apart from stdout")
    func separateErrorOutput() async throws {
        var spec = shell("echo out; echo err >&2")
        spec.separatesErrorOutput = true
        let outcome = try await runner.run(spec)
        #expect(outcome.output == "out\n")
        #expect(outcome.errorOutput == "err\n")
    }

    @Test("only the tail of the output is kept, up to the limit")
    func tailLimit() async throws {
        var spec = shell("head -c 10000 /dev/zero | tr '\\0' a; printf END")
        spec.outputTailLimit = 100
        let outcome = try await runner.run(spec)
        #expect(outcome.output.utf8.count == 100)
        #expect(outcome.output.hasSuffix("aaaEND"))
    }

    @Test("standard input is delivered and closed; without it the child reads /dev/null")
    func standardInput() async throws {
        var spec = ProcessSpec(executable: "cat", workingDirectory: directory.path, timeout: .seconds(30))
        spec.standardInput = "hello\nwörld"
        #expect(try await runner.run(spec).output == "hello\nwörld")
        spec.standardInput = nil
        let empty = try await runner.run(spec)
        #expect(empty.output == "")
        #expect(empty.stoppedBecause == nil)
    }

    @Test("a child that does not read a large input still ends normally")
    func unreadInput() async throws {
        var spec = shell("exit 0")
        spec.standardInput = String(repeating: "x", count: 1 << 20)
        let outcome = try await runner.run(spec)
        #expect(outcome.termination == .exited(0))
    }

    @Test("output is appended to the log file, creating its folders")
    func logFile() async throws {
        var spec = shell("echo one; echo two >&2")
        spec.logFile = directory("logs/nested/run.log")
        _ = try await runner.run(spec)
        spec.arguments = ["-c", "echo three"]
        _ = try await runner.run(spec)
        let log = try String(contentsOfFile: directory("logs/nested/run.log"), encoding: .utf8)
        #expect(log == "one\ntwo\nthree\n")
    }

    @Test("a log file that cannot be opened is an error before anything runs")
    func logFileError() async throws {
        try "a file, not a folder".write(toFile: directory("blocker"), atomically: true, encoding: .utf8)
        var spec = shell("echo never")
        spec.logFile = directory("blocker/run.log")
        await #expect(throws: ProcessError.self) { try await runner.run(spec) }
    }

    @Test("environment and working directory are applied")
    func environmentAndDirectory() async throws {
        try FileManager.default.createDirectory(atPath: directory("sub"), withIntermediateDirectories: true)
        var spec = ProcessSpec.shell("printf '%s|%s' \"$CHOO_TEST_VALUE\" \"$(pwd)\"", in: directory("sub"))
        spec.environment = ["CHOO_TEST_VALUE": "it's set"]
        let outcome = try await runner.run(spec)
        #expect(outcome.output == "it's set|\(directory("sub"))")
    }

    @Test("a name is looked up on the PATH given in the spec's environment; arguments pass untouched")
    func pathLookup() async throws {
        try FileManager.default.createDirectory(atPath: directory("bin"), withIntermediateDirectories: true)
        let tool = directory("bin/fake-tool")
        try "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n".write(
            toFile: tool,
            atomically: true,
            encoding: .utf8
        )
        chmod(tool, 0o755)
        let path = directory("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let spec = ProcessSpec(
            executable: "fake-tool",
            arguments: ["two words", "$HOME", "'quoted'", ""],
            workingDirectory: directory.path,
            environment: ["PATH": path],
            timeout: .seconds(30)
        )
        let outcome = try await runner.run(spec)
        #expect(outcome.output == "[two words][$HOME]['quoted'][]")
    }

    @Test("a missing executable throws, naming the folders searched")
    func missingExecutable() async throws {
        let spec = ProcessSpec(
            executable: "choo-no-such-tool",
            workingDirectory: directory.path,
            environment: ["PATH": "/nonexistent-one:/nonexistent-two"]
        )
        let error = await #expect(throws: ProcessError.self) { try await runner.run(spec) }
        #expect(error == .executableNotFound("choo-no-such-tool", searched: ["/nonexistent-one", "/nonexistent-two"]))
        let message = error?.description ?? ""
        #expect(message.contains("choo-no-such-tool"))
        #expect(message.contains("/nonexistent-one, /nonexistent-two"))

        let absolute = ProcessSpec(executable: "/nonexistent/tool", workingDirectory: directory.path)
        let second = await #expect(throws: ProcessError.self) { try await runner.run(absolute) }
        #expect(second == .executableNotFound("/nonexistent/tool", searched: []))
    }

    @Test("a missing working directory or an unrunnable file is a launch failure")
    func launchFailures() async throws {
        let spec = ProcessSpec(executable: "/bin/sh", workingDirectory: directory("missing"))
        let error = await #expect(throws: ProcessError.self) { try await runner.run(spec) }
        #expect(error?.description.contains(directory("missing")) == true)

        let file = directory("not-a-program")
        try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o755)
        let bad = ProcessSpec(executable: file, workingDirectory: directory.path)
        let launch = await #expect(throws: ProcessError.self) { try await runner.run(bad) }
        guard case .launchFailed(let executable, _) = launch else {
            Issue.record("expected launchFailed, got \(String(describing: launch))")
            return
        }
        #expect(executable == file)
    }

    @Test("the overall timeout stops a long sleep quickly")
    func overallTimeout() async throws {
        let spec = ProcessSpec(
            executable: "sleep",
            arguments: ["30"],
            workingDirectory: directory.path,
            timeout: .milliseconds(200)
        )
        let outcome = try await runner.run(spec)
        #expect(outcome.stoppedBecause == .timeout)
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(!outcome.succeeded)
        #expect(outcome.duration >= .milliseconds(200))
        #expect(outcome.duration < Self.stoppedEarly)
        expectReaped(outcome.processIdentifier)
    }

    @Test("the idle timeout stops a process that printed once and then hung")
    func idleTimeout() async throws {
        var spec = shell("echo started; sleep 30")
        spec.idleTimeout = .milliseconds(200)
        let outcome = try await runner.run(spec)
        #expect(outcome.stoppedBecause == .idle)
        #expect(outcome.output == "started\n")
        #expect(outcome.duration < Self.stoppedEarly)
        expectReaped(outcome.processIdentifier)
    }

    @Test("while a call is known to run, silence up to the tool timeout is allowed instead of the idle timeout")
    func toolCallsEarnTheirOwnTimeout() async throws {
        // Quiet for 2 s against a 300 ms idle limit: only the open call keeps it alive.
        var spec = shell("echo started; sleep 2; echo done")
        spec.idleTimeout = .milliseconds(300)
        let activity = ProcessActivity(toolTimeout: .seconds(25))
        activity.started("call-1")
        spec.activity = activity
        let outcome = try await runner.run(spec)
        #expect(outcome.stoppedBecause == nil)
        #expect(outcome.output == "started\ndone\n")

        // A call that stays quiet past the tool timeout is stuck, and says so.
        var stuck = shell("echo started; sleep 30")
        stuck.idleTimeout = .milliseconds(200)
        let open = ProcessActivity(toolTimeout: .milliseconds(800))
        open.started("call-2")
        stuck.activity = open
        let stopped = try await runner.run(stuck)
        #expect(stopped.stoppedBecause == .toolIdle)
        #expect(stopped.duration >= .milliseconds(800))
        #expect(stopped.duration < Self.stoppedEarly)
    }

    @Test("once the call ends, the idle timeout is back: a process that then hangs is stopped as idle")
    func callEndRestoresIdleTimeout() async throws {
        var spec = shell("echo call-ended; sleep 30")
        spec.idleTimeout = .milliseconds(300)
        let activity = ProcessActivity(toolTimeout: .seconds(60))
        activity.started("call-1")
        spec.activity = activity
        let outcome = try await runner.run(spec, onStart: { _ in }, onOutput: { _ in activity.finished("call-1") })
        #expect(outcome.stoppedBecause == .idle)
        #expect(outcome.duration < Self.stoppedEarly)
    }

    @Test("a process that keeps printing more often than the idle limit is not stopped")
    func busyProcessIsNotIdle() async throws {
        // Ticks every 100 ms for 3 s against a 2 s idle limit: a 20x margin, so a loaded 2-core
        // machine cannot make a busy process look idle.
        var spec = shell("i=0; while [ $i -lt 30 ]; do echo tick; sleep 0.1; i=$((i + 1)); done")
        spec.idleTimeout = .seconds(2)
        let outcome = try await runner.run(spec)
        #expect(outcome.stoppedBecause == nil)
        #expect(outcome.termination == .exited(0))
        #expect(outcome.output == String(repeating: "tick\n", count: 30))
        // It ran longer than the idle limit, so only fresh output kept it alive.
        #expect(outcome.duration > .seconds(2))
    }

    @Test("stopping a shell stops the grandchild it started, before run returns")
    func grandchildStopped() async throws {
        let outcome = try await runner.run(shell("sleep 300 & echo $!; wait", timeout: .milliseconds(300)))
        #expect(outcome.stoppedBecause == .timeout)
        let grandchild = try #require(Int32(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!ProcessTable.isRunning(grandchild))
        expectReaped(outcome.processIdentifier)
    }

    @Test("what a process leaves running in its group is stopped when it exits by itself")
    func leftoversStopped() async throws {
        let outcome = try await runner.run(shell("sleep 300 >/dev/null 2>&1 & echo $!"))
        #expect(outcome.termination == .exited(0))
        #expect(outcome.stoppedBecause == nil)
        let leftover = try #require(Int32(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!ProcessTable.isRunning(leftover))
    }

    @Test("a process that ignores SIGTERM is killed after the grace period")
    func ignoresTerm() async throws {
        var spec = shell("trap '' TERM; sleep 30", timeout: .milliseconds(200))
        spec.terminationGrace = .milliseconds(300)
        let outcome = try await runner.run(spec)
        #expect(outcome.stoppedBecause == .timeout)
        #expect(outcome.termination == .signaled(SIGKILL))
        #expect(outcome.duration >= .milliseconds(500))
        #expect(outcome.duration < Self.stoppedEarly)
        expectReaped(outcome.processIdentifier)
    }

    @Test("cancelling the calling task stops the child and reports .cancelled")
    func cancellation() async throws {
        let outcome = try await runner.runCancelledAfterFirstOutput(shell("echo started; exec sleep 30"))
        #expect(outcome.stoppedBecause == .cancelled)
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(outcome.duration < Self.stoppedEarly)
        expectReaped(outcome.processIdentifier)
    }

    @Test("cancelling stops a child that ignores SIGTERM with SIGKILL after the grace period")
    func cancellationEscalates() async throws {
        var spec = shell("trap '' TERM; echo started; sleep 30")
        spec.terminationGrace = .milliseconds(200)
        let outcome = try await runner.runCancelledAfterFirstOutput(spec)
        #expect(outcome.stoppedBecause == .cancelled)
        #expect(outcome.termination == .signaled(SIGKILL))
        #expect(outcome.duration < Self.stoppedEarly)
        expectReaped(outcome.processIdentifier)
    }

    @Test("children start from the runner's environment, not this process's")
    func runnerEnvironment() async throws {
        let runner = SystemProcessRunner(environment: ["PATH": "/usr/bin:/bin", "CHOO_BASE": "base"])
        var spec = shell("printf '%s|%s|%s' \"$CHOO_BASE\" \"$CHOO_EXTRA\" \"${HOME-unset}\"")
        spec.environment = ["CHOO_EXTRA": "extra"]
        let outcome = try await runner.run(spec)
        #expect(outcome.output == "base|extra|unset")
    }

    /// The child was reaped: no zombie is left in the process table.
    func expectReaped(_ pid: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #if os(Linux)
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), sourceLocation: sourceLocation)
        #endif
        #expect(kill(pid, 0) == -1 && errno == ESRCH, sourceLocation: sourceLocation)
    }
}
