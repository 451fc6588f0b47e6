import ArgumentParser
import Foundation
import SpecTreeGenerator

/// `generate-spec-tree <dir> <units>`: writes a synthetic spec tree for benchmarks and timing.
@main
struct GenerateSpecTree: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-spec-tree",
        abstract: "Write a synthetic, valid spec tree of a given size, for benchmarks.",
        discussion: """
            Writes <dir>/.git (empty) and <dir>/specs/tasks/unit-00000 … with an IMPLEMENTATION_PLAN.md \
            and task files 01-task-1.md … in each unit. The same seed always writes the same tree. \
            Check it with: choo validate <dir>/specs/tasks
            """
    )

    @Argument(help: ArgumentHelp("The folder to write the tree into; it must not exist or be empty.", valueName: "dir"))
    var directory: String

    @Argument(help: ArgumentHelp("How many units to write.", valueName: "units"))
    var units: Int

    @Option(name: .customLong("tasks-per-unit"), help: "How many task files each unit gets (1 to 99).")
    var tasksPerUnit = 10

    @Option(help: "The seed of the random choices (dependencies and prose).")
    var seed: UInt64 = 0x00C0_FFEE

    func validate() throws {
        guard units >= 0 else { throw ValidationError("<units> must be 0 or more, not \(units)") }
        guard (1 ... 99).contains(tasksPerUnit) else {
            throw ValidationError("--tasks-per-unit must be 1 to 99 (task files have two-digit names)")
        }
    }

    func run() throws {
        let root = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        let generator = SpecTreeGenerator(unitCount: units, tasksPerUnit: tasksPerUnit, seed: seed)
        let tree: GeneratedSpecTree
        do {
            tree = try generator.write(into: root)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        let megabytes = Double(tree.byteCount) / 1_048_576
        print(
            "wrote \(tree.unitCount) units, \(tree.taskCount) tasks, \(tree.fileCount) files "
                + "(\((megabytes * 10).rounded() / 10) MiB); tasks root: \(tree.tasksDirectory)"
        )
    }
}
