import ChooTesting
import Foundation
import Testing

@testable import ChooCore

/// Real spec trees written by people for the Go tool (in the workspace's `shared/corpus`, beside
/// this repository): they must load unchanged. Skipped where the corpus is not present.
@Suite(.enabled(if: Corpus.path != nil, "the shared corpus is not beside this repository"))
struct CorpusTests {
    func check(_ relative: String) throws -> (SpecTree, [Diagnostic]) {
        let root = try #require(Corpus.path)
        let tree = SpecLoader.load(tasksDirectory: root + "/" + relative, repositoryRoot: root)
        return (tree, SpecValidator().validate(tree))
    }

    @Test("the Go tool's archive loads: 38 units, only the two known warnings")
    func archive() throws {
        let (tree, diagnostics) = try check("specs/completed/tasks")
        #expect(tree.units.count == 38)
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        let warnings = diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.rule) == [.unknownUnitDependency, .unknownUnitDependency])
        #expect(Set(warnings.compactMap(\.unit)) == ["git", "worker"])
        #expect(tree.units.filter { !$0.isComplete }.map(\.id) == ["discovery"])
        #expect(tree.unit("discovery")?.task(1)?.status == .inProgress)
        let plan = try Planner.plan(tree, parallelism: 4)
        #expect(plan.order == ["discovery"])
    }

    @Test("the Go tool's open work loads, all complete")
    func openWork() throws {
        let (tree, diagnostics) = try check("specs/tasks")
        #expect(tree.units.count == 7)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(tree.units.allSatisfy { $0.isComplete })
    }

    @Test("with statuses reset, the open work plans into 3 levels")
    func openWorkReset() throws {
        let (tree, _) = try check("specs/tasks")
        var reset = tree
        for index in reset.units.indices {
            for task in reset.units[index].tasks.indices { reset.units[index].tasks[task].status = .pending }
        }
        let plan = try Planner.plan(reset, parallelism: 4)
        #expect(plan.levels.count == 3)
        #expect(plan.entries.count == 7)
        #expect(plan.criticalPath == ["gitops", "gitops-mock", "gitops-worker"])
    }

    @Test("the Go tool's example loads, including its plan without frontmatter")
    func example() throws {
        let (tree, diagnostics) = try check("examples/specs/tasks")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(tree.units.map(\.id) == ["project-setup"])
    }
}

/// Where the shared corpus is, if it is beside this repository.
enum Corpus {
    static let path: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/go-choo").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()
}
