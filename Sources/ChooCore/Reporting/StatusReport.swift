import Foundation

/// Where every unit and task of a spec tree stands, as `choo status` shows it.
public struct StatusReport: Sendable, Encodable {
    /// The tree shown.
    public var tree: SpecTree
    /// What the run journal says, when there is one.
    public var journal: JournalView?

    /// What `choo status` shows from the run journal: the newest run, whether a run is going on
    /// now, and each unit's newest attempt.
    public struct JournalView: Sendable {
        /// The newest run.
        public var lastRun: RunJournal.RunRecord?
        /// Who holds the run lock now, when a run is in progress.
        public var runningNow: String?
        /// Each unit's newest attempt: run, status, error.
        public var attempts: [String: (run: Int64, status: String, error: String?)]
        /// What agents spent on each unit, in every recorded run.
        public var spend: [String: Spend] = [:]

        /// Creates a view.
        public init(
            lastRun: RunJournal.RunRecord?,
            runningNow: String?,
            attempts: [String: (run: Int64, status: String, error: String?)]
        ) {
            self.lastRun = lastRun
            self.runningNow = runningNow
            self.attempts = attempts
        }
    }

    /// What unit branches hold that the target does not, by unit.
    public var branches: [String: UnitBranchWork]
    /// The worktrees under the worktree base now and the disk they take, when git could list them.
    public var worktrees: WorktreeDisk?

    /// The worktrees under the worktree base (the pool's included) and the disk they took when
    /// last measured (each when its unit was done with it: failed, landed and kept, or pooled).
    public struct WorktreeDisk: Sendable, Hashable, Encodable {
        /// How many worktrees there are.
        public var count: Int
        /// How many of them wait in the pool to be recycled.
        public var pooled: Int
        /// How many of them were measured (a running unit's is not yet).
        public var measured: Int
        /// The bytes the measured ones take.
        public var bytes: Int64

        /// Creates the totals.
        public init(count: Int, pooled: Int, measured: Int, bytes: Int64) {
            self.count = count
            self.pooled = pooled
            self.measured = measured
            self.bytes = bytes
        }

        /// The line `choo status` prints.
        public var text: String {
            var line = "Worktrees: \(count)" + (pooled > 0 ? " (\(pooled) pooled for reuse)" : "")
            guard count > 0 else { return line }
            line += ", \(DiskUsage.describe(bytes)) on disk"
            if measured < count { line += " (\(measured) of \(count) measured)" }
            return line
        }
    }

    /// Creates a report of `tree`, with what the journal says and the unit branches hold when given.
    public init(tree: SpecTree, journal: JournalView? = nil, branches: [String: UnitBranchWork] = [:]) {
        self.tree = tree
        self.journal = journal
        self.branches = branches
    }

    /// Where `unit` stands, all sources combined: complete when its spec files say so; else failed
    /// or blocked when its newest attempt in the journal ended so; in progress when a run left work
    /// on its branch or stopped while it ran; else what its spec files say.
    public func status(of unit: Unit) -> UnitStatus {
        if unit.isComplete { return .complete }
        switch journal?.attempts[unit.id]?.status {
        case "failed"?: return .failed
        case "blocked"?: return .blocked
        case "running"?, "interrupted"?: return .inProgress
        default: break
        }
        if branches[unit.id]?.committedTasks.isEmpty == false { return .inProgress }
        return unit.status
    }

    /// How the newest attempt of `unit` ended, in words: a run whose process is gone while the
    /// attempt was running stopped abruptly (killed); none for a complete unit.
    public func lastAttempt(of unit: Unit) -> (run: Int64, outcome: String, error: String?)? {
        guard !unit.isComplete, let attempt = journal?.attempts[unit.id], attempt.status != "complete" else {
            return nil
        }
        var outcome = attempt.status.replacingFirst("_", with: " ")
        if attempt.status == "running", journal?.runningNow == nil || journal?.lastRun?.id != attempt.run {
            outcome = "stopped abruptly"
        }
        return (attempt.run, outcome, attempt.error)
    }

    /// What holds a unit up: dependencies that are not complete, split by whether they can still finish.
    public struct Blockers: Sendable, Hashable {
        /// Dependencies still pending or in progress.
        public var waitingFor: [String]
        /// Dependencies that failed or are blocked themselves.
        public var blockedBy: [String]
    }

