import ChooCore
import Testing

/// The default file access in tests: every operation records a test failure and throws (a look
/// answers "nothing there"), so a test never touches files through the engine's seam by
/// accident. Give a test `SystemFileAccess()` when it means to.
package struct FailingFileAccess: FileAccess {
    /// Creates the double.
    package init() {}

    package func kind(of path: String) -> FileKind? {
        _ = refusal("look at", path)
        return nil
    }

    package func readBytes(_ path: String) throws(FileError) -> [UInt8] {
        throw refusal("read", path)
    }

    package func write(_ bytes: [UInt8], to path: String, executable: Bool) throws(FileError) {
        throw refusal("write", path)
    }

    package func createDirectory(_ path: String) throws(FileError) {
        throw refusal("create the folder", path)
    }

    package func move(_ source: String, to destination: String) throws(FileError) {
        throw refusal("move", source)
    }

    package func remove(_ path: String) throws(FileError) {
        throw refusal("remove", path)
    }

    package func names(in folder: String) throws(FileError) -> [String] {
        throw refusal("list", folder)
    }

    package func createSymbolicLink(at path: String, to target: String) throws(FileError) {
        throw refusal("create the symbolic link", path)
    }

    /// Records the failure for `operation` on `path` and returns the error to throw.
    private func refusal(_ operation: String, _ path: String) -> FileError {
        let error = FileError(
            operation: operation,
            path: path,
            reason: "this test uses FailingFileAccess, which touches no file; pass SystemFileAccess()"
        )
        Issue.record("FailingFileAccess was asked to \(operation) \(path)")
        return error
    }
}
