/// Typed git operations on one repository (or worktree), run as real `git` processes through a
/// ``ProcessRunning``, never through a shell. Every call has a timeout.
public struct Git: Sendable {
    /// The folder git runs in: the repository, a worktree, or any folder inside one.
    public var repository: String
    /// Runs the `git` processes.
    public var runner: any ProcessRunning
    /// The longest any one git command may take.
    public var timeout: Duration
    /// Variables added to git's inherited environment (tests use it to hide the user's config).
    public var environment: [String: String]

    /// The identity used for commits when git has none configured.
    public static let fallbackIdentity = (name: "choo", email: "choo@localhost")

    /// Creates a client for the repository at (or containing) `repository`, running git with
    /// `runner` (the run's ``Effects/runner``; there is no default, so nothing runs by accident).
    public init(
        repository: String,
        runner: any ProcessRunning,
        timeout: Duration = .seconds(120),
        environment: [String: String] = [:]
    ) {
        self.repository = repository
        self.runner = runner
        self.timeout = timeout
        self.environment = environment
    }

    /// Runs `git arguments` and returns its stdout without the final newline; a non-zero exit throws.
    /// The engine calls git through the typed operations of this folder, each written once; this
    /// is for them, and for test support (the fake GitHub's plumbing).
    @discardableResult
    package func run(_ arguments: [String], input: String? = nil) async throws(GitError) -> String {
        let result = try await execute(arguments, input: input)
        guard result.outcome.termination == .exited(0) else { throw failure(result) }
        return Self.trimmingFinalNewline(result.outcome.output)
    }

    /// The absolute path of the top folder of the working tree.
    public func topLevel() async throws(GitError) -> String {
        try await run(["rev-parse", "--show-toplevel"])
    }

    /// The absolute path of the git folder shared by all worktrees (`.git` of the main checkout).
    public func commonDirectory() async throws(GitError) -> String {
        let directory = try await run(["rev-parse", "--git-common-dir"])
        return FileSystem.absolute(directory, relativeTo: absoluteRepository)
    }

    /// The branch checked out, or `nil` when HEAD is detached.
    public func currentBranch() async throws(GitError) -> String? {
        let result = try await execute(["symbolic-ref", "--quiet", "--short", "HEAD"])
        switch result.outcome.termination {
        case .exited(0): return Self.trimmingFinalNewline(result.outcome.output)
        case .exited(1): return nil
        default: throw failure(result)
        }
    }

