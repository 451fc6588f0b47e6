import Dispatch
import Logging
import Synchronization

/// Reads a spec tree from disk into plain values.
///
/// A unit is an immediate subfolder of the tasks root holding `IMPLEMENTATION_PLAN.md` and at
/// least one task file (`[0-9][0-9]-*.md`). Units are read in parallel; the result is in folder-name
/// order. Reading never stops at the first problem: every file's problems become diagnostics.
public enum SpecLoader {
    /// The unit manifest's file name.
    public static let planFileName = "IMPLEMENTATION_PLAN.md"

    /// Reads the tree under `tasksDirectory` (absolute), naming files relative to `repositoryRoot`.
    public static func load(
        tasksDirectory: String,
        repositoryRoot: String,
        logger: Logger = Logger(label: "choo.specs")
    ) -> SpecTree {
        var tree = SpecTree(repositoryRoot: repositoryRoot, tasksDirectory: tasksDirectory, units: [])
        let display = FileSystem.relative(tasksDirectory, to: repositoryRoot)
        switch FileSystem.kind(of: tasksDirectory) {
        case nil:
            tree.diagnostics.append(
                Diagnostic(
                    .error,
                    .tasksDirMissing,
                    "the tasks folder `\(display)` does not exist",
                    hint: "create it, or name the folder that holds your units: `choo validate path/to/tasks`",
                    file: display
                )
            )
            return tree
        case .file?, .other?:
            tree.diagnostics.append(
                Diagnostic(
                    .error,
                    .tasksDirNotFolder,
                    "`\(display)` is a file, but the tasks root must be a folder",
                    hint: "pass the folder that holds the unit folders",
                    file: display
                )
            )
            return tree
        case .directory?:
            break
        }
        let entries: [FileSystem.Entry]
        do {
            entries = try FileSystem.entries(of: tasksDirectory)
        } catch {
            tree.diagnostics.append(
                Diagnostic(
                    .error,
                    .unreadableFile,
                    "cannot list the tasks folder `\(display)`: \(error.reason)",
                    file: display
                )
            )
            return tree
        }
        let folders = entries.filter { entry in
            if entry.name.hasPrefix(".") { return false }
            if entry.kind != .directory {
                logger.debug("skipping \(display)/\(entry.name): not a unit folder")
                return false
            }
            return true
        }

        let results = Mutex([UnitLoad?](repeating: nil, count: folders.count))
        DispatchQueue.concurrentPerform(iterations: folders.count) { index in
            let load = loadUnit(
                folder: folders[index].name,
                tasksDirectory: tasksDirectory,
                repositoryRoot: repositoryRoot
            )
            results.withLock { $0[index] = load }
        }
        for load in results.withLock({ $0 }) {
            guard let load else { continue }
            tree.diagnostics += load.diagnostics
            tree.unreadableFiles.formUnion(load.unreadableFiles)
            tree.invalidKeys.formUnion(load.invalidKeys)
            if let skipped = load.skippedReason {
                logger.debug("skipping \(load.directory): \(skipped)")
            }
            if let unit = load.unit { tree.units.append(unit) }
        }
        if tree.units.isEmpty, !tree.diagnostics.hasErrors {
            tree.diagnostics.append(
                Diagnostic(
                    .error,
                    .noUnits,
                    "no units found under `\(display)`",
                    hint: "a unit is a folder holding IMPLEMENTATION_PLAN.md and task files named like 01-name.md",
                    file: display
                )
            )
        }
        return tree
    }

    /// What reading one folder produced.
    struct UnitLoad: Sendable {
        var directory: String
        var unit: Unit?
        var diagnostics: [Diagnostic] = []
        var unreadableFiles: Set<String> = []
        var invalidKeys: Set<String> = []
        var skippedReason: String?
    }

