import ChooTesting
import Foundation
import Testing

@testable import ChooCore

@Suite(.temporaryDirectory)
struct CheckoutSnapshotTests {
    typealias Entry = CheckoutSnapshot.Entry

    /// One comparison: the entries before and after, and the changes expected.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var before: [String: Entry]
        var after: [String: Entry]
        var expected: [String: CheckoutSnapshot.Change.Kind]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "an untracked file appeared",
            before: [:],
            after: ["intruder.txt": Entry(status: "??", fingerprint: "a1")],
            expected: ["intruder.txt": .appeared]
        ),
        Case(
            name: "a file added to the index appeared",
            before: [:],
            after: ["new.txt": Entry(status: "A ", fingerprint: "a1")],
            expected: ["new.txt": .appeared]
        ),
        Case(
            name: "a clean tracked file was modified",
            before: [:],
            after: ["README.md": Entry(status: " M", fingerprint: "b2")],
            expected: ["README.md": .changed]
        ),
        Case(
            name: "an untracked file's content changed",
            before: ["notes.txt": Entry(status: "??", fingerprint: "a1")],
            after: ["notes.txt": Entry(status: "??", fingerprint: "a2")],
            expected: ["notes.txt": .changed]
        ),
        Case(
            name: "a modified tracked file was staged",
            before: ["README.md": Entry(status: " M", fingerprint: "b2")],
            after: ["README.md": Entry(status: "M ", fingerprint: "b2")],
            expected: ["README.md": .changed]
        ),
        Case(
            name: "a modified tracked file was put back as HEAD has it",
            before: ["README.md": Entry(status: " M", fingerprint: "b2")],
            after: [:],
            expected: ["README.md": .changed]
        ),
        Case(
            name: "an untracked file was removed",
            before: ["notes.txt": Entry(status: "??", fingerprint: "a1")],
            after: [:],
            expected: ["notes.txt": .removed]
        ),
        Case(
            name: "a tracked file was deleted",
            before: [:],
            after: ["lib.swift": Entry(status: " D", fingerprint: nil)],
            expected: ["lib.swift": .removed]
        ),
        Case(
            name: "a modified tracked file was deleted",
            before: ["lib.swift": Entry(status: " M", fingerprint: "c3")],
            after: ["lib.swift": Entry(status: " D", fingerprint: nil)],
            expected: ["lib.swift": .removed]
        ),
        Case(
            name: "a deleted tracked file came back with other content",
            before: ["lib.swift": Entry(status: " D", fingerprint: nil)],
            after: ["lib.swift": Entry(status: " M", fingerprint: "c4")],
            expected: ["lib.swift": .appeared]
        ),
        Case(
            name: "nothing changed (the user's own dirty files stay as they were)",
            before: [
                "notes.txt": Entry(status: "??", fingerprint: "a1"),
                "README.md": Entry(status: " M", fingerprint: "b2"),
            ],
            after: [
                "notes.txt": Entry(status: "??", fingerprint: "a1"),
                "README.md": Entry(status: " M", fingerprint: "b2"),
            ],
            expected: [:]
        ),
    ]

    @Test("paths that appeared, changed or were removed between two snapshots", arguments: cases)
    func changes(_ example: Case) {
        let before = CheckoutSnapshot(head: "1111", entries: example.before)
        let after = CheckoutSnapshot(head: "2222", entries: example.after)
        let changes = after.changes(since: before)
        #expect(Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0.kind) }) == example.expected)
        for change in changes {
            #expect(change.now == example.after[change.path])
            #expect(after.stillShows(change))
        }
    }

    @Test("HEAD moving (a fast-forward) is not a change, and changes are sorted by path")
    func headAndOrder() {
        let before = CheckoutSnapshot(head: "1111", entries: ["z": Entry(status: "??", fingerprint: "1")])
        #expect(CheckoutSnapshot(head: "2222", entries: before.entries).changes(since: before).isEmpty)
        let after = CheckoutSnapshot(
            head: "2222",
            entries: ["z": Entry(status: "??", fingerprint: "2"), "a": Entry(status: "??", fingerprint: "3")]
        )
        #expect(after.changes(since: before).map(\.path) == ["a", "z"])
    }

    @Test("porcelain -z records: renames list both paths, copies only the new one, odd names survive")
    func parse() {
        let output = "?? with space.txt\0 M README.md\0R  new.txt\0old.txt\0C  copy.txt\0source.txt\0?? ünï.txt\0"
        let listed = CheckoutSnapshot.listing(Git.parseStatusEntries(output))
        #expect(listed.map(\.path) == ["with space.txt", "README.md", "new.txt", "old.txt", "copy.txt", "ünï.txt"])
        #expect(listed.map(\.status) == ["??", " M", "R ", "D ", "C ", "??"])
    }

    @Test("a real checkout: untracked, modified, deleted files and links get fingerprints; ignored files do not count")
    func takeFromARealCheckout() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        try await repository.commit("more files", files: ["lib.swift": "let x = 1\n", ".gitignore": "build/\n"])
        let git = Git(
            repository: repository.path,
            runner: SystemProcessRunner(),
            environment: GitRepository.environment
        )
        let clean = try await CheckoutSnapshot.take(git: git, files: SystemFileAccess())
        #expect(clean.entries.isEmpty)
        #expect(clean.head == (try await repository.git("rev-parse", "HEAD")))

        try repository.write("notes/todo.txt", "mine\n")
        try repository.write("build/out.o", "ignored\n")
        try repository.write("README.md", "# edited\n")
        try FileManager.default.removeItem(atPath: repository("lib.swift"))
        try FileManager.default.createSymbolicLink(atPath: repository("link"), withDestinationPath: "README.md")
        let dirty = try await CheckoutSnapshot.take(git: git, files: SystemFileAccess())
        #expect(Set(dirty.entries.keys) == ["notes/todo.txt", "README.md", "lib.swift", "link"])
        let blob = try await repository.git("hash-object", "notes/todo.txt")
        #expect(dirty.entries["notes/todo.txt"] == Entry(status: "??", fingerprint: blob))
        #expect(dirty.entries["lib.swift"] == Entry(status: " D", fingerprint: nil))
        #expect(dirty.entries["link"]?.fingerprint == "link:README.md")
        #expect(dirty.entries["README.md"]?.status == " M")

        // The same content again is no change; other content is.
        #expect(try await CheckoutSnapshot.take(git: git, files: SystemFileAccess()).changes(since: dirty).isEmpty)
        try repository.write("notes/todo.txt", "changed by someone\n")
        let later = try await CheckoutSnapshot.take(git: git, files: SystemFileAccess())
        #expect(later.changes(since: dirty).map(\.path) == ["notes/todo.txt"])
    }
}
