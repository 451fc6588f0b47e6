import Foundation

/// Writes a synthetic spec tree of the size and shape of a large real one, for benchmarks.
///
/// The tree is a repository root holding an empty `.git` folder and `specs/tasks/`, with units
/// `unit-00000`, `unit-00001`, … Each unit has an `IMPLEMENTATION_PLAN.md` (frontmatter `unit` and
/// `depends_on` naming zero to three earlier units, a title and a paragraph of about 1 KB) and task
/// files `01-task-1.md` … (frontmatter `task`, `status: pending`, a `backpressure` command and
/// `depends_on` the previous task; a title and about 1.5 KB of prose). Dependencies only point to
/// earlier units, so the tree is valid. The same seed always writes the same bytes.
public struct SpecTreeGenerator: Sendable {
    /// How many units to write.
    public var unitCount: Int
    /// How many task files each unit gets, 1 to 99.
    public var tasksPerUnit: Int
    /// The seed of the random choices (dependencies and prose).
    public var seed: UInt64

    /// The size of a plan's paragraph, in bytes.
    public static let planParagraphBytes = 1_024
    /// The size of a task's body, in bytes, spread over three paragraphs.
    public static let taskBodyBytes = 1_536

    /// A generator of `unitCount` units of `tasksPerUnit` tasks each.
    public init(unitCount: Int, tasksPerUnit: Int = 10, seed: UInt64 = 0x00C0_FFEE) {
        precondition(unitCount >= 0, "unitCount must not be negative")
        precondition((1 ... 99).contains(tasksPerUnit), "tasksPerUnit must be 1 to 99 (two-digit file names)")
        self.unitCount = unitCount
        self.tasksPerUnit = tasksPerUnit
        self.seed = seed
    }

    /// The folder name of unit number `index`: `unit-00042`.
    public static func unitName(_ index: Int) -> String {
        let digits = String(index)
        return "unit-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The file name of task `number`: `01-task-1.md`.
    public static func taskFileName(_ number: Int) -> String {
        (number < 10 ? "0" : "") + "\(number)-task-\(number).md"
    }

    /// Writes the tree under `root`, which must not exist or be an empty folder.
    @discardableResult
    public func write(into root: String) throws(WriteError) -> GeneratedSpecTree {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        if fileManager.fileExists(atPath: root, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .notAFolder(root) }
            let contents = (try? fileManager.contentsOfDirectory(atPath: root)) ?? []
            guard contents.isEmpty else { throw .folderNotEmpty(root) }
        }
        let tasksDirectory = root + "/specs/tasks"
        var tree = GeneratedSpecTree(root: root, tasksDirectory: tasksDirectory)
        try Self.createFolder(root + "/.git")
        try Self.createFolder(tasksDirectory)

        var random = SeededRandomNumberGenerator(seed: seed)
        var prose = ProseWriter(random: SeededRandomNumberGenerator(seed: random.next()))
        for index in 0 ..< unitCount {
            let unit = Self.unitName(index)
            let folder = tasksDirectory + "/" + unit
            try Self.createFolder(folder)

            let dependencyCount = min(index, Int.random(in: 0 ... 3, using: &random))
            var dependencies: Set<Int> = []
            while dependencies.count < dependencyCount {
                dependencies.insert(Int.random(in: 0 ..< index, using: &random))
            }
            let plan = Self.planText(
                unit: unit,
                dependsOn: dependencies.sorted().map(Self.unitName),
                prose: &prose
            )
            try Self.writeFile(folder + "/IMPLEMENTATION_PLAN.md", plan, into: &tree)

            for number in 1 ... tasksPerUnit {
                let task = Self.taskText(number: number, prose: &prose)
                try Self.writeFile(folder + "/" + Self.taskFileName(number), task, into: &tree)
            }
            tree.unitCount += 1
            tree.taskCount += tasksPerUnit
        }
        return tree
    }

    /// Writes the tree into a new folder under the system's temporary folder.
    public func writeToTemporaryFolder() throws(WriteError) -> GeneratedSpecTree {
        let base = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return try write(into: "\(base)/choo-spec-tree-\(unitCount)-\(suffix)")
    }

    private static func planText(unit: String, dependsOn: [String], prose: inout ProseWriter) -> String {
        """
        ---
        unit: \(unit)
        depends_on: [\(dependsOn.joined(separator: ", "))]
        ---

        # \(prose.title())

        \(prose.paragraph(bytes: planParagraphBytes))

        """
    }

    private static func taskText(number: Int, prose: inout ProseWriter) -> String {
        let paragraphs = (0 ..< 3).map { _ in prose.paragraph(bytes: taskBodyBytes / 3) }
        return """
            ---
            task: \(number)
            status: pending
            backpressure: "swift test --filter T\(number)"
            depends_on: [\(number > 1 ? String(number - 1) : "")]
            ---

            # \(prose.title())

            \(paragraphs.joined(separator: "\n\n"))

            """
    }

    private static func createFolder(_ path: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateFolder(path, reason: error.localizedDescription)
        }
    }

    private static func writeFile(
        _ path: String,
        _ text: String,
        into tree: inout GeneratedSpecTree
    ) throws(WriteError) {
        let data = Data(text.utf8)
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw .cannotWriteFile(path, reason: error.localizedDescription)
        }
        tree.fileCount += 1
        tree.byteCount += data.count
    }
}
