import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs real child processes through swift-subprocess.
///
/// Each child starts a new session, so it leads its own process group. Stopping it (timeout, idle
/// timeout, cancellation of the calling task) sends SIGTERM to the whole group, then SIGKILL after
/// ``ProcessSpec/terminationGrace``. Each child also gets a tag of its own in its environment
/// (``ProcessTable/tagVariable``; one given in ``ProcessSpec/environment`` is kept), inherited by
/// everything it starts. When the child has ended, anything it left running, in its group or with
/// its tag, is stopped the same way (see `LeftoverSweep`) and reported in
/// ``ProcessOutcome/leftovers``; `run` returns only once none of it runs any more. The first run
/// makes this process a child subreaper (``OrphanReaper``), so escaped orphans stay its descendants.
public struct SystemProcessRunner: ProcessRunning {
    /// The environment every child starts from; ``ProcessSpec/environment`` is applied on top.
    public var environment: [String: String]

    /// Creates the runner; children inherit `environment` (by default, this process's).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func run(
        _ spec: ProcessSpec,
        onStart: @escaping @Sendable (Int32) -> Void,
        onOutput: @escaping @Sendable (OutputChunk) -> Void
    ) async throws(ProcessError) -> ProcessOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let directory = FileSystem.absolute(spec.workingDirectory, relativeTo: FileSystem.currentDirectory())
        guard FileSystem.kind(of: directory) == .directory else {
            throw .launchFailed(
                executable: spec.executable,
                reason: "the working directory \(directory) does not exist or is not a folder"
            )
        }
        OrphanReaper.adoptOrphans()
        var environment = self.environment.merging(spec.environment) { $1 }
        let tag = spec.environment[ProcessTable.tagVariable] ?? UUID().uuidString
        environment[ProcessTable.tagVariable] = tag
        let executable = try Self.locate(spec.executable, in: directory, environment: environment)
        let sink = try OutputSink(logFile: spec.logFile, onOutput: onOutput)
        let supervisor = Supervisor(spec: spec, clock: clock, started: started, sink: sink, onStart: onStart)
        // Niced from its first instruction: `nice` sets the priority and becomes the command.
        let (launchedExecutable, arguments) = ProcessPriority.command(executable, spec.arguments)

        var platformOptions = PlatformOptions()
        platformOptions.createSession = true
        // Used by swift-subprocess when the calling task is cancelled: TERM the group, KILL it later.
        platformOptions.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: spec.terminationGrace)
        ]
        let configuration = Configuration(
            executable: .path(.init(launchedExecutable)),
            arguments: Arguments(arguments),
            environment: .custom(
                Dictionary(
                    uniqueKeysWithValues: environment.compactMap { key, value in
                        Environment.Key(rawValue: key).map { ($0, value) }
                    }
                )
            ),
            workingDirectory: .init(directory),
            platformOptions: platformOptions
        )

        // Standard input comes from an unlinked temporary file rather than a pipe: a child that
        // exits without reading it cannot raise SIGPIPE in choo, and nothing blocks on a full pipe.
        var input: Int32?
        if let text = spec.standardInput { input = try InputFile.open(text, for: executable) }
        defer { if let input { close(input) } }

        let launched: Launched
        OrphanReaper.willLaunch()
        do {
            launched = try await withTaskCancellationHandler {
                try await supervisor.launch(configuration, input: input)
            } onCancel: {
                supervisor.noteCancelled()
            }
        } catch {
            OrphanReaper.launchEnded(supervisor.processIdentifier)
            throw .launchFailed(executable: executable, reason: Self.describe(error))
        }
        OrphanReaper.launchEnded(supervisor.processIdentifier)

        var leftovers: [LeftoverProcess] = []
        if spec.sweepsLeftovers || supervisor.terminationRequested != nil {
            leftovers = await LeftoverSweep(
                groups: [launched.processIdentifier],
                tags: [tag],
                grace: spec.terminationGrace,
                groupTerminated: supervisor.terminationRequested
            ).run()
        }
        let termination: ProcessOutcome.Termination
        switch launched.status {
        case .exited(let code): termination = .exited(code)
        case .signaled(let signal): termination = .signaled(signal)
        }
        return ProcessOutcome(
            termination: termination,
            stoppedBecause: supervisor.stopReason,
            output: launched.tails[0].text,
            errorOutput: launched.tails.count > 1 ? launched.tails[1].text : "",
            duration: clock.now - started,
            processIdentifier: launched.processIdentifier,
            leftovers: leftovers
        )
    }

    /// The absolute path of the executable `name` names, for a child starting in `directory`.
    private static func locate(
        _ name: String,
        in directory: String,
        environment: [String: String]
    ) throws(ProcessError) -> String {
        if name.contains("/") {
            let path = FileSystem.absolute(name, relativeTo: directory)
            guard ExecutableLookup.isExecutableFile(path) else { throw .executableNotFound(path, searched: []) }
            return path
        }
        guard let found = ExecutableLookup.find(name, environment: environment) else {
            throw .executableNotFound(name, searched: ExecutableLookup.searchPath(environment: environment))
        }
        return found
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? SubprocessError, let underlying = error.underlyingError {
            return "\(error) (\(String(cString: strerror(underlying.rawValue))))"
        }
        return "\(error)"
    }
}