    /// The blockers of `unit`; empty for complete units.
    public func blockers(of unit: Unit) -> Blockers {
        guard !unit.isComplete else { return Blockers(waitingFor: [], blockedBy: []) }
        var waiting: [String] = []
        var blocked: [String] = []
        for id in unit.dependsOn {
            guard let dependency = tree.unit(id) else { continue }
            switch status(of: dependency) {
            case .complete: continue
            case .failed, .blocked: blocked.append(id)
            case .pending, .inProgress: waiting.append(id)
            }
        }
        return Blockers(waitingFor: waiting, blockedBy: blocked)
    }

    /// The number of units with `status`.
    public func count(_ status: UnitStatus) -> Int { tree.units.count { self.status(of: $0) == status } }

    /// The human-readable status: a line per unit with a progress bar, its open tasks, what blocks
    /// it, and totals. Complete units take one line.
    public func text(style: TextStyle) -> String {
        let width = min(max(tree.units.map(\.id.count).max() ?? 0, 8), 40)
        var out = ""
        for unit in tree.units {
            let bar = progressBar(done: unit.completedTasks, total: unit.tasks.count, style: style)
            var line = style.bold(unit.id.padded(to: width)) + "  " + bar + "  "
            line += "\(unit.completedTasks)/\(unit.tasks.count)".padded(to: 7) + colored(status(of: unit), style: style)
            if let number = unit.orchPRNumber { line += "  " + style.dim("pull request #\(number)") }
            if let spend = journal?.spend[unit.id], !spend.isEmpty { line += "  " + style.dim(spend.summary) }
            let blockers = blockers(of: unit)
            if !blockers.blockedBy.isEmpty {
                line += "  " + style.red("blocked by " + describe(blockers.blockedBy))
            }
            if !blockers.waitingFor.isEmpty {
                line += "  " + style.dim("waits for " + describe(blockers.waitingFor))
            }
            out += line + "\n"
            if let attempt = lastAttempt(of: unit) {
                var note = "last run #\(attempt.run): \(attempt.outcome)"
                if let error = attempt.error { note += ": " + String(error.prefix(160)) }
                out += "    " + (attempt.outcome == "running" ? style.yellow(note) : style.red(note)) + "\n"
            }
            if let work = branches[unit.id], !work.committedTasks.isEmpty {
                let tasks = work.committedTasks.map { "#\($0)" }.joined(separator: ", ")
                out += "    " + style.yellow("committed on \(work.branch), not landed yet: task \(tasks)") + "\n"
            }
            if unit.isComplete { continue }
            let committed = Set(branches[unit.id]?.committedTasks ?? [])
            for task in unit.tasks {
                let onBranch = task.number.map(committed.contains) == true
                out +=
                    "    " + (onBranch ? style.yellow("✓") : marker(task.status, style: style)) + " " + task.displayName
                if onBranch { out += style.dim("  (committed on \(branches[unit.id]?.branch ?? ""))") }
                let waiting = task.dependsOn.filter { unit.task($0)?.status != .complete }
                if task.status != .complete, !waiting.isEmpty {
                    out += style.dim("  (after " + waiting.map { "#\($0)" }.joined(separator: ", ") + ")")
                }
                out += "\n"
            }
        }
        let tasks = tree.units.reduce(0) { $0 + $1.tasks.count }
        let done = tree.units.reduce(0) { $0 + $1.completedTasks }
        var totals: [String] = [plural(tree.units.count, "unit")]
        for status in UnitStatus.allCases where count(status) > 0 {
            totals.append("\(count(status)) \(status.rawValue.replacingFirst("_", with: " "))")
        }
        out += "\n" + style.bold("Total: ") + totals.joined(separator: ", ") + "; tasks \(done)/\(tasks) complete\n"
        if let spent = totalSpend { out += "Agents spent: \(spent.summary) in every recorded run\n" }
        if let worktrees, worktrees.count > 0 { out += worktrees.text + "\n" }
        if let running = journal?.runningNow {
            out += style.yellow("A run is in progress: \(running)") + "\n"
        } else if let last = journal?.lastRun {
            let outcome = last.outcome == "running" ? "stopped abruptly" : last.outcome
            out +=
                "Last run: #\(last.id), started \(last.startedAt.prefix(19).replacingOccurrences(of: "T", with: " ")) UTC, "
            out +=
                outcome
                + (last.endedAt.map { ", ended \($0.prefix(19).replacingOccurrences(of: "T", with: " ")) UTC" } ?? "")
            out += ". `choo history` lists every run.\n"
        }
        return out
    }

    /// What agents spent on the tree's units in every recorded run; `nil` when nothing was recorded.
    public var totalSpend: Spend? {
        let spends = tree.units.compactMap { journal?.spend[$0.id] }
        return spends.isEmpty ? nil : spends.reduce(Spend(), +)
    }