    /// The commit `revision` names, or `nil` when it names none.
    public func resolve(_ revision: String) async throws(GitError) -> String? {
        let result = try await execute(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
        switch result.outcome.termination {
        case .exited(0): return Self.trimmingFinalNewline(result.outcome.output)
        case .exited(1): return nil
        default: throw failure(result)
        }
    }

    /// Whether the local branch `name` exists.
    public func branchExists(_ name: String) async throws(GitError) -> Bool {
        let result = try await execute(["show-ref", "--verify", "--quiet", "refs/heads/" + name])
        switch result.outcome.termination {
        case .exited(0): return true
        case .exited(1): return false
        default: throw failure(result)
        }
    }

    /// Deletes the local branch `name` (`branch -D`: the caller has checked its work is kept).
    public func deleteBranch(_ name: String) async throws(GitError) {
        try await run(["branch", "-D", "--end-of-options", name])
    }

    /// Moves the checked-out branch forward to `commit`, which must contain it (`merge --ff-only`).
    public func fastForward(to commit: String) async throws(GitError) {
        try await run(["merge", "--ff-only", "--quiet", commit])
    }

    /// The value of the setting `key` (`remote.origin.url`), or `nil` when it is not set. With
    /// `path`, a `~/` at its start is expanded (`--path`).
    public func config(_ key: String, path: Bool = false) async throws(GitError) -> String? {
        let result = try await execute(["config"] + (path ? ["--path"] : []) + ["--get", key])
        switch result.outcome.termination {
        case .exited(0): return Self.trimmingFinalNewline(result.outcome.output)
        case .exited(1): return nil
        default: throw failure(result)
        }
    }

    /// Sets `key` to `value` in the repository's config file, or with `worktree` in this
    /// worktree's own (which needs `extensions.worktreeConfig`).
    public func setConfig(_ key: String, to value: String, worktree: Bool = false) async throws(GitError) {
        try await run(["config"] + (worktree ? ["--worktree"] : []) + [key, value])
    }

    /// Makes ``repository`` (an existing folder) a new repository whose first branch is `initialBranch`.
    public func initializeRepository(initialBranch: String) async throws(GitError) {
        try await run(["init", "--quiet", "-b", initialBranch])
    }

    /// The local branches whose names start with `prefix` (e.g. `ralph/`), each with its tip.
    public func branches(under prefix: String) async throws(GitError) -> [(name: String, tip: String)] {
        let output = try await run([
            "for-each-ref", "--format=%(objectname) %(refname:strip=2)", "refs/heads/" + prefix,
        ])
        return output.split(separator: "\n").compactMap { line -> (name: String, tip: String)? in
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2 else { return nil }
            return (String(fields[1]), String(fields[0]))
        }
    }

    /// Whether `commit` is an ancestor of (or the same as) `other`.
    public func isAncestor(_ commit: String, of other: String) async throws(GitError) -> Bool {
        let result = try await execute(["merge-base", "--is-ancestor", commit, other])
        switch result.outcome.termination {
        case .exited(0): return true
        case .exited(1): return false
        default: throw failure(result)
        }
    }

    /// Tracked files that are modified or staged (untracked files are not listed).
    public func dirtyTrackedFiles() async throws(GitError) -> [String] {
        let output = try await run(["status", "--porcelain=v1", "-z", "--untracked-files=no"])
        return Self.parseStatus(output)
    }

    /// Whether anything differs from HEAD: modified, staged or untracked files (ignored ones don't count).
    public func hasUncommittedChanges() async throws(GitError) -> Bool {
        try await !run(["status", "--porcelain=v1", "-z", "--untracked-files=normal"]).isEmpty
    }

    /// Every path `git status --porcelain=v1 --untracked-files=all` lists under `paths` (everything
    /// when empty): tracked files that differ from HEAD, staged or not, and untracked files, not
    /// ignored ones. Paths are relative to the top of the working tree.
    public func statusEntries(under paths: [String] = []) async throws(GitError) -> [StatusEntry] {
        let pathspec = paths.isEmpty ? [] : ["--"] + paths
        let output = try await run(["status", "--porcelain=v1", "-z", "--untracked-files=all"] + pathspec)
        return Self.parseStatusEntries(output)
    }

    /// Stages everything (`add -A`) and commits it; the new commit's hash, or `nil` if nothing changed.
    /// When git has no identity configured, commits as ``fallbackIdentity``.
    public func commitAll(message: String) async throws(GitError) -> String? {
        try await stageAll()
        return try await commitStaged(message: message)
    }

    /// Commits what is staged, exactly (files changed since are left as they are), plus the current
    /// content of `paths`; the new commit's hash, or `nil` if nothing is staged. When git has no identity configured, commits as
    /// ``fallbackIdentity``.
    /// With `folders` (the worktree's own git folder and the common one), the new commit is read
    /// from HEAD's and the branch's files rather than asked of git (see ``headFromFiles(folders:)``).
    public func commitStaged(
        message: String,
        including paths: [String] = [],
        folders: (git: String, common: String)? = nil
    ) async throws(GitError) -> String? {
        let command = ["commit", "--quiet", "--file", "-"] + (paths.isEmpty ? [] : ["--include", "--"] + paths)
        // The common case costs one process: commit. Only when it fails is it worth finding out
        // why: nothing staged (no commit, nil) or no identity configured (commit as choo).
        // The message goes on stdin: a task title can be longer than one argument may be.
        let attempt = try await execute(command, input: message)
        if attempt.outcome.termination != .exited(0) {
            let staged = try await execute(["diff", "--cached", "--quiet"])
            switch staged.outcome.termination {
            case .exited(0): return nil
            case .exited(1): break
            default: throw failure(staged)
            }
            let identity = try await identityOverrides()
            guard !identity.isEmpty else { throw failure(attempt) }
            try await run(identity + command, input: message)
        }
        if let folders, let head = Self.headFromFiles(folders: folders) { return head }
        return try await run(["rev-parse", "HEAD"])
    }

    /// The commit HEAD names, from the files git keeps: HEAD in the worktree's git folder, and the
    /// loose ref it points to in the common one. `nil` (ask git) when the ref is not a loose file
    /// (packed, or another ref store) or anything is not as expected.
    static func headFromFiles(folders: (git: String, common: String)) -> String? {
        func commit(_ text: String) -> String? {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let hex = value.allSatisfy { $0.isHexDigit && !$0.isUppercase }
            return (value.count == 40 || value.count == 64) && hex ? value : nil
        }
        guard let head = try? FileSystem.readText(folders.git + "/HEAD") else { return nil }
        let text = head.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("ref: refs/") else { return commit(text) }
        let reference = String(text.dropFirst("ref: ".count))
        guard !reference.contains(".."), let loose = try? FileSystem.readText(folders.common + "/" + reference) else {
            return nil
        }
        return commit(loose)
    }

    /// The commits in `range` (e.g. `main..feature`), oldest first.
    public func log(_ range: String) async throws(GitError) -> [Commit] {
        let command = ["log", "--reverse", "-z", "--format=%H%x1f%s", "--end-of-options", range, "--"]
        let output = try await run(command)
        return try output.split(separator: "\0").map { record throws(GitError) in
            let parts = record.split(separator: "\u{1f}", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .unexpectedOutput(command: ["git"] + command, output: String(record))
            }
            return Commit(sha: String(parts[0]), subject: String(parts[1]))
        }
    }

    /// `-c` options giving git an identity for the parts it has none configured for.
    func identityOverrides() async throws(GitError) -> [String] {
        let result = try await execute(["config", "--get-regexp", "^user\\.(name|email)$"])
        guard result.outcome.termination == .exited(0) || result.outcome.termination == .exited(1) else {
            throw failure(result)
        }
        var configured: Set<String> = []
        for line in result.outcome.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 && !parts[1].trimmingCharacters(in: .whitespaces).isEmpty {
                configured.insert(String(parts[0]))
            }
        }
        var overrides: [String] = []
        if !configured.contains("user.name") { overrides += ["-c", "user.name=" + Self.fallbackIdentity.name] }
        if !configured.contains("user.email") { overrides += ["-c", "user.email=" + Self.fallbackIdentity.email] }
        return overrides
    }
}

