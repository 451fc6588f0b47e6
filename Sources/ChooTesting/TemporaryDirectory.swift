import ChooCore
import Foundation
import Testing

/// A fresh folder for one test, removed afterwards. Use the trait `.temporaryDirectory` and read
/// ``TemporaryDirectory/current`` inside the test.
package struct TemporaryDirectory: Sendable {
    /// The folder's absolute path (symbolic links resolved, so it compares equal to paths choo prints).
    package let path: String

    /// The folder of the running test.
    @TaskLocal package static var current = TemporaryDirectory(path: "/nonexistent-temporary-directory")

    /// Creates a new, empty folder under the system's temporary folder.
    package static func make() throws -> TemporaryDirectory {
        let base = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let path = base + "/choo-test-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return TemporaryDirectory(path: path)
    }

    /// Deletes the folder and everything in it.
    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `relative` inside the folder.
    package func callAsFunction(_ relative: String) -> String {
        path + "/" + relative
    }
}

/// Runs a test inside a fresh ``TemporaryDirectory``; on a suite, each test case gets its own.
package struct TemporaryDirectoryTrait: TestTrait, SuiteTrait, TestScoping {
    package var isRecursive: Bool { true }

    package func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    package func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        try await TemporaryDirectory.$current.withValue(directory) {
            try await function()
        }
    }
}

extension Trait where Self == TemporaryDirectoryTrait {
    /// Gives the test a fresh folder in ``TemporaryDirectory/current``.
    package static var temporaryDirectory: Self { TemporaryDirectoryTrait() }
}
