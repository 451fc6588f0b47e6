import ChooCore
import ChooTesting
import Foundation
import Testing

/// A unit's worktree is added without its files under the repository lock and checked out after
/// it; one a killed run left without its files is checked out at the next start, never taken for
/// a worktree whose files were deleted.
@Suite(.temporaryDirectory)
struct WorktreeCheckoutTests {
    @Test("a worktree a killed run left without its files is checked out again, and nothing is lost")
    func unpopulatedWorktreeIsCheckedOut() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.write("src/keep.txt", "the repository's own file\n")
        }
        // What a run killed between `git worktree add --no-checkout` and the checkout leaves.
        let base = fixture.repository.path + "/.ralph/worktrees"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try await fixture.repository.git(
            "worktree",
            "add",
            "--quiet",
            "--no-checkout",
            "-b",
            "ralph/a",
            base + "/a",
            "main"
        )
        #expect(!FileManager.default.fileExists(atPath: base + "/a/src/keep.txt"))

        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        // The landed commit changed only the unit's own files: no file of the repository was deleted.
        let changed = try await fixture.repository.git("diff", "--name-status", fixture.start, "main")
        #expect(!changed.contains("D\t"), "\(changed)")
        #expect(try await fixture.repository.git("show", "main:src/keep.txt") == "the repository's own file")
    }

    @Test("units starting together get complete worktrees, and landed ones leave only pooled folders behind")
    func parallelCheckouts() async throws {
        let fixture = try await RunFixture(.completeNextTask, settings: "parallelism: 4\n") { specs in
            for unit in ["a", "b", "c", "d", "e", "f"] {
                try specs.unit(unit, tasks: [.init(1, backpressure: workCheck(unit, 1) + " && test -f src/keep.txt")])
            }
            try specs.write("src/keep.txt", "every worktree has me\n")
        }
        let result = try await fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        // Besides the main checkout, only landed units' folders waiting to be recycled (detached, no
        // branch), at most one per parallel unit.
        let worktrees = try await fixture.repository.git("worktree", "list", "--porcelain")
        let others = worktrees.components(separatedBy: "\n\n").dropFirst().filter { !$0.isEmpty }
        #expect(others.count <= 4 && others.allSatisfy { $0.contains("/.pool/") && $0.contains("\ndetached") })
        let base = fixture.repository.path + "/.ralph/worktrees"
        let left = (try? FileManager.default.contentsOfDirectory(atPath: base + "/.removing")) ?? []
        #expect(left.isEmpty, "\(left)")
        for unit in ["a", "b", "c", "d", "e", "f"] {
            #expect(!FileManager.default.fileExists(atPath: base + "/" + unit))
        }
    }
}