    private func describe(_ ids: [String]) -> String {
        ids.map { id in "\(id) (\(tree.unit(id).map { status(of: $0).rawValue } ?? "?"))" }.joined(separator: ", ")
    }

    private func progressBar(done: Int, total: Int, style: TextStyle) -> String {
        let cells = 10
        let filled = total == 0 ? 0 : (done * cells + total / 2) / total
        let bar = String(repeating: "█", count: filled)
        let rest = String(repeating: "░", count: cells - filled)
        return "[" + style.green(bar) + style.dim(rest) + "]"
    }

    private func colored(_ status: UnitStatus, style: TextStyle) -> String {
        let text = status.rawValue
        switch status {
        case .complete: return style.green(text)
        case .inProgress: return style.yellow(text)
        case .failed, .blocked: return style.red(text)
        case .pending: return text
        }
    }

    private func marker(_ status: TaskStatus, style: TextStyle) -> String {
        switch status {
        case .complete: style.green("✓")
        case .inProgress: style.yellow("▶")
        case .pending: style.dim("·")
        case .failed: style.red("✗")
        }
    }

    // MARK: JSON

    private struct TaskJSON: Encodable {
        var task: TaskSpec

        enum CodingKeys: String, CodingKey {
            case number, title, file, status, backpressure
            case dependsOn = "depends_on"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(task.number, forKey: .number)
            try container.encode(task.title, forKey: .title)
            try container.encode(task.file, forKey: .file)
            try container.encode(task.status, forKey: .status)
            try container.encode(task.backpressure, forKey: .backpressure)
            try container.encode(task.dependsOn, forKey: .dependsOn)
        }
    }

    private struct UnitJSON: Encodable {
        var unit: Unit
        var blockers: Blockers
        var status: UnitStatus
        var branch: UnitBranchWork?
        var lastAttempt: (run: Int64, outcome: String, error: String?)?
        var spend: Spend?

        private struct AttemptJSON: Encodable {
            var run: Int64
            var outcome: String
            var error: String?
        }

        enum CodingKeys: String, CodingKey {
            case id, title, status, tasks, provider
            case planFile = "plan_file"
            case dependsOn = "depends_on"
            case waitingFor = "waiting_for"
            case blockedBy = "blocked_by"
            case tasksTotal = "tasks_total"
            case tasksComplete = "tasks_complete"
            case branch = "orch_branch"
            case worktree = "orch_worktree"
            case prNumber = "orch_pr_number"
            case startedAt = "orch_started_at"
            case completedAt = "orch_completed_at"
            case specStatus = "spec_status"
            case unitBranch = "unit_branch"
            case committedTasks = "committed_tasks"
            case lastAttempt = "last_attempt"
            case spend
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unit.id, forKey: .id)
            try container.encode(unit.title, forKey: .title)
            try container.encode(status, forKey: .status)
            try container.encode(unit.status, forKey: .specStatus)
            try container.encode(branch?.branch, forKey: .unitBranch)
            try container.encode(branch?.committedTasks ?? [], forKey: .committedTasks)
            try container.encode(
                lastAttempt.map { AttemptJSON(run: $0.run, outcome: $0.outcome, error: $0.error) },
                forKey: .lastAttempt
            )
            try container.encode(unit.provider, forKey: .provider)
            try container.encode(unit.planFile, forKey: .planFile)
            try container.encode(unit.dependsOn, forKey: .dependsOn)
            try container.encode(blockers.waitingFor, forKey: .waitingFor)
            try container.encode(blockers.blockedBy, forKey: .blockedBy)
            try container.encode(unit.tasks.count, forKey: .tasksTotal)
            try container.encode(unit.completedTasks, forKey: .tasksComplete)
            try container.encode(unit.orchBranch, forKey: .branch)
            try container.encode(unit.orchWorktree, forKey: .worktree)
            try container.encode(unit.orchPRNumber, forKey: .prNumber)
            try container.encode(unit.orchStartedAt, forKey: .startedAt)
            try container.encode(unit.orchCompletedAt, forKey: .completedAt)
            try container.encode(unit.tasks.map(TaskJSON.init), forKey: .tasks)
            try container.encode(spend, forKey: .spend)
        }
    }

    private struct TotalsJSON: Encodable {
        var report: StatusReport

        enum CodingKeys: String, CodingKey {
            case units, pending, failed, blocked, complete, tasks
            case inProgress = "in_progress"
            case tasksComplete = "tasks_complete"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(report.tree.units.count, forKey: .units)
            try container.encode(report.count(.pending), forKey: .pending)
            try container.encode(report.count(.inProgress), forKey: .inProgress)
            try container.encode(report.count(.complete), forKey: .complete)
            try container.encode(report.count(.failed), forKey: .failed)
            try container.encode(report.count(.blocked), forKey: .blocked)
            try container.encode(report.tree.units.reduce(0) { $0 + $1.tasks.count }, forKey: .tasks)
            try container.encode(report.tree.units.reduce(0) { $0 + $1.completedTasks }, forKey: .tasksComplete)
        }
    }

    enum CodingKeys: String, CodingKey {
        case units, totals, spend, worktrees
        case tasksDirectory = "tasks_dir"
        case lastRun = "last_run"
        case runningNow = "running_now"
    }

    /// Encodes the stable `--json` shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tree.tasksDirectoryDisplay, forKey: .tasksDirectory)
        try container.encode(
            tree.units.map { unit in
                UnitJSON(
                    unit: unit,
                    blockers: blockers(of: unit),
                    status: status(of: unit),
                    branch: branches[unit.id],
                    lastAttempt: lastAttempt(of: unit),
                    spend: journal?.spend[unit.id]
                )
            },
            forKey: .units
        )
        try container.encode(TotalsJSON(report: self), forKey: .totals)
        try container.encode(totalSpend, forKey: .spend)
        try container.encode(worktrees, forKey: .worktrees)
        try container.encode(journal?.lastRun, forKey: .lastRun)
        try container.encode(journal?.runningNow, forKey: .runningNow)
    }
}

