import Foundation

/// Sets up the shipped example as a fresh git repository that `choo run` can work on: the example
/// spec tree, its stand-in agent script, and a `.choo.yaml` that makes that script the agent.
public enum Demo {
    /// Why the demo could not be set up.
    public enum SetupError: Error, Sendable, CustomStringConvertible {
        case exampleNotFound(searched: [String])
        case folderNotEmpty(String)
        case failed(String)

        public var description: String {
            switch self {
            case .exampleNotFound(let searched):
                return "the example was not found; looked in " + searched.joined(separator: ", ")
                    + ". Run the demo from choo's source folder, or name the example with --example."
            case .folderNotEmpty(let path):
                return "\(path) exists and is not empty; name a new folder with --into"
            case .failed(let reason):
                return "setting up the demo failed: \(reason)"
            }
        }
    }

    /// The example's folder name under `examples/`.
    public static let exampleName = "greeter"

    /// The first of `candidates` that holds an example (a `specs/tasks` folder and `demo-agent.sh`).
    public static func findExample(in candidates: [String]) throws(SetupError) -> String {
        for candidate in candidates
        where FileSystem.kind(of: candidate + "/specs/tasks") == .directory
            && FileSystem.exists(candidate + "/demo-agent.sh")
        {
            return candidate
        }
        throw .exampleNotFound(searched: candidates)
    }

    /// Where to look for the example: beside the current folder, then beside the executable
    /// (`.build/<config>/choo` inside the source folder).
    public static func candidateFolders(currentDirectory: String, executable: String) -> [String] {
        var folders = [currentDirectory + "/examples/" + exampleName]
        var folder = (FileSystem.absolute(executable, relativeTo: currentDirectory) as NSString)
            .deletingLastPathComponent
        for _ in 0 ..< 4 {
            folder = (folder as NSString).deletingLastPathComponent
            folders.append(folder + "/examples/" + exampleName)
        }
        return folders
    }

    /// Copies `example` into `destination` (created; must be new or empty), writes `.choo.yaml`,
    /// and commits it all on `main` in a new git repository. Returns the repository's path.
    public static func prepare(
        example: String,
        destination: String,
        runner: any ProcessRunning = SystemProcessRunner()
    ) async throws(SetupError) -> String {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: destination), !existing.isEmpty {
            throw .folderNotEmpty(destination)
        }
        do {
            try manager.createDirectory(atPath: destination, withIntermediateDirectories: true)
            for item in try manager.contentsOfDirectory(atPath: example) {
                try manager.copyItem(atPath: example + "/" + item, toPath: destination + "/" + item)
            }
            let settings = """
                # Written by `choo demo`: the example's stand-in agent does the work.
                parallelism: 2
                provider:
                  type: demo
                  providers:
                    demo:
                      command: \(destination)/demo-agent.sh
                      args: ["{prompt}"]
                baseline_checks:
                  - name: shell syntax
                    command: "for f in greeter/greet.sh greeter/bin/greeter; do [ ! -f $f ] || sh -n $f || exit 1; done"

                """
            try settings.write(toFile: destination + "/.choo.yaml", atomically: true, encoding: .utf8)
        } catch {
            throw .failed("\(error)")
        }
        let git = Git(repository: destination, runner: runner)
        do {
            try await git.run(["init", "--quiet", "-b", "main"])
            try await git.run(["config", "user.name", "choo demo"])
            try await git.run(["config", "user.email", "demo@choo.invalid"])
            try await git.run(["add", "-A"])
            try await git.run(["commit", "--quiet", "-m", "The greeter example: a spec tree for choo"])
        } catch {
            throw .failed("\(error)")
        }
        return destination
    }
}
