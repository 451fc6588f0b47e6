/// One entry of `git worktree list --porcelain`.
public struct Worktree: Sendable, Hashable {
    /// The worktree's folder, absolute, as git records it.
    public var path: String
    /// The commit checked out there (empty for a bare repository).
    public var head: String
    /// The branch checked out there, without `refs/heads/`; `nil` when HEAD is detached (or bare).
    public var branch: String?
    /// Whether this entry is the bare repository itself.
    public var isBare: Bool
    /// Whether the worktree is locked against pruning and removal.
    public var isLocked: Bool
    /// Whether git would prune it (its folder is gone).
    public var isPrunable: Bool

    /// Creates an entry.
    public init(
        path: String,
        head: String,
        branch: String? = nil,
        isBare: Bool = false,
        isLocked: Bool = false,
        isPrunable: Bool = false
    ) {
        self.path = path
        self.head = head
        self.branch = branch
        self.isBare = isBare
        self.isLocked = isLocked
        self.isPrunable = isPrunable
    }

    /// Parses `git worktree list --porcelain -z`: attributes end in NUL, entries in an empty attribute.
    static func parse(porcelain output: String) -> [Worktree] {
        var result: [Worktree] = []
        var current: Worktree?
        for field in output.split(separator: "\0", omittingEmptySubsequences: false) {
            if field.isEmpty {
                if let entry = current { result.append(entry) }
                current = nil
                continue
            }
            let (key, value) =
                field.firstIndex(of: " ").map { (field[..<$0], String(field[field.index(after: $0)...])) }
                ?? (field, "")
            switch key {
            case "worktree":
                if let entry = current { result.append(entry) }
                current = Worktree(path: value, head: "")
            case "HEAD": current?.head = value
            case "branch": current?.branch = value.hasPrefix("refs/heads/") ? String(value.dropFirst(11)) : value
            case "bare": current?.isBare = true
            case "locked": current?.isLocked = true
            case "prunable": current?.isPrunable = true
            default: break
            }
        }
        if let entry = current { result.append(entry) }
        return result
    }
}