/// What came back from the launched process.
private struct Launched {
    var status: TerminationStatus
    var processIdentifier: Int32
    var tails: [OutputTail]
}

/// Watches one run: output and its timing, the deadlines, and why (if at all) the run was stopped.
private final class Supervisor: Sendable {
    private struct State {
        var lastOutput: ContinuousClock.Instant
        var stopReason: ProcessOutcome.StopReason?
        var cancelled = false
        /// When SIGTERM went to the group because choo stopped it.
        var terminationRequested: ContinuousClock.Instant?
        /// The child's pid, once it started.
        var processIdentifier: Int32?
    }

    private enum ChildResult: Sendable {
        case stream(Int, OutputTail)
        case other
    }

    let spec: ProcessSpec
    let clock: ContinuousClock
    let started: ContinuousClock.Instant
    let sink: OutputSink
    let onStart: @Sendable (Int32) -> Void
    private let state: Mutex<State>

    init(
        spec: ProcessSpec,
        clock: ContinuousClock,
        started: ContinuousClock.Instant,
        sink: OutputSink,
        onStart: @escaping @Sendable (Int32) -> Void
    ) {
        self.spec = spec
        self.clock = clock
        self.started = started
        self.sink = sink
        self.onStart = onStart
        self.state = Mutex(State(lastOutput: started))
    }

    /// Why choo stopped the process, if it did.
    var stopReason: ProcessOutcome.StopReason? {
        state.withLock { $0.stopReason ?? ($0.cancelled ? .cancelled : nil) }
    }

    /// When choo sent SIGTERM to the group (deadline or cancellation), if it did.
    var terminationRequested: ContinuousClock.Instant? { state.withLock { $0.terminationRequested } }

    /// The child's pid, once it started.
    var processIdentifier: Int32? { state.withLock { $0.processIdentifier } }

    /// Records that the calling task was cancelled (swift-subprocess then TERMs the group).
    func noteCancelled() {
        let now = clock.now
        state.withLock { state in
            state.cancelled = true
            if state.terminationRequested == nil { state.terminationRequested = now }
        }
    }

    /// Launches the process, reading stdin from `input` (or `/dev/null`).
    func launch(_ configuration: Configuration, input: Int32?) async throws -> Launched {
        if let input {
            let file = FileDescriptorInput.fileDescriptor(.init(rawValue: input), closeAfterSpawningProcess: false)
            return try await launch(configuration, input: file)
        }
        return try await launch(configuration, input: NoInput.none)
    }

    /// Launches the process with stderr kept apart or interleaved with stdout, as `spec` asks.
    private func launch(_ configuration: Configuration, input: some InputProtocol) async throws -> Launched {
        if spec.separatesErrorOutput {
            let result = try await Subprocess.run(configuration, input: input, output: .sequence, error: .sequence) {
                execution in
                await self.supervise(
                    execution.processIdentifier.value,
                    streams: [execution.standardOutput, execution.standardError]
                )
            }
            return Launched(
                status: result.terminationStatus,
                processIdentifier: result.processIdentifier.value,
                tails: result.closureResult
            )
        }
        let result = try await Subprocess.run(
            configuration,
            input: input,
            output: .sequence,
            error: .combinedWithOutput
        ) { execution in
            await self.supervise(execution.processIdentifier.value, streams: [execution.standardOutput])
        }
        return Launched(
            status: result.terminationStatus,
            processIdentifier: result.processIdentifier.value,
            tails: result.closureResult
        )
    }

