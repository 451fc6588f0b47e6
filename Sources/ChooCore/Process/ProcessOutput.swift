import Foundation
import Synchronization

/// The last `limit` bytes of a stream.
struct OutputTail: Sendable {
    /// How many bytes are kept.
    let limit: Int
    private var bytes: [UInt8] = []

    /// An empty tail that keeps at most `limit` bytes.
    init(limit: Int) {
        self.limit = max(limit, 0)
    }

    /// Adds `chunk` at the end, dropping the oldest bytes beyond the limit.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard limit > 0 else { return }
        if chunk.count >= limit {
            bytes = Array(chunk.suffix(limit))
            return
        }
        bytes.append(contentsOf: chunk)
        // Trim in batches so a stream of small chunks does not shift the buffer every time.
        if bytes.count > limit * 2 || (bytes.count > limit && limit < 4096) {
            bytes.removeFirst(bytes.count - limit)
        }
    }

    /// The kept bytes as text: invalid UTF-8 is replaced, and a character cut at the start is dropped.
    var text: String {
        var kept = bytes.suffix(limit)[...]
        while let first = kept.first, first & 0xC0 == 0x80 { kept = kept.dropFirst() }
        return String(decoding: kept, as: UTF8.self)
    }
}

/// Turns chunks of bytes into text without splitting a multi-byte character across two chunks.
struct UTF8ChunkDecoder: Sendable {
    private var pending: [UInt8] = []

    /// The text of `chunk`, holding back an incomplete character at its end for the next chunk.
    mutating func decode(_ chunk: UnsafeRawBufferPointer) -> String {
        var bytes = pending
        bytes.append(contentsOf: chunk)
        let complete = Self.completePrefixLength(bytes)
        pending = Array(bytes[complete...])
        return String(decoding: bytes[..<complete], as: UTF8.self)
    }

    /// Whatever is still held back, decoded with replacement characters.
    mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of `bytes` without a trailing, incomplete (but so far valid) UTF-8 sequence.
    private static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        var continuation = 0
        while index > 0 && continuation < 3 {
            let byte = bytes[index - 1]
            if byte & 0xC0 != 0x80 { break }
            continuation += 1
            index -= 1
        }
        guard index > 0 else { return bytes.count }
        let lead = bytes[index - 1]
        let needed: Int
        if lead & 0xE0 == 0xC0 {
            needed = 1
        } else if lead & 0xF0 == 0xE0 {
            needed = 2
        } else if lead & 0xF8 == 0xF0 {
            needed = 3
        } else {
            return bytes.count
        }
        return continuation < needed ? index - 1 : bytes.count
    }
}

/// Where output goes as it arrives: the log file and the caller's callback, one chunk at a time.
final class OutputSink: Sendable {
    private struct State {
        var descriptor: Int32?
        var decoders: [Int: UTF8ChunkDecoder] = [:]
    }

    private let state: Mutex<State>
    private let onOutput: @Sendable (OutputChunk) -> Void

    /// Opens `logFile` for appending (creating its folders) when given.
    init(logFile: String?, onOutput: @escaping @Sendable (OutputChunk) -> Void) throws(ProcessError) {
        var descriptor: Int32?
        if let logFile {
            descriptor = try Self.openLog(logFile)
        }
        self.state = Mutex(State(descriptor: descriptor))
        self.onOutput = onOutput
    }

    deinit {
        state.withLock { state in
            if let descriptor = state.descriptor { close(descriptor) }
        }
    }

    /// Records a chunk from stream `stream` (0 stdout, 1 stderr).
    func write(_ chunk: UnsafeRawBufferPointer, stream: Int) {
        state.withLock { state in
            if let descriptor = state.descriptor, !FileSystem.writeAll(chunk, to: descriptor) {
                // The log is best effort once the process runs; stop rather than fail the run.
                close(descriptor)
                state.descriptor = nil
            }
            let text = state.decoders[stream, default: UTF8ChunkDecoder()].decode(chunk)
            if !text.isEmpty { onOutput(OutputChunk(text, isErrorOutput: stream == 1)) }
        }
    }

    /// Delivers what stream `stream` still held back (an incomplete character at its very end).
    func finish(stream: Int) {
        state.withLock { state in
            let text = state.decoders[stream]?.finish() ?? ""
            if !text.isEmpty { onOutput(OutputChunk(text, isErrorOutput: stream == 1)) }
        }
    }

    private static func openLog(_ path: String) throws(ProcessError) -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .logFile(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .logFile(path: path, reason: String(cString: strerror(errno))) }
        return descriptor
    }
}
