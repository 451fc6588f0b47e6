import Foundation

/// Sets up the shipped example as a fresh git repository that `choo run` can work on: the example
/// spec tree, its stand-in agent script, and a `.choo.yaml` that makes that script the agent. The
/// example is built into choo (``embeddedExample``, generated from `examples/greeter`), so a copied
/// binary needs no other file; ``readExample(at:)`` reads another from a folder.
public enum Demo {
    /// Why the demo could not be set up.
    public enum SetupError: Error, Sendable, CustomStringConvertible {
        case notAnExample(folder: String, problems: [String])
        case folderNotEmpty(String)
        case failed(String)

        public var description: String {
            switch self {
            case .notAnExample(let folder, let problems):
                return "\(folder) is not an example: " + problems.joined(separator: ", ")
                    + ". An example folder holds a spec tree in specs/tasks and an executable demo-agent.sh."
            case .folderNotEmpty(let path):
                return "\(path) exists and is not empty; name a new folder with --into"
            case .failed(let reason):
                return "setting up the demo failed: \(reason)"
            }
        }
    }

    /// One file of an example: where it goes, what it holds, and whether it runs.
    public struct ExampleFile: Sendable, Hashable, CustomStringConvertible {
        /// The path inside the example, `/`-separated, e.g. `specs/tasks/cli/01-entry-point.md`.
        public var path: String
        /// The file's bytes.
        public var contents: [UInt8]
        /// Whether it is written executable (mode 755 rather than 644).
        public var isExecutable: Bool

        /// Creates a file of `contents`.
        public init(path: String, contents: [UInt8], isExecutable: Bool) {
            self.path = path
            self.contents = contents
            self.isExecutable = isExecutable
        }

        /// Creates a file holding `text` as UTF-8.
        public init(path: String, isExecutable: Bool, text: String) {
            self.init(path: path, contents: Array(text.utf8), isExecutable: isExecutable)
        }

        public var description: String {
            "\(path) (\(contents.count) bytes\(isExecutable ? ", executable" : ""))"
        }
    }

    /// Every file under `folder`, sorted by path, after checking it is an example: a spec tree in
    /// `specs/tasks` and an executable `demo-agent.sh`, the agent `.choo.yaml` will name.
    public static func readExample(at folder: String) throws(SetupError) -> [ExampleFile] {
        guard FileSystem.kind(of: folder) == .directory else {
            let problem = FileSystem.exists(folder) ? "it is not a folder" : "there is no such folder"
            throw .notAnExample(folder: folder, problems: [problem])
        }
        var problems: [String] = []
        if FileSystem.kind(of: folder + "/specs/tasks") != .directory {
            problems.append("it has no specs/tasks folder")
        }
        if FileSystem.kind(of: folder + "/demo-agent.sh") != .file {
            problems.append("it has no demo-agent.sh")
        } else if !FileSystem.isExecutable(folder + "/demo-agent.sh") {
            problems.append("its demo-agent.sh is not executable (chmod +x it)")
        }
        if !problems.isEmpty { throw .notAnExample(folder: folder, problems: problems) }
        var files: [ExampleFile] = []
        // Adds the files under `folder + suffix`, where `suffix` is empty or starts with "/".
        func collect(_ suffix: String) throws(FileSystem.ReadError) {
            for entry in try FileSystem.entries(of: folder + suffix) {
                let path = suffix + "/" + entry.name
                switch entry.kind {
                case .directory: try collect(path)
                case .file:
                    let contents = try FileSystem.readBytes(folder + path)
                    let executable = FileSystem.isExecutable(folder + path)
                    files.append(
                        ExampleFile(path: String(path.dropFirst()), contents: contents, isExecutable: executable)
                    )
                case .other: throw FileSystem.ReadError(reason: "\(folder + path) is neither a file nor a folder")
                }
            }
        }
        do {
            try collect("")
        } catch {
            throw .failed("reading the example \(folder): \(error)")
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Writes the files of `example` (by default the greeter built into choo) into `destination`
    /// (created; must be new or empty), writes `.choo.yaml`, and commits it all on `main` in a new
    /// git repository, through `effects` (files and git). Returns the repository's path.
    public static func prepare(
        example: [ExampleFile] = embeddedExample,
        destination: String,
        effects: Effects
    ) async throws(SetupError) -> String {
        let files = effects.files
        if let existing = try? files.names(in: destination), !existing.isEmpty {
            throw .folderNotEmpty(destination)
        }
        do {
            try files.createDirectory(destination)
            for file in example {
                let path = destination + "/" + file.path
                try files.createParent(of: path)
                try files.write(file.contents, to: path, executable: file.isExecutable)
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
            try files.write(settings, to: destination + "/.choo.yaml")
        } catch {
            throw .failed("\(error)")
        }
        let git = Git(repository: destination, runner: effects.runner)
        do {
            try await git.initializeRepository(initialBranch: "main")
            try await git.setConfig("user.name", to: "choo demo")
            try await git.setConfig("user.email", to: "demo@choo.invalid")
            _ = try await git.commitAll(message: "The greeter example: a spec tree for choo")
        } catch {
            throw .failed("\(error)")
        }
        return destination
    }
}
