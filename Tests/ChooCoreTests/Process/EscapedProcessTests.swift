import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Processes that leave their unit's process group (`setsid`, double forks) are still stopped
/// before `run` returns, and reported as leftovers.
@Suite(.temporaryDirectory)
struct EscapedProcessTests {
    let runner = SystemProcessRunner()
    let directory = TemporaryDirectory.current

    /// A name no other process has: `exec -a` gives it to a sleeper as its `argv[0]`.
    static func marker() -> String { "choo-test-marker-" + UUID().uuidString }

    /// Shell text that starts a 600 s sleeper named `marker` in a session of its own (tagged `tag`,
    /// if given), and goes on once the sleeper has left the group (it says so through a FIFO in the
    /// current folder).
    static func setsidSleeper(_ marker: String, ignoringTerm: Bool = false, tag: String? = nil) -> String {
        let trap = ignoringTerm ? "trap \"\" TERM; " : ""
        let environment = tag.map { "env CHOO_PROCESS_TAG=\($0) " } ?? ""
        return "mkfifo \(marker).ready && \(environment)setsid -f bash -c '\(trap)echo > \(marker).ready; "
            + "exec -a \(marker) sleep 600' && read ready < \(marker).ready"
    }

    /// Shell text that starts a 600 s sleeper named `marker` through a subshell that exits at once.
    static func doubleForkedSleeper(_ marker: String) -> String {
        "(bash -c 'exec -a \(marker) sleep 600' >/dev/null 2>&1 &)"
    }

    func shell(_ script: String, timeout: Duration = .seconds(60)) -> ProcessSpec {
        .shell(script, in: directory.path, timeout: timeout)
    }

    @Test("a setsid sleeper and a double-forked one are gone when run returns, and both are reported")
    func escapedProcessesStopped() async throws {
        let (escaped, forked) = (Self.marker(), Self.marker())
        let outcome = try await runner.run(
            shell(Self.setsidSleeper(escaped) + "; " + Self.doubleForkedSleeper(forked) + "; echo started")
        )
        #expect(outcome.termination == .exited(0))
        #expect(outcome.stoppedBecause == nil)
        #expect(outcome.output == "started\n")
        for marker in [escaped, forked] {
            let leftover = try #require(outcome.leftovers.first { $0.commandLine.contains(marker) }, "\(outcome)")
            // "<marker> 600" once the sleeper has started; its launcher's command line before that.
            #expect(leftover.commandLine.hasSuffix("\(marker) sleep 600") || leftover.commandLine == "\(marker) 600")
            expectGone(leftover.pid)
            #expect(processes(named: marker).isEmpty)
        }
    }

    @Test("an escaped process is stopped too when the child timed out")
    func escapedAfterTimeout() async throws {
        let marker = Self.marker()
        let outcome = try await runner.run(
            shell(Self.setsidSleeper(marker) + "; echo started; exec sleep 600", timeout: .milliseconds(500))
        )
        #expect(outcome.stoppedBecause == .timeout)
        try expectStopped(marker, in: outcome)
    }

    @Test("an escaped process is stopped too when the calling task is cancelled")
    func escapedAfterCancellation() async throws {
        let marker = Self.marker()
        let outcome = try await runner.runCancelledAfterFirstOutput(
            shell(Self.setsidSleeper(marker) + "; echo started; exec sleep 600")
        )
        #expect(outcome.stoppedBecause == .cancelled)
        try expectStopped(marker, in: outcome)
    }

    @Test("an escaped process that ignores SIGTERM is killed after the grace period")
    func escapedIgnoringTerm() async throws {
        let marker = Self.marker()
        var spec = shell(Self.setsidSleeper(marker, ignoringTerm: true))
        spec.terminationGrace = .milliseconds(200)
        let outcome = try await runner.run(spec)
        #expect(outcome.termination == .exited(0))
        let leftover = try #require(outcome.leftovers.first { $0.commandLine.contains(marker) }, "\(outcome)")
        expectGone(leftover.pid)
        #expect(outcome.duration >= .milliseconds(200))
    }

    @Test("a child that leaves nothing running reports no leftovers")
    func noLeftovers() async throws {
        let outcome = try await runner.run(shell("sleep 0; exit 4"))
        #expect(outcome.termination == .exited(4))
        #expect(outcome.leftovers.isEmpty)
    }

    @Test("every child gets a tag of its own in its environment; one the spec gives is kept")
    func tags() async throws {
        let first = try await runner.run(shell("printf %s \"$CHOO_PROCESS_TAG\""))
        let second = try await runner.run(shell("printf %s \"$CHOO_PROCESS_TAG\""))
        #expect(!first.output.isEmpty)
        #expect(first.output != second.output)
        var spec = shell("printf %s \"$CHOO_PROCESS_TAG\"")
        spec.environment = ["CHOO_PROCESS_TAG": "given"]
        #expect(try await runner.run(spec).output == "given")
    }

    #if os(Linux)
    @Test("as a subreaper, choo still gets every child's own exit status while it reaps orphans")
    func exitStatusesWithOrphans() async throws {
        #expect(OrphanReaper.adoptOrphans())
        let runner = runner
        let spec = shell
        let results = try await withThrowingTaskGroup(of: (Int, ProcessOutcome).self) { group in
            for index in 0 ..< 40 {
                // Every other child leaves orphans that the runner stops and reaps meanwhile.
                let orphans = index.isMultiple(of: 2) ? Self.setsidSleeper(Self.marker()) + "; (sleep 600 &); " : ""
                let ending = index.isMultiple(of: 5) ? "kill -TERM $$" : "exit \(index % 7)"
                group.addTask { (index, try await runner.run(spec(orphans + ending, .seconds(60)))) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for index in 0 ..< 40 {
            let outcome = try #require(results[index])
            let expected: ProcessOutcome.Termination =
                index.isMultiple(of: 5) ? .signaled(SIGTERM) : .exited(Int32(index % 7))
            #expect(outcome.termination == expected, "child \(index)")
            #expect(outcome.leftovers.count == (index.isMultiple(of: 2) ? 2 : 0), "child \(index)")
            for leftover in outcome.leftovers { expectGone(leftover.pid) }
        }
    }
    #endif

    /// Running processes whose command line contains `marker`.
    func processes(named marker: String) -> [ProcessTable.Entry] {
        ProcessTable.entries().filter { entry in
            entry.isRunning && (ProcessTable.commandLine(of: entry.pid)?.contains(marker) ?? false)
        }
    }

    /// `pid` is gone: not running, and (reparented to this process, a subreaper) reaped.
    /// The leftover named `marker` is reported in `outcome`, stopped and reaped, and nothing by that name runs.
    func expectStopped(_ marker: String, in outcome: ProcessOutcome, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let leftover = try #require(
            outcome.leftovers.first { $0.commandLine.contains(marker) },
            "\(outcome)",
            sourceLocation: sourceLocation
        )
        expectGone(leftover.pid, sourceLocation: sourceLocation)
        #expect(processes(named: marker).isEmpty, sourceLocation: sourceLocation)
    }

    func expectGone(_ pid: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!ProcessTable.isRunning(pid), sourceLocation: sourceLocation)
        if OrphanReaper.isSubreaper {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) is not reaped", sourceLocation: sourceLocation)
        }
    }
}
