extension SpecTreeGenerator {
    /// Why a tree could not be written.
    public enum WriteError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The root exists and is a file.
        case notAFolder(String)
        /// The root is a folder that already has something in it; the generator never mixes trees.
        case folderNotEmpty(String)
        /// A folder could not be created.
        case cannotCreateFolder(String, reason: String)
        /// A file could not be written.
        case cannotWriteFile(String, reason: String)

        public var description: String {
            switch self {
            case .notAFolder(let path):
                "`\(path)` is a file; name a new or empty folder to write the tree into"
            case .folderNotEmpty(let path):
                "`\(path)` is not empty; name a new or empty folder so the tree is not mixed with other files"
            case .cannotCreateFolder(let path, let reason):
                "cannot create the folder `\(path)`: \(reason)"
            case .cannotWriteFile(let path, let reason):
                "cannot write `\(path)`: \(reason)"
            }
        }
    }
}
