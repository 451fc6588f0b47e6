import ChooCore
import ChooTesting
import Foundation
import Testing

/// The real file access, on real files in a temporary folder.
@Suite(.temporaryDirectory)
struct SystemFileAccessTests {
    let folder = TemporaryDirectory.current
    let files = SystemFileAccess()

    /// The permission bits of `path`.
    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("write replaces a file whole with the mode asked for, whatever was there, and leaves nothing beside it")
    func write() throws {
        let path = folder("a.txt")
        try files.write("first\n", to: path)
        #expect(try files.readText(path) == "first\n")
        #expect(try mode(path) == 0o644)
        try files.write(Array("#!/bin/sh\n".utf8), to: path, executable: true)
        #expect(try files.readText(path) == "#!/bin/sh\n")
        #expect(try mode(path) == 0o755)
        #expect(try files.names(in: folder.path) == ["a.txt"])
        let missing = #expect(throws: FileError.self) { try files.write("x", to: folder("no/such/folder/b.txt")) }
        #expect(missing?.operation == "write")
        #expect(missing?.description.contains("No such file or directory") == true)
    }

    @Test("createDirectory makes missing parents, does nothing when the folder exists, and refuses a file in the way")
    func createDirectory() throws {
        try files.createDirectory(folder("one/two/three"))
        try files.createDirectory(folder("one/two/three"))
        #expect(files.kind(of: folder("one/two/three")) == .directory)
        try files.write("x", to: folder("file"))
        #expect(throws: FileError.self) { try files.createDirectory(folder("file")) }
        #expect(throws: FileError.self) { try files.createDirectory(folder("file/below")) }
    }

    @Test("createParent makes the folder holding a path, also a folder's path written with a final slash")
    func createParent() throws {
        try files.createParent(of: folder("a/b/file.txt"))
        #expect(files.kind(of: folder("a/b")) == .directory)
        #expect(files.kind(of: folder("a/b/file.txt")) == nil)
        try files.createParent(of: folder("c/d/folder/"))
        #expect(files.kind(of: folder("c/d")) == .directory)
        #expect(files.kind(of: folder("c/d/folder")) == nil)
        // Then a folder moves to such a path.
        try files.createDirectory(folder("work"))
        try files.write("w", to: folder("work/w"))
        try files.createParent(of: folder("aside/u/work/"))
        try files.move(folder("work/"), to: folder("aside/u/work/"))
        #expect(try files.readText(folder("aside/u/work/w")) == "w")
    }

    @Test("move renames and never overwrites; remove takes a folder with its contents and ignores what is gone")
    func moveAndRemove() throws {
        try files.write("a", to: folder("a"))
        try files.write("b", to: folder("b"))
        let refused = #expect(throws: FileError.self) { try files.move(folder("a"), to: folder("b")) }
        #expect(refused?.reason.contains("exists") == true)
        #expect(try files.readText(folder("b")) == "b")
        try files.move(folder("a"), to: folder("c"))
        #expect(!files.exists(folder("a")))
        #expect(try files.readText(folder("c")) == "a")

        try files.createDirectory(folder("tree/deep"))
        try files.write("x", to: folder("tree/deep/x"))
        try files.remove(folder("tree"))
        #expect(!files.exists(folder("tree")))
        try files.remove(folder("tree"))
        try files.remove(folder("c"))
        #expect(!files.exists(folder("c")))
    }

    @Test("links are seen as links, not followed: kind names the target, contents(under:) does not descend")
    func links() throws {
        try files.createDirectory(folder("real/inner"))
        try files.write("x", to: folder("real/inner/file"))
        try files.createDirectory(folder("walk/sub"))
        try files.write("y", to: folder("walk/sub/y"))
        try files.write("z", to: folder("walk/z"))
        try files.createSymbolicLink(at: folder("walk/to-real"), to: folder("real"))
        #expect(files.kind(of: folder("walk/to-real")) == .link(target: folder("real")))
        #expect(files.kind(of: folder("walk/z")) == .regular)
        #expect(files.kind(of: folder("walk/none")) == nil)
        #expect(try files.contents(under: folder("walk")) == ["sub/y", "to-real", "z"])
        // Removing the link leaves what it pointed at.
        try files.remove(folder("walk/to-real"))
        #expect(files.exists(folder("real/inner/file")))
    }

    @Test("reading says why it failed: nothing there, a folder, or text that is not UTF-8")
    func readFailures() throws {
        #expect(throws: FileError.self) { try files.readText(folder("missing")) }
        let isFolder = #expect(throws: FileError.self) { try files.readText(folder.path) }
        #expect(isFolder?.reason.contains("folder") == true)
        try files.write([0xff, 0xfe], to: folder("binary"), executable: false)
        #expect(try files.readBytes(folder("binary")) == [0xff, 0xfe])
        let binary = #expect(throws: FileError.self) { try files.readText(folder("binary")) }
        #expect(binary?.reason == "not valid UTF-8 text")
    }
}
