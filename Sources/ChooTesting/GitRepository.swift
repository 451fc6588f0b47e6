import Foundation

/// A real git repository in a folder, for tests: `git init -b main`, a local identity, and one
/// commit holding `README.md`. Git runs here isolated from the machine's global and system config,
/// and without blocking a thread of the concurrency pool while it runs.
package struct GitRepository: Sendable {
    /// Why a fixture git command failed.
    package struct CommandError: Error, CustomStringConvertible {
        /// The git arguments.
        package var arguments: [String]
        /// What git printed.
        package var output: String
        package var description: String { "git \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    /// The repository's folder (absolute).
    package let path: String
    /// The environment the fixture runs git with (added to this process's).
    package static let environment = [
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
    ]

    /// Creates the repository at `path` (made if missing). With `identity: false` no user name or
    /// email is configured, to test what happens on a machine without one.
    package init(at path: String, identity: Bool = true) async throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try await git("init", "--quiet", "-b", "main")
        let who = ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com"]
        if identity {
            try await git("config", "user.name", "Test Author")
            try await git("config", "user.email", "test@example.com")
        }
        try write("README.md", "# fixture\n")
        try await git("add", "-A")
        try await git(arguments: (identity ? [] : who) + ["commit", "--quiet", "-m", "Initial commit"])
    }

    /// `relative` inside the repository.
    package func callAsFunction(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Writes `contents` to `relative`, creating folders.
    package func write(_ relative: String, _ contents: String) throws {
        let file = self(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// The text of `relative`.
    package func read(_ relative: String) throws -> String {
        try String(contentsOfFile: self(relative), encoding: .utf8)
    }

    /// Writes `files`, stages everything and commits it; the new commit's hash.
    @discardableResult
    package func commit(_ message: String, files: [String: String] = [:]) async throws -> String {
        for (relative, contents) in files.sorted(by: { $0.key < $1.key }) { try write(relative, contents) }
        try await git("add", "-A")
        try await git("commit", "--quiet", "--allow-empty", "-m", message)
        return try await git("rev-parse", "HEAD")
    }

    /// Runs git in the repository; its output without surrounding whitespace.
    @discardableResult
    package func git(_ arguments: String...) async throws -> String {
        try await git(arguments: arguments)
    }

    /// Runs git in `directory` (default: the repository); its output (stdout, then stderr) without
    /// surrounding whitespace. Throws when git exits with a non-zero status.
    @discardableResult
    package func git(arguments: [String], in directory: String? = nil) async throws -> String {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("choo-git-\(UUID())")
        let errorFile = outputFile.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        let output = try FileHandle(forWritingTo: outputFile)
        let error = try FileHandle(forWritingTo: errorFile)
        defer {
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? path)
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        // Output goes to files and the exit is awaited, so no thread blocks and no pipe fills up.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = (try String(contentsOf: outputFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else {
            let message = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw CommandError(arguments: arguments, output: text + message)
        }
        return text
    }
}
