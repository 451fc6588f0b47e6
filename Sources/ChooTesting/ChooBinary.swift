import ChooCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `choo` executable, as a user would, for end-to-end tests.
package enum ChooBinary {
    /// What a run printed and how it exited.
    package struct Result: Sendable {
        package var exitCode: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The executable: `CHOO_BINARY` if set, else `choo` beside the test bundle in the build folder.
    package static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["CHOO_BINARY"] { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0 ..< 4 {
            let candidate = folder.appendingPathComponent("choo").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("choo").path
    }

    /// Runs `choo arguments` in `directory` with `environment` added to a clean, colourless one
    /// (this process's without `RALPH_*` and `NO_COLOR`), or, when `inheritsEnvironment` is false,
    /// with `environment` alone. It awaits the child without blocking a thread of the cooperative
    /// pool, so tests running side by side cannot starve each other's timers.
    package static func run(
        _ arguments: [String],
        in directory: String,
        environment: [String: String] = [:],
        executable: String? = nil,
        inheritsEnvironment: Bool = true
    ) async throws -> Result {
        var base =
            inheritsEnvironment ? ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") } : [:]
        base["NO_COLOR"] = nil
        let spec = ProcessSpec(
            executable: executable ?? path,
            arguments: arguments,
            workingDirectory: directory,
            environment: environment,
            timeout: .seconds(300),
            outputTailLimit: 64 << 20,
            separatesErrorOutput: true
        )
        let outcome = try await SystemProcessRunner(environment: base).run(spec)
        let code: Int32
        switch outcome.termination {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return Result(exitCode: code, stdout: outcome.output, stderr: outcome.errorOutput)
    }
}

extension ChooBinary {
    /// `text` as one word of shell text, in single quotes.
    package static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs `choo arguments` with a pseudo-terminal as its stdout (through util-linux `script`) and
    /// returns what it printed.
    package static func runOnTerminal(
        _ arguments: [String],
        in directory: String,
        environment: [String: String] = [:]
    ) async throws -> String {
        let command = ([path] + arguments).map(shellQuoted)
        return try await run(
            ["-q", "-e", "-c", command.joined(separator: " "), "/dev/null"],
            in: directory,
            environment: environment.merging(["TERM": "xterm"]) { $1 },
            executable: "/usr/bin/script"
        ).stdout
    }
}

/// The built `choo` running in the background, for tests that act while it runs (Ctrl-C). Its
/// `--json` events are parsed as they arrive into ``events``.
package final class RunningChoo: Sendable {
    /// The events printed so far; await the one you need.
    package let events = EventStream()
    /// Every line choo prints, on stdout or stderr, as it comes (one reader).
    package let lines: AsyncStream<String>
    private final class Shared: Sendable {
        let processIdentifier = Mutex<Int32?>(nil)
        let partialLine = Mutex("")
    }

    private let shared = Shared()
    private let started: AsyncStream<Int32>
    private let outcome: Task<ProcessOutcome, any Error>

    /// Starts `choo arguments` in `directory`; it is stopped after `timeout` if still running.
    package init(
        _ arguments: [String],
        in directory: String,
        environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) {
        let (started, startedContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.started = started
        let (lines, linesContinuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let events = self.events
        let shared = self.shared
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") }
        base["NO_COLOR"] = "1"
        let spec = ProcessSpec(
            executable: ChooBinary.path,
            arguments: arguments,
            workingDirectory: directory,
            environment: environment,
            timeout: timeout,
            separatesErrorOutput: true
        )
        outcome = Task {
            defer {
                events.finish("choo exited")
                linesContinuation.finish()
            }
            return try await SystemProcessRunner(environment: base).run(
                spec,
                onStart: { identifier in
                    shared.processIdentifier.withLock { $0 = identifier }
                    startedContinuation.yield(identifier)
                    startedContinuation.finish()
                },
                onOutput: { chunk in
                    let lines = shared.partialLine.withLock { text -> [Substring] in
                        text += chunk.text
                        var complete = text.split(separator: "\n", omittingEmptySubsequences: false)
                        text = String(complete.removeLast())
                        return complete
                    }
                    for line in lines { linesContinuation.yield(String(line)) }
                    for line in lines where line.hasPrefix("{") {
                        if let event = try? JSONDecoder().decode(Event.self, from: Data(line.utf8)) {
                            events.receive(event, sequence: 0)
                        }
                    }
                }
            )
        }
    }

    /// Sends `signal` to choo (not to its children: they run in sessions of their own).
    package func send(_ signal: Int32) async {
        var target = shared.processIdentifier.withLock { $0 }
        if target == nil {
            for await identifier in started {
                target = identifier
                break
            }
        }
        if let target { kill(target, signal) }
    }

    /// Waits for choo to exit.
    package func wait() async throws -> ProcessOutcome {
        try await outcome.value
    }
}
