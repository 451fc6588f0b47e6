import ChooCore
import Foundation

/// A real terminal of a chosen size, for end-to-end tests of what choo draws: a tmux server of its
/// own, its socket in the test's folder so a user's tmux is never touched, running one command in
/// one window. Wait for the command with `tmux wait-for` channels it signals (``shell``), then read
/// the whole screen and its scrollback with ``capture(escapes:)``.
package struct TmuxTerminal: Sendable {
    /// Why a tmux command failed.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The tmux executable.
    package let executable: String
    /// The server's socket.
    package let socket: String
    private let folder: String
    private let environment: [String: String]

    /// A terminal whose socket and settings live in `folder`; throws if tmux is not installed.
    private init(folder: String) throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RALPH_") }
        for name in ["NO_COLOR", "TMUX", "TMUX_PANE", "COLUMNS", "LINES"] { environment[name] = nil }
        guard let executable = ExecutableLookup.find("tmux", environment: environment) else {
            throw Failure(description: "tmux is not installed; the terminal tests need it (apt-get install tmux)")
        }
        self.executable = executable
        self.socket = folder + "/tmux.socket"
        self.folder = folder
        self.environment = environment
    }

    /// Runs `body` with a fresh terminal (see ``start(_:in:columns:rows:)``) and stops its server
    /// afterwards, however `body` ends; an error thrown comes back with what the screen showed.
    package static func withTerminal<Result: Sendable>(
        in folder: String,
        _ body: (TmuxTerminal) async throws -> Result
    ) async throws -> Result {
        let terminal = try TmuxTerminal(folder: folder)
        do {
            let result = try await body(terminal)
            await terminal.stop()
            return result
        } catch {
            let screen = (try? await terminal.capture())?.joined(separator: "\n") ?? "(no screen)"
            await terminal.stop()
            throw Failure(description: "\(error)\nThe terminal showed:\n\(screen)")
        }
    }

    /// Shell text that runs tmux on this terminal's server with `arguments` (quoted), for the
    /// command in the window and for scripts it starts.
    package func shell(_ arguments: String...) -> String {
        ([executable, "-S", socket] + arguments).map(ChooBinary.shellQuoted).joined(separator: " ")
    }

    /// Opens the window, `columns` × `rows` with a long scrollback, running `command` (shell text)
    /// in `directory`. Once `command` ends the window stays open, with what it printed, until the
    /// server stops.
    package func start(_ command: String, in directory: String, columns: Int, rows: Int) async throws {
        let settings = folder + "/tmux.conf"
        try "set -g history-limit 100000\nset -g default-shell /bin/sh\nset -g status off\n".write(
            toFile: settings,
            atomically: true,
            encoding: .utf8
        )
        let held = command + "\nexec " + shell("wait-for", "choo-test-never-signalled")
        // The server this starts outlives the command: it must not be swept up as a leftover.
        try await tmux(
            ["-f", settings, "new-session", "-d", "-s", "test", "-x", "\(columns)", "-y", "\(rows)", "-c", directory]
                + [held],
            sweepsLeftovers: false
        )
    }

    /// Waits until `channel` is signalled (`tmux wait-for -S channel`), or was before.
    package func wait(for channel: String) async throws {
        try await tmux(["wait-for", channel])
    }

    /// Signals `channel`, waking what waits on it or the next wait.
    package func signal(_ channel: String) async throws {
        try await tmux(["wait-for", "-S", channel])
    }

    /// The scrollback and the screen, one line per line printed (wrapped rows joined, trailing
    /// spaces dropped), with the colour escapes when `escapes`.
    package func capture(escapes: Bool = false) async throws -> [String] {
        let text = try await tmux(
            ["capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "test"] + (escapes ? ["-e"] : [])
        )
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            var line = String($0)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// Stops the server and everything running in its window.
    private func stop() async {
        _ = try? await tmux(["kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String], sweepsLeftovers: Bool = true) async throws -> String {
        var spec = ProcessSpec(
            executable: executable,
            arguments: ["-S", socket] + arguments,
            workingDirectory: folder,
            timeout: .seconds(120),
            separatesErrorOutput: true
        )
        spec.sweepsLeftovers = sweepsLeftovers
        let outcome = try await SystemProcessRunner(environment: environment).run(spec)
        guard outcome.succeeded else {
            throw Failure(
                description: "tmux \(arguments.joined(separator: " ")): \(outcome.termination) \(outcome.errorOutput)"
            )
        }
        return outcome.output
    }
}
