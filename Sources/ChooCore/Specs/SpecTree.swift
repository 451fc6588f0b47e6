/// A spec tree read from disk: its units in folder-name order and the problems found reading it.
public struct SpecTree: Sendable {
    /// The repository root, absolute; file paths in units and diagnostics are relative to it.
    public var repositoryRoot: String
    /// The tasks root, absolute.
    public var tasksDirectory: String
    /// The units, sorted by folder name.
    public var units: [Unit]
    /// Problems found while reading files (syntax, types, values). Cross-file rules are checked
    /// by ``SpecValidator``.
    public var diagnostics: [Diagnostic]
    /// Files (relative paths) that could not be read or parsed; per-file rules skip them.
    public var unreadableFiles: Set<String>
    /// Keys already reported as having a bad value, as `file:key`; rules about missing keys skip them.
    public var invalidKeys: Set<String> = []

    /// Creates a tree value.
    public init(
        repositoryRoot: String,
        tasksDirectory: String,
        units: [Unit],
        diagnostics: [Diagnostic] = [],
        unreadableFiles: Set<String> = []
    ) {
        self.repositoryRoot = repositoryRoot
        self.tasksDirectory = tasksDirectory
        self.units = units
        self.diagnostics = diagnostics
        self.unreadableFiles = unreadableFiles
    }

    /// The unit with `id`, if any.
    public func unit(_ id: String) -> Unit? {
        units.first { $0.id == id }
    }

    /// What to say when `name` names no unit: that, the closest unit as a "did you mean" (see
    /// ``Suggestion/closest(to:among:)``), and the units there are.
    public func noSuchUnit(_ name: String) -> String {
        let ids = units.map(\.id)
        let guess = Suggestion.closest(to: name, among: ids)
        let list = ids.isEmpty ? "(none)" : ids.joined(separator: ", ")
        return "there is no unit `\(name)`" + (guess.map { "; did you mean `\($0)`?" } ?? ".")
            + " The units are: \(list)"
    }

    /// The tasks root relative to the repository root, for messages.
    public var tasksDirectoryDisplay: String {
        FileSystem.relative(tasksDirectory, to: repositoryRoot)
    }

    /// The absolute path of a repository-relative `file`.
    public func absolutePath(_ file: String) -> String {
        FileSystem.absolute(file, relativeTo: repositoryRoot)
    }
}
