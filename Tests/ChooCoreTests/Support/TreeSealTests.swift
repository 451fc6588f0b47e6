import ChooTesting
import Foundation
import Testing

@testable import ChooCore

/// The seal on a prepared worktree: what breaks it, and what does not.
#if os(Linux)
/// One at a time: a test fills the process's seals up to their limit.
@Suite(.temporaryDirectory, .serialized)
struct TreeSealTests {
    let root = TemporaryDirectory.current("tree")

    /// A tree like a small worktree: a spec file two folders down, a source file three down.
    func makeTree() throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/specs/tasks/u", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/src/deep/er", withIntermediateDirectories: true)
        try "backpressure: make test\n".write(
            toFile: root + "/specs/tasks/u/01-task.md",
            atomically: false,
            encoding: .utf8
        )
        try "let x = 1\n".write(toFile: root + "/src/deep/er/main.swift", atomically: false, encoding: .utf8)
        try "root\n".write(toFile: root + "/README.md", atomically: false, encoding: .utf8)
    }

    func sealed() throws -> TreeSeal {
        try makeTree()
        let seal = TreeSeal(root: root, files: ["specs/tasks/u/01-task.md", "gone.md"])
        return try #require(seal)
    }

    @Test("reading, listing and stat-ing files leave the seal unbroken")
    func readsDoNotBreak() throws {
        let seal = try sealed()
        _ = try String(contentsOfFile: root + "/specs/tasks/u/01-task.md", encoding: .utf8)
        _ = try String(contentsOfFile: root + "/src/deep/er/main.swift", encoding: .utf8)
        _ = try FileManager.default.subpathsOfDirectory(atPath: root)
        _ = try FileManager.default.attributesOfItem(atPath: root + "/README.md")
        #expect(seal.isUnbroken)
        #expect(seal.isUnbroken, "asking twice changes nothing")
    }

    /// Each way a file or folder can change, deep or shallow.
    enum Change: String, CaseIterable, CustomTestStringConvertible {
        case writeDeep, appendAtRoot, create, remove, rename, chmod, makeFolder, removeFolder
        case writeThroughHardLink, linkSpecFile, replaceRoot

        var testDescription: String { rawValue }

        func apply(under root: String, outside: String) throws {
            let manager = FileManager.default
            switch self {
            case .writeDeep:
                try "let x = 2\n".write(toFile: root + "/src/deep/er/main.swift", atomically: false, encoding: .utf8)
            case .appendAtRoot:
                let handle = try #require(FileHandle(forWritingAtPath: root + "/README.md"))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("more\n".utf8))
                try handle.close()
            case .create:
                #expect(manager.createFile(atPath: root + "/src/deep/planted.txt", contents: Data("x".utf8)))
            case .remove:
                try manager.removeItem(atPath: root + "/src/deep/er/main.swift")
            case .rename:
                try manager.moveItem(atPath: root + "/README.md", toPath: root + "/src/README.md")
            case .chmod:
                try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/README.md")
            case .makeFolder:
                try manager.createDirectory(atPath: root + "/src/deep/er/new", withIntermediateDirectories: false)
            case .removeFolder:
                try manager.removeItem(atPath: root + "/src/deep/er")
            case .writeThroughHardLink:
                // A link made before the seal, from outside the tree: only the file's own watch sees it.
                try "backpressure: true\n".write(toFile: outside + "/link.md", atomically: false, encoding: .utf8)
            case .linkSpecFile:
                try manager.linkItem(atPath: root + "/specs/tasks/u/01-task.md", toPath: outside + "/later.md")
            case .replaceRoot:
                try manager.moveItem(atPath: root, toPath: outside + "/moved")
                try manager.createDirectory(atPath: root, withIntermediateDirectories: false)
            }
        }
    }

    @Test("any change under the tree breaks the seal, and it stays broken", arguments: Change.allCases)
    func changesBreak(change: Change) throws {
        let outside = TemporaryDirectory.current("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try makeTree()
        try FileManager.default.linkItem(atPath: root + "/specs/tasks/u/01-task.md", toPath: outside + "/link.md")
        let made = TreeSeal(root: root, files: ["specs/tasks/u/01-task.md"])
        let seal = try #require(made)
        #expect(seal.isUnbroken)
        try change.apply(under: root, outside: outside)
        #expect(!seal.isUnbroken)
        #expect(!seal.isUnbroken)
    }

    @Test("a tree with more folders than the limit, or one that is not there, is not sealed")
    func limits() throws {
        try makeTree()
        // root, specs, specs/tasks, specs/tasks/u, src, src/deep, src/deep/er
        #expect(TreeSeal(root: root, folderLimit: 6) == nil)
        #expect(TreeSeal(root: root, folderLimit: 7) != nil)
        #expect(TreeSeal(root: root + "/nowhere") == nil)
    }

    @Test("no more than the limit of seals are open at once; closing one makes room")
    func openLimit() throws {
        try makeTree()
        var seals: [TreeSeal] = []
        while let seal = TreeSeal(root: root), seals.count <= TreeSeal.openLimit { seals.append(seal) }
        // (Something else in the process may hold some: at most the limit in all.)
        #expect(!seals.isEmpty && seals.count <= TreeSeal.openLimit)
        #expect(TreeSeal(root: root) == nil)
        seals.removeLast().close()
        let again = TreeSeal(root: root)
        #expect(again != nil)
        again?.close()
        for seal in seals { seal.close() }
    }

    @Test("a closed seal is broken")
    func closed() throws {
        let seal = try sealed()
        seal.close()
        #expect(!seal.isUnbroken)
    }

    @Test("a file's stamp changes when it is written or replaced, not when it is read")
    func stamps() throws {
        try makeTree()
        let path = root + "/README.md"
        let stamp = FileStamp(path: path)
        let before = try #require(stamp)
        _ = try String(contentsOfFile: path, encoding: .utf8)
        #expect(FileStamp(path: path) == before)
        try "other\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(FileStamp(path: path) != before)
        #expect(FileStamp(path: root + "/nowhere") == nil)
    }
}
#endif
