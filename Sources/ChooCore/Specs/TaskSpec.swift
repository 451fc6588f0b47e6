/// The state of one task, as written in its file's `status` key.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case inProgress = "in_progress"
    case complete
    case failed

    /// The values a task file may carry, in the order a person reads them.
    static let allowedValues = allCases.map(\.rawValue)
}

/// One task file (`NN-name.md`) of a unit.
public struct TaskSpec: Sendable, Hashable {
    /// The task's number inside its unit, from the `task` key; `nil` when the key is missing.
    public var number: Int?
    /// The file name, e.g. `01-nav-types.md`.
    public var fileName: String
    /// The file's path relative to the repository root.
    public var file: String
    /// The first `# ` line of the body.
    public var title: String?
    /// The `status` key; a missing key reads as pending.
    public var status: TaskStatus
    /// The shell command that proves the task is done.
    public var backpressure: String?
    /// Numbers of tasks in the same unit that must be complete first.
    public var dependsOn: [Int]
    /// The line of each frontmatter key that was present.
    public var keyLines: [String: Int]

    /// Creates a task value.
    public init(
        number: Int?,
        fileName: String,
        file: String,
        title: String? = nil,
        status: TaskStatus = .pending,
        backpressure: String? = nil,
        dependsOn: [Int] = [],
        keyLines: [String: Int] = [:]
    ) {
        self.number = number
        self.fileName = fileName
        self.file = file
        self.title = title
        self.status = status
        self.backpressure = backpressure
        self.dependsOn = dependsOn
        self.keyLines = keyLines
    }

    /// The number from the file name's two leading digits.
    public var fileNumber: Int? { Int(fileName.prefix(2)) }

    /// A short name for messages: `#3 Per-repo write lock`, or the file name when there is no title.
    public var displayName: String {
        let label = number.map { "#\($0)" } ?? fileName
        return title.map { "\(label) \($0)" } ?? label
    }
}
