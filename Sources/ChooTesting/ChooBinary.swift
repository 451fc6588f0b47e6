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

    /// Runs `choo arguments` in `directory` with `environment` added to a clean, colourless one.
    /// Output goes through files, so neither stream can fill a pipe and stall the child.
    package static func run(
        _ arguments: [String],
        in directory: String,
        environment: [String: String] = [:],
        executable: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") }
        base["NO_COLOR"] = nil
        process.environment = base.merging(environment) { $1 }
        let outputFolder = FileManager.default.temporaryDirectory.appendingPathComponent("choo-out-\(UUID())")
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputFolder) }
        let outURL = outputFolder.appendingPathComponent("stdout")
        let errURL = outputFolder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            exitCode: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}

extension ChooBinary {
    /// Runs `choo arguments` with a pseudo-terminal as its stdout (through util-linux `script`) and
    /// returns what it printed.
    package static func runOnTerminal(
        _ arguments: [String],
        in directory: String,
        environment: [String: String] = [:]
    ) throws -> String {
        let command = ([path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try run(
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
            try await SystemProcessRunner(environment: base).run(
                spec,
                onStart: { identifier in
                    shared.processIdentifier.withLock { $0 = identifier }
                    startedContinuation.yield(identifier)
                    startedContinuation.finish()
                },
                onOutput: { chunk in
                    let lines = shared.partialLine.withLock { text -> [Substring] in
                        text += chunk
                        var complete = text.split(separator: "\n", omittingEmptySubsequences: false)
                        text = String(complete.removeLast())
                        return complete
                    }
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
