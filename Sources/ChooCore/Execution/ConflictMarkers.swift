/// Finds merge-conflict markers left in files: lines starting `<<<<<<<`, `|||||||` or `>>>>>>>`
/// (alone or followed by a space and a label), and `=======` lines inside such a block. A lone
/// `=======` is a Markdown heading underline, not a marker.
enum ConflictMarkers {
    /// A marker line in a file.
    struct Found: Sendable, Hashable, CustomStringConvertible {
        /// The file, relative to the worktree.
        var path: String
        /// The line number, from 1.
        var line: Int
        /// The line itself (cut to 120 characters).
        var text: String

        var description: String { "\(path):\(line): \(text)" }
    }

    /// Files larger than this are not searched (generated data, not code).
    static let sizeLimit = 8 * 1024 * 1024

    /// The marker lines of `text`, as (line number, line).
    static func markers(in text: String) -> [(line: Int, text: String)] {
        var found: [(Int, String)] = []
        var open = false
        // `\r\n` is one Character, so lines are split on any newline, not on `\n`.
        for (index, content) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if isMarker(content, "<<<<<<<") || isMarker(content, "|||||||") {
                open = isMarker(content, "<<<<<<<") || open
                found.append((index + 1, String(content.prefix(120))))
            } else if isMarker(content, ">>>>>>>") {
                open = false
                found.append((index + 1, String(content.prefix(120))))
            } else if open, content == "=======" {
                found.append((index + 1, String(content)))
            }
        }
        return found
    }

    private static func isMarker(_ line: Substring, _ marker: String) -> Bool {
        guard line.hasPrefix(marker) else { return false }
        let rest = line.dropFirst(marker.count)
        return rest.isEmpty || rest.first == " "
    }

    /// The marker lines in the files at `paths` (relative to `worktree`) that `check` covers.
    /// Folders, links, binary files (a NUL byte) and files over ``sizeLimit`` are skipped.
    static func find(in paths: [String], worktree: String, check: ChooConfig.ConflictMarkerCheck) -> [Found] {
        var found: [Found] = []
        for path in paths.sorted() where covers(check, path) {
            guard FileKind(path: worktree + "/" + path) == .regular,
                let bytes = try? FileSystem.readBytes(worktree + "/" + path),
                bytes.count <= sizeLimit, !bytes.prefix(8192).contains(0)
            else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            found += markers(in: text).map { Found(path: path, line: $0.line, text: $0.text) }
        }
        return found
    }

    private static func covers(_ check: ChooConfig.ConflictMarkerCheck, _ path: String) -> Bool {
        switch check {
        case .off: false
        case .everywhere: true
        case .paths(let patterns): patterns.contains { PathPattern.matches($0, path: path) }
        }
    }
}