extension Git {
    /// A finished git command and what it printed.
    struct Execution {
        /// The command line, starting with `git`.
        var command: [String]
        /// How it ended and what it printed.
        var outcome: ProcessOutcome
    }

    /// Runs `git arguments` to its end; only a launch failure, a timeout or cancellation throws.
    func execute(_ arguments: [String], input: String? = nil) async throws(GitError) -> Execution {
        let command = ["git"] + arguments
        var spec = ProcessSpec(
            executable: "git",
            // A commit, rebase or merge would start `git maintenance run --auto` after itself: a
            // process more each time, and a `gc` in the middle of a run once loose objects pile
            // up. The user's own next commit does that housekeeping.
            arguments: ["-c", "maintenance.auto=false"] + arguments,
            workingDirectory: repository,
            environment: environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { current, _ in current },
            standardInput: input,
            timeout: timeout,
            outputTailLimit: 256 * 1024 * 1024,
            separatesErrorOutput: true
        )
        // choo's own git commands leave nothing running that needs looking for.
        spec.sweepsLeftovers = false
        let outcome: ProcessOutcome
        do {
            outcome = try await runner.run(spec)
        } catch {
            throw .launch(error)
        }
        switch outcome.stoppedBecause {
        case .timeout, .idle, .toolIdle: throw .timedOut(command: command, timeout: timeout)
        case .cancelled: throw .cancelled(command: command)
        case nil: return Execution(command: command, outcome: outcome)
        }
    }

    /// The error for a command that ended badly: git's message from stderr (stdout if stderr is empty).
    func failure(_ execution: Execution) -> GitError {
        let exitCode: Int32
        switch execution.outcome.termination {
        case .exited(let code): exitCode = code
        case .signaled(let signal): exitCode = 128 + signal
        }
        let error = execution.outcome.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let output = error.isEmpty ? execution.outcome.output.trimmingCharacters(in: .whitespacesAndNewlines) : error
        return .failed(command: execution.command, exitCode: exitCode, output: output)
    }

    /// ``repository`` as an absolute path.
    var absoluteRepository: String {
        FileSystem.absolute(repository, relativeTo: FileSystem.currentDirectory())
    }

    /// `text` without one final newline.
    static func trimmingFinalNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The paths in `git status --porcelain=v1 -z` output (renames list the new path only).
    static func parseStatus(_ output: String) -> [String] {
        parseStatusEntries(output).map(\.path)
    }

    /// The records of `git status --porcelain=v1 -z` output: `XY path`, a rename or copy followed by
    /// the record of the path it came from.
    static func parseStatusEntries(_ output: String) -> [StatusEntry] {
        var entries: [StatusEntry] = []
        var awaitingOrigin = false
        for record in output.split(separator: "\0") {
            if awaitingOrigin {
                awaitingOrigin = false
                entries[entries.count - 1].origin = String(record)
                continue
            }
            let bytes = record.utf8
            guard bytes.count > 3, let first = bytes.first else { continue }
            let code = String(decoding: bytes.prefix(2), as: UTF8.self)
            entries.append(StatusEntry(code: code, path: String(decoding: bytes.dropFirst(3), as: UTF8.self)))
            awaitingOrigin = first == UInt8(ascii: "R") || first == UInt8(ascii: "C")
        }
        return entries
    }
}

/// One path `git status --porcelain=v1` lists.
public struct StatusEntry: Sendable, Hashable {
    /// The two status letters: `??` untracked, ` M` modified, `D ` deleted from the index, `R `
    /// renamed in the index, `UU` both modified in a conflict, ...
    public var code: String
    /// The path, relative to the top of the working tree (for a rename or copy, the new one).
    public var path: String
    /// For a rename or copy, the path it came from.
    public var origin: String?

    /// An entry for `path` with the status letters `code`.
    public init(code: String, path: String, origin: String? = nil) {
        self.code = code
        self.path = path
        self.origin = origin
    }
}
