import ArgumentParser
import ChooCore
import Foundation

/// `choo run --detach`: the same command line without `--detach`, started as a run of its own.
enum RunDetach {
    /// Starts the run in the background and prints its number and how to follow it; exits 2 (or
    /// the run's own code) when it ends before holding the run lock.
    static func start(workspace: Workspace, json: Bool) async throws {
        let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
        let arguments = Array(CommandLine.arguments.dropFirst()).filter { $0 != "--detach" }
        let started: DetachedRun.Started
        do {
            started = try await DetachedRun.start(
                executable: executablePath,
                arguments: arguments,
                base: base
            )
        } catch {
            Output.error(error.description.hasPrefix("error:") ? error.description : "error: \(error)")
            throw ExitCode(error.exitCode)
        }
        if json {
            Output.print(JSONOutput.encode(started), terminator: "")
            return
        }
        let log = FileSystem.relative(started.log, to: FileSystem.currentDirectory())
        Output.print("Started run #\(started.run) in the background (pid \(started.pid)); its output: \(log)")
        Output.print("  follow it: choo watch \(started.run)")
        Output.print("  stop it:   choo stop \(started.run)   (--now to stop at once)")
    }

    /// This executable, as a path another process can start.
    static var executablePath: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return FileSystem.absolute(CommandLine.arguments[0], relativeTo: FileSystem.currentDirectory())
    }
}