extension StatusReport {
    /// The status of `workspace`'s tree with what its journal and unit branches say (`choo status`,
    /// the MCP server's `status`), and a note when the unit branches could not be read.
    public static func read(workspace: Workspace, runner: any ProcessRunning) async -> (StatusReport, note: String?) {
        let base = FileSystem.absolute(workspace.config.worktree.basePath, relativeTo: workspace.repositoryRoot)
        var journal: StatusReport.JournalView?
        if let records = try? RunJournal.existing(in: base) {
            journal = StatusReport.JournalView(
                lastRun: try? records.runs(limit: 1).first,
                runningNow: RunLock.holder(in: base),
                attempts: (try? records.latestAttempts()) ?? [:]
            )
            journal?.spend = (try? records.unitSpend()) ?? [:]
        }
        var branches: [String: UnitBranchWork] = [:]
        var note: String?
        var worktrees: WorktreeDisk?
        if FileSystem.repositoryRoot(containing: workspace.repositoryRoot) != nil {
            let recorded = (try? RunJournal.existing(in: base)?.worktreeDisk()) ?? [:]
            worktrees = try? await WorktreeDisk.read(
                git: Git(repository: workspace.repositoryRoot, runner: runner),
                base: base,
                recorded: recorded
            )
            do {
                branches = try await UnitBranchWork.read(
                    tree: workspace.tree,
                    repositoryRoot: workspace.repositoryRoot,
                    target: workspace.config.targetBranch,
                    scratch: FileManager.default.temporaryDirectory.path + "/choo-status-" + UUID().uuidString,
                    runner: runner
                )
            } catch {
                note = "note: the unit branches could not be read, so work committed there is not shown: \(error)"
            }
        }
        var report = StatusReport(tree: workspace.tree, journal: journal, branches: branches)
        report.worktrees = worktrees
        return (report, note)
    }
}

extension StatusReport.WorktreeDisk {
    /// The totals of the worktrees `git` lists under `base` now, with the sizes `recorded` by path.
    static func read(git: Git, base: String, recorded: [String: Int64]) async throws -> Self {
        let root = Git.canonical(base) + "/"
        let pool = Git.canonical(base + "/" + WorktreePool.folderName) + "/"
        let sizes = Dictionary(
            recorded.map { (Git.canonical($0.key), $0.value) },
            uniquingKeysWith: { _, last in last }
        )
        var totals = Self(count: 0, pooled: 0, measured: 0, bytes: 0)
        for worktree in try await git.worktrees().dropFirst() where !worktree.isPrunable && !worktree.isBare {
            let path = Git.canonical(worktree.path)
            guard path.hasPrefix(root) else { continue }
            totals.count += 1
            if path.hasPrefix(pool) { totals.pooled += 1 }
            if let bytes = sizes[path] {
                totals.measured += 1
                totals.bytes += bytes
            }
        }
        return totals
    }
}