    /// Whether `name` is a task file name: two digits, a dash, anything, `.md`.
    public static func isTaskFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return bytes.count >= 6 && isDigit(bytes[0]) && isDigit(bytes[1]) && bytes[2] == UInt8(ascii: "-")
            && name.hasSuffix(".md")
    }

    /// A markdown file that starts with a digit but is not a task file name, like `1-x.md` or `001-x.md`.
    static func looksLikeTaskFile(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        return isDigit(first) && name.hasSuffix(".md") && !isTaskFileName(name)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func loadUnit(folder: String, tasksDirectory: String, repositoryRoot: String) -> UnitLoad {
        let absoluteDirectory = tasksDirectory + "/" + folder
        let directory = FileSystem.relative(absoluteDirectory, to: repositoryRoot)
        var load = UnitLoad(directory: directory)
        let entries: [FileSystem.Entry]
        do {
            entries = try FileSystem.entries(of: absoluteDirectory)
        } catch {
            load.diagnostics.append(
                Diagnostic(
                    .error,
                    .unreadableFile,
                    "cannot list the folder: \(error.reason)",
                    file: directory,
                    unit: folder
                )
            )
            return load
        }
        let planEntry = entries.first { $0.name == planFileName }
        let taskEntries = entries.filter { isTaskFileName($0.name) }
        for entry in entries where looksLikeTaskFile(entry.name) && (planEntry != nil || !taskEntries.isEmpty) {
            load.diagnostics.append(
                Diagnostic(
                    .warning,
                    .fileIgnored,
                    "`\(entry.name)` is not read as a task: task files are named with exactly two digits and a dash",
                    hint: "rename it like `01-name.md` if it is a task",
                    file: directory + "/" + entry.name,
                    unit: folder
                )
            )
        }
        switch (planEntry, taskEntries.isEmpty) {
        case (nil, true):
            load.skippedReason = "no \(planFileName) and no task files"
            return load
        case (nil, false):
            load.diagnostics.append(
                Diagnostic(
                    .warning,
                    .folderSkipped,
                    "the folder has task files but no \(planFileName), so it is not a unit and is skipped",
                    hint: "add \(planFileName) to make it a unit",
                    file: directory,
                    unit: folder
                )
            )
            return load
        case (_?, true):
            load.diagnostics.append(
                Diagnostic(
                    .warning,
                    .folderSkipped,
                    "the folder has \(planFileName) but no task files, so it is not a unit and is skipped",
                    hint: "add task files named like 01-name.md",
                    file: directory,
                    unit: folder
                )
            )
            return load
        case (_?, false):
            break
        }

        var unit = Unit(id: folder, directory: directory, planFile: directory + "/" + planFileName)
        if var fields = readFields(
            path: absoluteDirectory + "/" + planFileName,
            file: unit.planFile,
            unit: folder,
            task: nil,
            into: &load
        ) {
            unit.title = fields.title
            unit.declaredName = fields.reader.string("unit")
            unit.dependsOn = fields.reader.stringList("depends_on") ?? []
            unit.provider = fields.reader.string("provider")
            unit.orchStatus = fields.reader.enumeration(
                "orch_status",
                UnitStatus.self,
                allowed: UnitStatus.allowedValues,
                aliases: UnitStatus.legacyInProgress
            )
            unit.orchBranch = fields.reader.string("orch_branch")
            unit.orchWorktree = fields.reader.string("orch_worktree")
            unit.orchPRNumber = fields.reader.int("orch_pr_number")
            unit.orchStartedAt = fields.reader.timestamp("orch_started_at")
            unit.orchCompletedAt = fields.reader.timestamp("orch_completed_at")
            unit.keyLines = fields.reader.lines
            load.diagnostics += fields.reader.diagnostics
            load.invalidKeys.formUnion(fields.reader.invalidKeys.map { "\(unit.planFile):\($0)" })
        }

        for entry in taskEntries {
            let file = directory + "/" + entry.name
            var task = TaskSpec(number: nil, fileName: entry.name, file: file)
            if entry.kind == .directory {
                load.diagnostics.append(
                    Diagnostic(
                        .error,
                        .unreadableFile,
                        "`\(entry.name)` is a folder, but task files must be files",
                        hint: "rename the folder so it does not look like a task file",
                        file: file,
                        unit: folder
                    )
                )
                load.unreadableFiles.insert(file)
                task.number = task.fileNumber
                unit.tasks.append(task)
                continue
            }
            if var fields = readFields(
                path: absoluteDirectory + "/" + entry.name,
                file: file,
                unit: folder,
                task: nil,
                into: &load
            ) {
                task.title = fields.title
                task.number = fields.reader.int("task")
                task.status =
                    fields.reader.enumeration("status", TaskStatus.self, allowed: TaskStatus.allowedValues) ?? .pending
                task.backpressure = fields.reader.string("backpressure")
                task.dependsOn = fields.reader.intList("depends_on") ?? []
                task.keyLines = fields.reader.lines
                load.invalidKeys.formUnion(fields.reader.invalidKeys.map { "\(file):\($0)" })
                load.diagnostics += fields.reader.diagnostics.map { diagnostic in
                    var diagnostic = diagnostic
                    diagnostic.task = task.number ?? task.fileNumber
                    return diagnostic
                }
                if load.unreadableFiles.contains(file) { task.number = task.number ?? task.fileNumber }
            } else {
                task.number = task.fileNumber
            }
            unit.tasks.append(task)
        }
        load.unit = unit
        return load
    }

    private struct ReadFields {
        var reader: FrontmatterFields
        var title: String?
    }

    private static func readFields(
        path: String,
        file: String,
        unit: String,
        task: Int?,
        into load: inout UnitLoad
    ) -> ReadFields? {
        let text: String
        do {
            text = try FileSystem.readRegularText(path)
        } catch {
            load.diagnostics.append(
                Diagnostic(
                    .error,
                    .unreadableFile,
                    "cannot read the file: \(error.reason)",
                    hint: error.hint ?? "check that it exists and is readable UTF-8 text",
                    file: file,
                    unit: unit,
                    task: task
                )
            )
            load.unreadableFiles.insert(file)
            return nil
        }
        let frontmatter: Frontmatter
        do {
            frontmatter = try Frontmatter.split(text)
        } catch {
            switch error {
            case .unclosed(let line):
                load.diagnostics.append(
                    Diagnostic(
                        .error,
                        .unclosedFrontmatter,
                        "the frontmatter opened with `---` on line \(line) is never closed",
                        hint: "add a line `---` after the last key",
                        file: file,
                        line: line,
                        unit: unit,
                        task: task
                    )
                )
            }
            load.unreadableFiles.insert(file)
            return nil
        }
        let reader = FrontmatterFields(
            frontmatter,
            context: .init(file: file, unit: unit, task: task)
        )
        if reader.diagnostics.contains(where: { $0.rule == .frontmatterSyntax || $0.rule == .frontmatterNotMapping }) {
            load.unreadableFiles.insert(file)
        }
        return ReadFields(reader: reader, title: frontmatter.title)
    }
}