    /// Runs while the process runs: reads the streams, enforces the deadlines, and returns once
    /// the streams have ended and the process has exited.
    private func supervise(_ pid: Int32, streams: [SubprocessOutputSequence]) async -> [OutputTail] {
        OrphanReaper.launched(pid)
        state.withLock { $0.processIdentifier = pid }
        onStart(pid)
        return await withTaskGroup(of: ChildResult.self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask { .stream(index, await self.read(stream, index: index)) }
            }
            group.addTask {
                await self.watch(pid)
                return .other
            }
            var tails = Array(repeating: OutputTail(limit: spec.outputTailLimit), count: streams.count)
            var open = streams.count
            while open > 0, let next = await group.next() {
                if case .stream(let index, let tail) = next {
                    tails[index] = tail
                    open -= 1
                }
            }
            // The streams end when the process exits, or earlier if it closes them; keep the
            // deadlines in force until it has really exited.
            var delay = Duration.milliseconds(1)
            while !Task.isCancelled && !ProcessTable.childHasExited(pid) {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .milliseconds(50))
            }
            group.cancelAll()
            return tails
        }
    }

    /// Reads one stream to its end into a tail, passing each chunk on as it arrives.
    private func read(_ stream: SubprocessOutputSequence, index: Int) async -> OutputTail {
        var tail = OutputTail(limit: spec.outputTailLimit)
        do {
            for try await buffer in stream {
                let now = clock.now
                state.withLock { $0.lastOutput = now }
                buffer.withUnsafeBytes { bytes in
                    tail.append(bytes)
                    sink.write(bytes, stream: index)
                }
            }
        } catch {
            // A read error ends the stream like end-of-file; the exit status still comes back.
        }
        sink.finish(stream: index)
        return tail
    }

    /// Sleeps until a deadline passes, then stops the process group: SIGTERM, then SIGKILL after
    /// the grace period. Returns early when cancelled (the process ended, or the caller gave up).
    private func watch(_ pid: Int32) async {
        let overall = spec.timeout.map { started + $0 }
        while true {
            let now = clock.now
            let lastOutput = state.withLock { $0.lastOutput }
            var idle = spec.idleTimeout.map { (lastOutput + $0, ProcessOutcome.StopReason.idle) }
            if let activity = spec.activity, activity.inCall, let quiet = spec.idleTimeout,
                activity.toolTimeout > quiet
            {
                idle = (lastOutput + activity.toolTimeout, .toolIdle)
            }
            var next: (deadline: ContinuousClock.Instant, reason: ProcessOutcome.StopReason)?
            if let overall { next = (overall, .timeout) }
            if let idle, next.map({ idle.0 < $0.deadline }) ?? true { next = idle }
            guard let next else { return }
            if now >= next.deadline {
                let stopping = state.withLock { state in
                    guard state.stopReason == nil && !state.cancelled else { return false }
                    state.stopReason = next.reason
                    state.terminationRequested = now
                    return true
                }
                guard stopping else { return }
                break
            }
            // A call that ends shortens the idle deadline again: look at least once per idle period.
            var wake = next.deadline
            if spec.activity != nil, let quiet = spec.idleTimeout { wake = min(wake, now + quiet) }
            do {
                try await Task.sleep(until: wake, clock: clock)
            } catch {
                return
            }
        }
        ProcessTable.signalGroup(pid, SIGTERM)
        do {
            try await Task.sleep(for: spec.terminationGrace)
        } catch {
            return
        }
        ProcessTable.signalGroup(pid, SIGKILL)
    }
}

/// A temporary file holding a child's standard input.
private enum InputFile {
    /// A descriptor for a new, already unlinked file holding `text`, positioned at its start.
    static func open(_ text: String, for executable: String) throws(ProcessError) -> Int32 {
        let path = FileManager.default.temporaryDirectory.path + "/choo-stdin-" + UUID().uuidString
        let descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(executable) }
        unlink(path)
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ FileSystem.writeAll($0, to: descriptor) }), lseek(descriptor, 0, SEEK_SET) == 0
        else {
            let error = failure(executable)
            close(descriptor)
            throw error
        }
        return descriptor
    }

    private static func failure(_ executable: String) -> ProcessError {
        .launchFailed(
            executable: executable,
            reason: "cannot write the input to a temporary file: \(String(cString: strerror(errno)))"
        )
    }
}
