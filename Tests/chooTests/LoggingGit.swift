import ChooTesting
import Foundation
import Testing

/// A `git` first on `PATH` that appends `<working folder>|<niceness>|<arguments>` of every call to
/// a log, then runs the real one: what choo ran, where, and at what CPU priority.
struct LoggingGit {
    /// The log, one line per call; agents may append their own (`$GIT_LOG`).
    let log: String
    /// The environment that puts it first for `choo` (and gives agents `GIT_LOG`).
    let environment: [String: String]

    /// Installs it in the current test's temporary folder.
    init() throws {
        log = TemporaryDirectory.current("git.log")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let real = try #require(
            path.split(separator: ":").map { $0 + "/git" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        )
        let folder = TemporaryDirectory.current("logging-git")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        #!/bin/sh
        printf '%s|%s|%s\\n' "$PWD" "$(nice)" "$*" >> '\(log)'
        exec '\(real)' "$@"

        """.write(toFile: folder + "/git", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/git")
        environment = ["PATH": folder + ":" + path, "GIT_LOG": log]
    }

    /// The calls logged so far, as (working folder, niceness, arguments), with agents' own lines
    /// as (folder, "", what they wrote).
    func calls() throws -> [(folder: String, niceness: String, arguments: String)] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            return parts.count == 3 ? (parts[0], parts[1], parts[2]) : (parts[0], "", parts.dropFirst().joined())
        }
    }
}
