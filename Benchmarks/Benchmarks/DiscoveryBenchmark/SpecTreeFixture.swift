import ChooCore
import SpecTreeGenerator
import Synchronization

/// A generated spec tree in a temporary folder that lives from a benchmark's setup to its teardown.
final class SpecTreeFixture: Sendable {
    /// How many units the tree has.
    let units: Int
    private let tree = Mutex<GeneratedSpecTree?>(nil)

    /// Why a generated tree cannot be measured.
    enum FixtureError: Error, CustomStringConvertible {
        /// The generated tree did not load as `expected` units without errors.
        case unexpectedTree(expected: Int, loaded: Int, firstError: String?)

        var description: String {
            switch self {
            case .unexpectedTree(let expected, let loaded, let firstError):
                "the generated tree loaded as \(loaded) units instead of \(expected)"
                    + (firstError.map { ", with errors; the first: \($0)" } ?? "")
                    + "; fix SpecTreeGenerator so it writes a valid tree"
            }
        }
    }

    /// A fixture for a tree of `units` units (10 tasks each), not written yet.
    init(units: Int) {
        self.units = units
    }

    /// The measured work: discovery then validation, as `choo validate` does it.
    static func loadAndValidate(_ tree: GeneratedSpecTree) -> (unitCount: Int, hasErrors: Bool) {
        let specTree = SpecLoader.load(tasksDirectory: tree.tasksDirectory, repositoryRoot: tree.root)
        let diagnostics = SpecValidator(knownProviders: ["claude", "codex"]).validate(specTree)
        return (specTree.units.count, diagnostics.hasErrors)
    }

    /// Writes the tree and checks that choo reads it as a valid tree of the expected size.
    func create() throws -> GeneratedSpecTree {
        let generated = try SpecTreeGenerator(unitCount: units).writeToTemporaryFolder()
        tree.withLock { $0 = generated }
        let specTree = SpecLoader.load(tasksDirectory: generated.tasksDirectory, repositoryRoot: generated.root)
        let diagnostics = SpecValidator(knownProviders: ["claude", "codex"]).validate(specTree)
        guard specTree.units.count == units, !diagnostics.hasErrors else {
            throw FixtureError.unexpectedTree(
                expected: units,
                loaded: specTree.units.count,
                firstError: diagnostics.first { $0.severity == .error }?.description
            )
        }
        return generated
    }

    /// Deletes the tree, if it was written.
    func remove() {
        tree.withLock { tree in
            tree?.remove()
            tree = nil
        }
    }
}
