import Foundation

/// Writes spec trees for tests: units with plans and task files, or any file verbatim.
package struct SpecFixture: Sendable {
    /// The repository root the tree is written under.
    package let root: String
    /// The tasks root, relative to `root`.
    package let tasksDirectory: String

    /// A fixture writing under `root`, with units in `root/tasksDirectory`.
    package init(root: String, tasksDirectory: String = "specs/tasks") {
        self.root = root
        self.tasksDirectory = tasksDirectory
    }

    /// The tasks root, absolute.
    package var tasksPath: String { root + "/" + tasksDirectory }

    /// One task file's frontmatter and title.
    package struct Task: Sendable {
        package var number: Int
        package var status: String?
        package var backpressure: String?
        package var dependsOn: [Int]
        package var title: String
        package var fileName: String?

        /// A task; `backpressure` defaults to `true` (a check that always passes).
        package init(
            _ number: Int,
            status: String? = "pending",
            backpressure: String? = "true",
            dependsOn: [Int] = [],
            title: String? = nil,
            fileName: String? = nil
        ) {
            self.number = number
            self.status = status
            self.backpressure = backpressure
            self.dependsOn = dependsOn
            self.title = title ?? "Task \(number)"
            self.fileName = fileName
        }

        /// The file's text.
        package var text: String {
            var lines = ["---", "task: \(number)"]
            if let status { lines.append("status: \(status)") }
            if let backpressure { lines.append("backpressure: \"\(backpressure)\"") }
            lines.append("depends_on: [\(dependsOn.map(String.init).joined(separator: ", "))]")
            lines += ["---", "", "# \(title)", "", "Do the work of task \(number).", ""]
            return lines.joined(separator: "\n")
        }

        /// The file name: `NN-task-N.md` unless given.
        package var name: String {
            fileName ?? String(format: "%02d-task-%d.md", number, number)
        }
    }

    /// Writes a unit: its plan (with `dependsOn` and any `extra` frontmatter lines) and its tasks.
    @discardableResult
    package func unit(
        _ id: String,
        dependsOn: [String] = [],
        extra: [String] = [],
        title: String? = nil,
        tasks: [Task] = [Task(1)]
    ) throws -> SpecFixture {
        var plan = ["---", "unit: \(id)", "depends_on: [\(dependsOn.joined(separator: ", "))]"] + extra
        plan += ["---", "", "# \(title ?? "\(id) plan")", "", "How \(id) is built.", ""]
        try write("\(tasksDirectory)/\(id)/IMPLEMENTATION_PLAN.md", plan.joined(separator: "\n"))
        for task in tasks {
            try write("\(tasksDirectory)/\(id)/\(task.name)", task.text)
        }
        return self
    }

    /// Writes `contents` to `relativePath` under the root, creating folders.
    package func write(_ relativePath: String, _ contents: String) throws {
        try write(relativePath, Data(contents.utf8))
    }

    /// Writes `data` to `relativePath` under the root, creating folders.
    package func write(_ relativePath: String, _ data: Data) throws {
        let path = root + "/" + relativePath
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Creates an empty `.git` folder at the root, so choo takes it for the repository root.
    package func markRepositoryRoot() throws {
        try FileManager.default.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
    }
}
