import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension SpecFixture {
    /// Why a special file could not be made.
    package struct SpecialFileError: Error, CustomStringConvertible {
        /// What was being made, and the system's reason.
        package var description: String
    }

    /// Makes the named pipe `relativePath` under the root (replacing what is there), creating folders.
    package func makeFIFO(_ relativePath: String) throws {
        let path = try prepare(relativePath)
        guard mkfifo(path, 0o644) == 0 else { throw failure("mkfifo", path) }
    }

    /// Makes `relativePath` under the root a symbolic link to `target` (replacing what is there).
    package func makeSymbolicLink(_ relativePath: String, to target: String) throws {
        let path = try prepare(relativePath)
        guard symlink(target, path) == 0 else { throw failure("symlink", path) }
    }

    /// Makes `relativePath` under the root a folder (replacing what is there).
    package func makeFolder(_ relativePath: String) throws {
        let path = try prepare(relativePath)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Makes `relativePath` under the root a Unix domain socket that nothing listens on (replacing
    /// what is there). The path must be under 108 bytes.
    package func makeSocket(_ relativePath: String) throws {
        let path = try prepare(relativePath)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket", path) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw SpecialFileError(description: "socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw failure("bind", path) }
    }

    /// The absolute path of `relativePath`, with its folder created and anything already there removed.
    private func prepare(_ relativePath: String) throws -> String {
        let path = root + "/" + relativePath
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if (try? FileManager.default.attributesOfItem(atPath: path)) != nil {
            try FileManager.default.removeItem(atPath: path)
        }
        return path
    }

    private func failure(_ call: String, _ path: String) -> SpecialFileError {
        SpecialFileError(description: "\(call) \(path): \(String(cString: strerror(errno)))")
    }
}
