import Foundation

/// One unit's whole run: its worktree and branch, setup commands, the agent task loop gated by
/// backpressure, baseline checks with fix rounds, and teardown. Returns how it ended; every step
/// is also published as an event.
public struct UnitLifecycle: Sendable {
    /// What every unit of a run shares.
    public struct Context: Sendable {
        /// The repository root (absolute).
        public var repositoryRoot: String
        /// The tasks root relative to the repository root; the same path inside every worktree.
        public var tasksDirectory: String
        /// Where worktrees are created (absolute).
        public var worktreeBase: String
        /// Where agent logs go (absolute): `<worktree base>/logs`.
        public var logFolder: String
        /// The branch new unit branches start from.
        public var targetBranch: String
        /// The run's settings.
        public var config: ChooConfig
        /// Runs processes (agents, checks, git).
        public var runner: any ProcessRunning
        /// Where events go.
        public var bus: EventBus
        /// The agent for each unit.
        public var providers: [String: AgentProvider]
        /// Extra environment for agents and checks.
        public var environment: [String: String]
        /// Serialises worktree administration: git cannot add or remove two worktrees of one
        /// repository at the same time.
        public var repositoryLock = AsyncLock()
        /// Held for the whole run: one `choo run` at a time per repository.
        public var runLock: RunLock?
        /// Where every child's process group is recorded, for the next run after a crash.
        public var childLedger: ChildProcessLedger?
        /// The run journal's sink, which counts the events it could not write.
        public var journalSink: JournalSink?
        /// Worktrees made ahead of their unit's start (see ``UnitLifecycle/prepare(unit:)``).
        public var preparedWorktrees = PreparedWorktrees()
        /// choo's own memory of each unit's commits and ignore files, out of the agent's reach.
        public var records = ChooRecords()
        /// Set in GitHub mode: units land through pull requests instead of the local merge.
        public var github: GitHubMode?

        /// Creates a context.
        public init(
            repositoryRoot: String,
            tasksDirectory: String,
            worktreeBase: String,
            logFolder: String,
            targetBranch: String,
            config: ChooConfig,
            runner: any ProcessRunning,
            bus: EventBus,
            providers: [String: AgentProvider],
            environment: [String: String] = [:]
        ) {
            self.repositoryRoot = repositoryRoot
            self.tasksDirectory = tasksDirectory
            self.worktreeBase = worktreeBase
            self.logFolder = logFolder
            self.targetBranch = targetBranch
            self.config = config
            self.runner = runner
            self.bus = bus
            self.providers = providers
            self.environment = environment
        }
    }

    /// The branch a unit runs on.
    public static func branch(for unit: String) -> String { "ralph/\(unit)" }

    /// The shared context.
    public var context: Context

    /// A lifecycle over `context`.
    public init(context: Context) {
        self.context = context
    }

    /// Why a unit stopped early.
    enum Stop: Error {
        case failed(String)
        case interrupted
    }

    /// Runs `unit` to the end. Cancellation (an immediate stop) returns `.interrupted`.
    public func run(unit: String, shutdown: ShutdownFlag) async -> SchedulerState.UnitResult {
        let worktree = context.worktreeBase + "/" + unit
        switch await Self.ending({
            // A fresh unit's branch was made by this run and no agent has worked in it yet, so
            // there is nothing half-way to roll back or review from an earlier run.
            let fresh = try await prepareWorktree(unit: unit, path: worktree)
            if !fresh {
                try await rollBackUnfinishedMerge(
                    unit: unit,
                    git: Git(repository: worktree, runner: context.runner, environment: ["GIT_EDITOR": "true"])
                )
            }
            try await runSetup(unit: unit, worktree: worktree)
            try await runTasks(unit: unit, worktree: worktree, fresh: fresh, shutdown: shutdown)
            try await runBaselineChecks(unit: unit, worktree: worktree, shutdown: shutdown)
            if let github = context.github { try await publish(unit: unit, worktree: worktree, github: github) }
        }) {
        case .done: return .succeeded
        case .failed(let reason): return .failed(reason: reason)
        case .interrupted: return .interrupted
        }
    }

    /// How a piece of a unit's work ended.
    enum Ending {
        case done
        case failed(String)
        case interrupted
    }

    /// Runs `work`, turning how it stopped into an ``Ending``: a cancelled task is interrupted,
    /// any other error a failure with its description.
    static func ending(_ work: () async throws -> Void) async -> Ending {
        do {
            try await work()
            return .done
        } catch Stop.interrupted {
            return .interrupted
        } catch Stop.failed(let reason) {
            return .failed(reason)
        } catch {
            return Task.isCancelled ? .interrupted : .failed("\(error)")
        }
    }

    // MARK: Worktree and commands

    /// Makes `unit`'s worktree and branch before the unit starts, so the slot it later gets goes
    /// straight to work. Called for ready units waiting for a slot; a failure is left for
    /// ``run(unit:shutdown:)`` to meet again and report.
    public func prepare(unit: String) async {
        let path = context.worktreeBase + "/" + unit
        let prepared = context.preparedWorktrees
        try? await context.repositoryLock.withLock {
            // A unit that started meanwhile has its worktree, and may have an agent working in it.
            guard prepared.mayPrepare(unit: unit) else { return }
            let resumed = try await makeWorktreeHoldingLock(unit: unit, path: path)
            prepared.record(unit: unit, resumed: resumed)
        }
    }

    /// Removes the worktrees and new branches of units prepared ahead that never started (they were
    /// blocked, or the run ended first), so a later run makes them afresh from the target; only
    /// when the worktree is clean and the branch holds nothing the target lacks.
    public func discardUnstarted() async {
        let repository = Git(repository: context.repositoryRoot, runner: context.runner)
        for (unit, resumed) in context.preparedWorktrees.takeAll().sorted(by: { $0.key < $1.key }) where !resumed {
            let path = context.worktreeBase + "/" + unit
            let branch = Self.branch(for: unit)
            do {
                guard let tip = try await repository.resolve("refs/heads/" + branch),
                    try await repository.isAncestor(tip, of: "refs/heads/" + context.targetBranch),
                    try await !Git(repository: path, runner: context.runner).hasUncommittedChanges()
                else { continue }
                try await context.repositoryLock.withLock {
                    try await repository.removeWorktree(path: path, force: false)
                    try await repository.deleteBranch(branch)
                }
            } catch {
                context.bus.publish(Event(.unitCleanupFailed, unit: unit, error: "\(error)"))
            }
        }
    }

    /// Makes or takes `unit`'s worktree and records choo's commit for it; whether it is fresh: its
    /// branch and worktree made just now. One prepared ahead is not: it stood while other units'
    /// agents ran, and they may have written into it, so it is reviewed like a resumed one.
    private func prepareWorktree(unit: String, path: String) async throws -> Bool {
        let branch = Self.branch(for: unit)
        let resumed: Bool
        var prepared = false
        var start: String?
        // Under the lock: a preparation in flight finishes first, and none starts after this.
        let taken = await context.repositoryLock.withLock { context.preparedWorktrees.take(unit: unit) }
        if let taken, FileSystem.exists(path) {
            resumed = taken
            prepared = true
            // Prepared while the units it needs were being landed: its new branch (no commits of
            // its own) catches up with what landed meanwhile.
            if !resumed {
                start = try await Git(repository: context.repositoryRoot, runner: context.runner)
                    .resolve("refs/heads/" + context.targetBranch)
                if let start { try await Git(repository: path, runner: context.runner).fastForward(to: start) }
            }
        } else {
            resumed = try await makeWorktree(unit: unit, path: path)
        }
        // choo's record of the unit's work starts where the branch starts; a resumed unit keeps its own.
        let guardian = branchGuard(unit: unit, worktree: path)
        if resumed { try await guardian.recordResumed() } else { try await guardian.record(start) }
        context.records.setIgnoreFiles(
            try await IgnoreGuard(git: Git(repository: path, runner: context.runner)).untrackedIgnoreFiles(),
            for: unit
        )
        context.bus.publish(
            Event(.unitWorktree(.init(path: path, branch: branch, resumed: resumed)), unit: unit)
        )
        // A run killed during a check left the worktree's untracked files aside: put them back.
        let stranded = untrackedAside(unit: unit, worktree: path).restoreLeftovers()
        publishStranded(stranded, unit: unit)
        return !resumed && !prepared
    }

    /// Reports files moved aside for a check that could not go back, because the check made a file at
    /// the same path; they wait in `<worktree base>/.aside/<unit>`.
    func publishStranded(_ stranded: [String], unit: String) {
        guard !stranded.isEmpty else { return }
        let folder = context.worktreeBase + "/.aside/" + unit
        context.bus.publish(
            Event(
                .unitAsideStranded(.init(files: stranded, folder: folder)),
                unit: unit,
                error: "untracked files moved aside for a check could not go back (a file is at the same path now); "
                    + "they are kept in \(folder): " + stranded.prefix(10).joined(separator: ", ")
            )
        )
    }

    /// Adds `unit`'s worktree (reusing one left by an earlier run); whether its branch existed before.
    private func makeWorktree(unit: String, path: String) async throws -> Bool {
        try await context.repositoryLock.withLock { try await makeWorktreeHoldingLock(unit: unit, path: path) }
    }

    /// ``makeWorktree(unit:path:)`` for a caller that holds the repository lock.
    private func makeWorktreeHoldingLock(unit: String, path: String) async throws -> Bool {
        let git = Git(repository: context.repositoryRoot, runner: context.runner)
        let branch = Self.branch(for: unit)
        try await setAsideUnknownFolder(at: path, unit: unit, git: git)
        let resumed = try await git.branchExists(branch)
        try await git.addWorktree(path: path, branch: branch, startPoint: context.targetBranch)
        return resumed
    }

    /// Makes an existing folder at a unit's worktree path usable again. A worktree git knows has any
    /// half-way rebase or merge rolled back. A folder git does not know is what a run killed while
    /// creating the worktree leaves behind: it is moved aside, never deleted, and reported.
    private func setAsideUnknownFolder(at path: String, unit: String, git: Git) async throws {
        guard FileSystem.exists(path) else { return }
        let known = try await git.worktrees().contains { worktree in
            !worktree.isPrunable
                && FileSystem.absolute(worktree.path, relativeTo: "/") == FileSystem.absolute(path, relativeTo: "/")
        }
        if known {
            // A landing killed half-way leaves the worktree mid-rebase with a detached HEAD; roll it
            // back so the unit's branch is checked out there again and the worktree can be reused.
            let worktree = Git(repository: path, runner: context.runner, environment: ["GIT_EDITOR": "true"])
            try await rollBackUnfinishedMerge(unit: unit, git: worktree)
            return
        }
        let aside = context.worktreeBase + "/.set-aside/" + unit + "-" + Timestamp(Date()).description
        try FileManager.default.createDirectory(
            atPath: context.worktreeBase + "/.set-aside",
            withIntermediateDirectories: true
        )
        try FileManager.default.moveItem(atPath: path, toPath: aside)
        try await git.pruneWorktrees()
        context.bus.publish(
            Event(
                .unitWorktree(.init(setAside: aside)),
                unit: unit,
                error: "\(path) was not a worktree git knows (a run was killed while creating it); moved to \(aside)"
            )
        )
    }

    /// Runs `worktree.setup`; what it makes that git would see (not ignored, not tracked) is kept out
    /// of every commit through the worktree's own exclude file.
    private func runSetup(unit: String, worktree: String) async throws {
        guard !context.config.worktree.setup.isEmpty else { return }
        let git = Git(repository: worktree, runner: context.runner)
        let before = Set(try await git.untrackedFiles(folders: true))
        for command in context.config.worktree.setup {
            if let condition = command.condition, !FileSystem.exists(worktree + "/" + condition) { continue }
            let outcome = try await shell(command.command, in: worktree)
            guard outcome.succeeded else {
                throw Stop.failed(
                    "setup command `\(command.command)` \(Self.describe(outcome))\n"
                        + QuotedOutput.quote(outcome.output, limit: 4096)
                )
            }
        }
        let made = try await git.untrackedFiles(folders: true).filter { !before.contains($0) }
        guard !made.isEmpty else { return }
        try await git.excludeInThisWorktree(made, configLock: context.repositoryLock)
        // These rules are choo's: checks trust them.
        context.records.setIgnoreFiles(try await IgnoreGuard(git: git).untrackedIgnoreFiles(), for: unit)
        context.bus.publish(
            Event(.unitSetupExcluded(.init(paths: Array(made.prefix(100)), count: made.count)), unit: unit)
        )
    }

    func runTeardown(unit: String, worktree: String) async {
        for command in context.config.worktree.teardown {
            if let condition = command.condition, !FileSystem.exists(worktree + "/" + condition) { continue }
            _ = try? await shell(command.command, in: worktree)
        }
    }

    func shell(_ command: String, in directory: String) async throws -> ProcessOutcome {
        var spec = ProcessSpec.shell(command, in: directory, timeout: context.config.backpressureTimeout)
        spec.environment = context.environment
        let outcome = try await context.runner.run(spec)
        if outcome.stoppedBecause == .cancelled { throw Stop.interrupted }
        return outcome
    }

    // MARK: The task loop

    /// The unit as it is now in its worktree.
    func reload(unit: String, worktree: String) throws -> Unit {
        let tasksRoot = worktree + "/" + context.tasksDirectory
        let load = SpecLoader.loadUnit(folder: unit, tasksDirectory: tasksRoot, repositoryRoot: worktree)
        guard let value = load.unit, !load.diagnostics.contains(where: { $0.severity == .error }) else {
            let problems = load.diagnostics.filter { $0.severity == .error }.map(\.description)
            let detail =
                problems.isEmpty
                ? "`\(context.tasksDirectory)/\(unit)` holds no IMPLEMENTATION_PLAN.md or no task file"
                : problems.joined(separator: "; ")
            throw Stop.failed(
                "the unit's spec files in its worktree no longer read cleanly: \(detail). Fix them on the branch "
                    + "\(Self.branch(for: unit)) (or run `choo cleanup` to start the unit over) and run again"
            )
        }
        return value
    }

    private func runTasks(unit: String, worktree: String, fresh: Bool, shutdown: ShutdownFlag) async throws {
        let git = Git(repository: worktree, runner: context.runner)
        let maxAttempts = max(1, context.config.maxAttempts)
        var attempt = 0
        var retry: PromptBuilder.Retry?
        var notices: [String] = []
        var leftovers: [String] = []
        if !fresh {
            // What an interrupted turn left is reviewed before anything else: the branch is put back
            // on choo's commits and changes to the spec tree are undone; the agent hears of both.
            let resumed = try await reviewTurn(
                unit: unit,
                worktree: worktree,
                task: nil,
                statusMayChange: true,
                markers: false
            )
            notices = [resumed.notice, resumed.failure].compactMap { $0 }
            // Edits an interrupted run left uncommitted are kept, and the agent is told about them.
            leftovers = try await git.run(["status", "--porcelain", "--untracked-files=all"])
                .split(separator: "\n").map { String($0.dropFirst(3)) }
        }
        if !leftovers.isEmpty {
            context.bus.publish(Event(.unitResumed(.init(uncommitted: leftovers)), unit: unit))
        }
        // Tasks whose completion is committed. A task marked complete in the worktree but not in
        // HEAD (choo stopped between the agent's turn and the commit) still needs its check.
        var committed = try await committedCompletions(unit: unit, worktree: worktree, git: fresh ? nil : git)
        while true {
            if Task.isCancelled { throw Stop.interrupted }
            let before = try reload(unit: unit, worktree: worktree)
            let unsettled = before.tasks.filter { $0.status == .complete && !committed.contains($0.number ?? -1) }
            if unsettled.isEmpty, before.tasks.allSatisfy({ $0.status == .complete }) { return }
            if shutdown.isRaised { throw Stop.interrupted }
            var outcome: ProcessOutcome?
            var focus = unsettled.first?.number
            if unsettled.isEmpty {
                let ready = before.readyTasks
                guard let next = ready.first?.number else {
                    throw Stop.failed("no task is ready: open tasks wait for tasks that failed or are not complete")
                }
                focus = next
                attempt += 1
                outcome = try await agentTurn(
                    unit: before,
                    focus: next,
                    ready: ready,
                    attempt: attempt,
                    worktree: worktree,
                    retry: retry,
                    leftovers: leftovers,
                    notices: notices
                )
                leftovers = []
                notices = []
            }
            if let outcome, outcome.stoppedBecause == .cancelled { throw Stop.interrupted }
            // The agent is not trusted: its branch, the spec tree and the files it changed are
            // reviewed before anything it reports is believed.
            var review = TurnReview()
            if outcome != nil {
                review = try await reviewTurn(
                    unit: unit,
                    worktree: worktree,
                    task: focus,
                    statusMayChange: true,
                    markers: true
                )
                if let notice = review.notice { notices.append(notice) }
            }
            let after = outcome == nil ? before : try reload(unit: unit, worktree: worktree)
            let marked = after.tasks.filter { $0.status == .complete && !committed.contains($0.number ?? -1) }
            var failure: (reason: String, output: String?)?
            if let outcome, !outcome.succeeded {
                failure = ("The agent \(describeAgent(outcome)).", outcome.output)
            } else if let reason = review.failure {
                failure = (reason, nil)
            } else if marked.isEmpty {
                failure = (
                    "The agent finished without marking any task `status: complete`. Implement one task, run its "
                        + "check, then set its status.", nil
                )
            } else {
                // The checks see exactly what will be committed: everything is staged first, and the
                // commit is the staged tree, whatever the checks leave behind.
                try await git.run(["add", "-A"])
                // Right after staging nothing is untracked; the review's status says what is ignored.
                var known = outcome == nil ? nil : WorktreeStatus(ignored: review.ignored)
                for task in marked {
                    defer { known = nil }
                    if let problem = try await verify(task: task, unit: unit, worktree: worktree, known: known) {
                        failure = problem
                        break
                    }
                }
            }
            if let failure {
                try revert(marked, in: worktree)
                let subject = marked.first?.number ?? focus ?? 0
                if attempt >= maxAttempts {
                    // What the agent was told is an instruction; the person reading the failure gets a report.
                    let told = failure.reason
                    let report =
                        marked.isEmpty && outcome?.succeeded == true && review.failure == nil
                        ? "the agent finished without marking any task complete; `choo logs \(unit)` shows what "
                            + "it did, and `choo prompt \(unit)` what it was asked"
                        : told
                    let reason = "task #\(subject): \(report) (after \(plural(attempt, "attempt")))"
                    context.bus.publish(Event(.taskFailed, unit: unit, task: subject, error: report))
                    throw Stop.failed(reason)
                }
                context.bus.publish(
                    Event(.taskRetry(.init(attempt: attempt + 1)), unit: unit, task: subject, error: failure.reason)
                )
                retry = PromptBuilder.Retry(
                    attempt: attempt + 1,
                    maxAttempts: maxAttempts,
                    reason: failure.reason,
                    output: failure.output
                )
                continue
            }
            let first = marked[0]
            for task in marked { context.bus.publish(Event(.taskCompleted, unit: unit, task: task.number)) }
            var message = "feat(\(unit)): complete task #\(first.number ?? 0) - \(first.title ?? first.fileName)"
            if marked.count > 1 {
                message += "\n\nAlso completes " + marked.dropFirst().map(\.displayName).joined(separator: ", ") + "."
            }
            try recordProgress(of: after, worktree: worktree)
            let commit = try await git.commitStaged(message: message, including: [after.planFile])
            try await recordChooCommit(unit: unit, worktree: worktree, commit: commit)
            context.bus.publish(Event(.taskCommitted(.init(commit: commit ?? "")), unit: unit, task: first.number))
            committed.formUnion(marked.compactMap(\.number))
            attempt = 0
            retry = nil
        }
    }

    /// Offers the ready tasks to the agent and runs it once.
    private func agentTurn(
        unit: Unit,
        focus: Int,
        ready: [TaskSpec],
        attempt: Int,
        worktree: String,
        retry: PromptBuilder.Retry?,
        leftovers: [String],
        notices: [String]
    ) async throws -> ProcessOutcome {
        let prompt = try PromptBuilder().prompt(for: unit, retry: retry, leftovers: leftovers, notices: notices)
        context.bus.publish(
            Event(
                .taskStarted(.init(attempt: attempt, offered: ready.compactMap(\.number))),
                unit: unit.id,
                task: focus
            )
        )
        return try await invokeAgent(
            unit: unit.id,
            task: focus,
            attempt: attempt,
            turn: .task,
            prompt: prompt,
            worktree: worktree
        )
    }

    /// The tasks whose `status: complete` is committed in HEAD of the unit's worktree.
    /// The tasks complete in HEAD: those marked complete and unchanged since (all of them in a fresh
    /// worktree, given no `git`), and those changed whose HEAD copy says complete.
    private func committedCompletions(unit: String, worktree: String, git: Git?) async throws -> Set<Int> {
        let changed = Set(
            try await git?.run(["diff", "--name-only", "HEAD"]).split(separator: "\n").map(String.init) ?? []
        )
        var result: Set<Int> = []
        for task in try reload(unit: unit, worktree: worktree).tasks where task.status == .complete {
            guard let number = task.number else { continue }
            if !changed.contains(task.file) {
                result.insert(number)
                continue
            }
            guard let text = try? await git?.run(["show", "HEAD:" + task.file]),
                let split = try? Frontmatter.split(text)
            else { continue }
            var fields = FrontmatterFields(split, context: .init(file: task.file))
            if fields.string("status") == TaskStatus.complete.rawValue { result.insert(number) }
        }
        return result
    }

    /// Runs `task`'s backpressure command; the failure to tell the agent, or `nil` when it passed.
    private func verify(task: TaskSpec, unit: String, worktree: String, known: WorktreeStatus?) async throws
        -> (String, String?)?
    {
        let command = task.backpressure ?? ""
        context.bus.publish(Event(.taskBackpressure(.init(command: command)), unit: unit, task: task.number))
        let outcome = try await checkShell(command, unit: unit, worktree: worktree, known: known)
        if outcome.succeeded {
            context.bus.publish(Event(.taskValidationOK(.init(command: command)), unit: unit, task: task.number))
            return nil
        }
        let reason = "The check `\(command)` for task #\(task.number ?? 0) \(Self.describe(outcome))."
        context.bus.publish(
            Event(
                .taskValidationFail(.init(command: command, output: outcome.output)),
                unit: unit,
                task: task.number,
                error: reason
            )
        )
        return (reason, outcome.output)
    }

    /// Writes the unit's `orch_*` keys into its plan in the worktree, so they are committed with the
    /// task: in progress with branch, worktree and start time, and complete with the completion
    /// time in the commit that completes the last task. Only changed keys are written.
    ///
    /// The commit that completes the unit drops `orch_branch` and `orch_worktree` unless
    /// `worktree.keep`: the run removes both once the unit lands, so the landed plan must not name them.
    private func recordProgress(of unit: Unit, worktree: String) throws {
        let finished = unit.tasks.allSatisfy { $0.status == .complete }
        var values: [(String, String?)] = []
        let status: UnitStatus = finished ? .complete : .inProgress
        if unit.orchStatus != status { values.append(("orch_status", status.rawValue)) }
        let removedOnLanding = finished && !context.config.worktree.keep
        let branch = Self.branch(for: unit.id)
        let relative = FileSystem.relative(worktree, to: context.repositoryRoot)
        if !removedOnLanding {
            if unit.orchBranch != branch { values.append(("orch_branch", branch)) }
            if unit.orchWorktree != relative { values.append(("orch_worktree", relative)) }
        }
        let now = Timestamp(Date()).description
        if unit.orchStartedAt == nil { values.append(("orch_started_at", now)) }
        if finished, unit.orchCompletedAt == nil { values.append(("orch_completed_at", now)) }
        let named = unit.orchBranch != nil || unit.orchWorktree != nil
        let removing = removedOnLanding && named ? ["orch_branch", "orch_worktree"] : []
        guard !values.isEmpty || !removing.isEmpty else { return }
        let path = worktree + "/" + unit.planFile
        var edited = try FileSystem.readText(path)
        if !values.isEmpty { edited = try FrontmatterEditor.set(values, in: edited) }
        if !removing.isEmpty { edited = try FrontmatterEditor.remove(removing, in: edited) }
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Sets the status of tasks the agent marked complete, whose turn failed, back to in progress.
    private func revert(_ tasks: [TaskSpec], in worktree: String) throws {
        for task in tasks {
            let path = worktree + "/" + task.file
            let text = try FileSystem.readText(path)
            let edited = try FrontmatterEditor.set([("status", TaskStatus.inProgress.rawValue)], in: text)
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    func invokeAgent(
        unit: String,
        task: Int?,
        attempt: Int,
        turn: AgentTurn,
        prompt: String,
        worktree: String
    ) async throws -> ProcessOutcome {
        guard let provider = context.providers[unit] else { throw Stop.failed("no agent configured for the unit") }
        let (arguments, input) = try provider.invocation(prompt: prompt)
        // One agent runs in a unit at a time: the unit's logs so far in this run number the next.
        let folder = context.logFolder + "/" + unit
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let earlier =
            (try? FileManager.default.contentsOfDirectory(atPath: folder))?.count { $0.hasSuffix(".log") } ?? 0
        let logFile =
            folder + "/" + AgentLog.fileName(sequence: earlier + 1, turn: turn, task: task, attempt: attempt)
        let header =
            "# choo agent log\n# unit: \(unit)\n# turn: \(turn.rawValue)\n# task: \(task.map(String.init) ?? "-")\n"
            + "# attempt: \(attempt)\n"
            + "# command: \(([provider.executable] + arguments.map { $0 == prompt ? "<prompt>" : $0 }).joined(separator: " "))\n"
            + "\n## prompt\n\n\(prompt)\n\n## output\n\n"
        try header.write(toFile: logFile, atomically: true, encoding: .utf8)
        var spec = ProcessSpec(executable: provider.executable, arguments: arguments, workingDirectory: worktree)
        spec.environment = context.environment
        spec.standardInput = input
        spec.timeout = context.config.agentTimeout
        spec.idleTimeout = context.config.agentIdleTimeout
        spec.logFile = logFile
        context.bus.publish(
            Event(
                .taskClaudeInvoke(.init(provider: provider.name, attempt: attempt, logFile: logFile)),
                unit: unit,
                task: task
            )
        )
        let bus = context.bus
        let outcome = try await context.runner.run(
            spec,
            onStart: { pid in
                bus.publish(Event(.taskAgentStarted(.init(pid: Int(pid))), unit: unit, task: task))
            },
            onOutput: { _ in }
        )
        // The agent sees the environment, tokens included; its log must not keep one it printed.
        if let redact = context.github?.redact, let text = try? FileSystem.readText(logFile) {
            let clean = redact(text)
            if clean != text { try? clean.write(toFile: logFile, atomically: true, encoding: .utf8) }
        }
        let footer = "\n## exit\n\n\(Self.describe(outcome)) after \(Self.seconds(outcome.duration))\n"
        if let handle = FileHandle(forWritingAtPath: logFile) {
            handle.seekToEndOfFile()
            handle.write(Data(footer.utf8))
            try? handle.close()
        }
        context.bus.publish(
            Event(
                .taskClaudeDone(.init(exit: Self.describe(outcome), logFile: logFile)),
                unit: unit,
                task: task,
                error: outcome.succeeded ? nil : "agent \(describeAgent(outcome))"
            )
        )
        return outcome
    }

    // MARK: Baseline checks

    private func runBaselineChecks(unit: String, worktree: String, shutdown: ShutdownFlag) async throws {
        let git = Git(repository: worktree, runner: context.runner)
        let checks = try await applicableBaselineChecks(in: worktree)
        guard !checks.isEmpty else { return }
        let rounds = 3
        var problem: String?
        for round in 0 ... rounds {
            let failures = try await baselineFailures(checks, unit: unit, worktree: worktree)
            if failures.isEmpty, problem == nil { return }
            if round == rounds || shutdown.isRaised {
                if failures.isEmpty, let problem {
                    throw Stop.failed("the baseline fix rounds did not leave a clean tree: \(problem)")
                }
                throw Stop.failed(
                    "baseline checks failed: "
                        + failures.map { "\($0.name) (`\($0.command)` \($0.status))" }.joined(separator: ", ")
                )
            }
            var report = failures.map {
                "## \($0.name): `\($0.command)` \($0.status)\n\n```\n\(QuotedOutput.quote($0.output))\n```"
            }
            .joined(separator: "\n\n")
            if let problem { report += (report.isEmpty ? "" : "\n\n") + "## Your previous round\n\n" + problem }
            let prompt = """
                You are a coding agent working in a git worktree of this repository, on unit `\(unit)`. All its tasks \
                are done, but these project-wide checks fail. Fix the code so that every check passes, running each \
                command from the repository root. Do not change task files. Stop when they pass.

                \(report)

                """
            let outcome = try await invokeAgent(
                unit: unit,
                task: nil,
                attempt: round + 1,
                turn: .baseline,
                prompt: prompt,
                worktree: worktree
            )
            if outcome.stoppedBecause == .cancelled { throw Stop.interrupted }
            let review = try await reviewFixTurn(unit: unit, worktree: worktree)
            // A round whose changes choo had to undo or that left conflict markers is not committed;
            // the next round is told and must leave a clean tree before the checks count.
            problem = review.failure
            if problem == nil {
                _ = try await git.commitAll(message: "fix(\(unit)): make baseline checks pass (round \(round + 1))")
                try await recordChooCommit(unit: unit, worktree: worktree)
            }
        }
    }

    /// A failed baseline check: its name, command, output and how it ended.
    typealias BaselineFailure = (name: String, command: String, output: String, status: String)

    /// Runs `checks` in `worktree`, publishing each result; returns the ones that failed.
    func baselineFailures(
        _ checks: [ChooConfig.BaselineCheck],
        unit: String,
        worktree: String,
        stage: Event.Baseline.Stage = .unit
    ) async throws -> [BaselineFailure] {
        var failures: [BaselineFailure] = []
        for check in checks {
            // The check sees the commit: untracked files wait outside the worktree meanwhile.
            let outcome = try await checkShell(check.command, unit: unit, worktree: worktree)
            context.bus.publish(
                Event(
                    .unitBaseline(.init(name: check.name, result: outcome.succeeded ? .passed : .failed, stage: stage)),
                    unit: unit,
                    error: outcome.succeeded ? nil : Self.describe(outcome)
                )
            )
            if !outcome.succeeded {
                failures.append((check.name, check.command, outcome.output, Self.describe(outcome)))
            }
        }
        return failures
    }

    /// The baseline checks that apply to `worktree`: those without a pattern, and those whose
    /// pattern matches a file changed on the unit branch.
    func applicableBaselineChecks(in worktree: String) async throws -> [ChooConfig.BaselineCheck] {
        let checks = context.config.baselineChecks
        guard checks.contains(where: { $0.pattern != nil }) else { return checks }
        let git = Git(repository: worktree, runner: context.runner)
        let changed = try await git.run(["diff", "--name-only", context.targetBranch + "...HEAD"])
            .split(separator: "\n").map(String.init)
        return checks.filter { check in
            guard let pattern = check.pattern else { return true }
            return changed.contains { Self.matches(pattern, path: $0) }
        }
    }

    // MARK: Helpers

    static func describe(_ outcome: ProcessOutcome) -> String {
        switch (outcome.stoppedBecause, outcome.termination) {
        case (.timeout?, _): "was stopped: it ran past its time limit"
        case (.idle?, _): "was stopped: it printed nothing for too long"
        case (.cancelled?, _): "was stopped by Ctrl-C"
        case (nil, .exited(let code)): "exited \(code)"
        case (nil, .signaled(let signal)): "was killed by signal \(signal)"
        }
    }

    /// How an agent invocation ended; a limit that stopped it is named with its value and setting.
    func describeAgent(_ outcome: ProcessOutcome) -> String {
        switch outcome.stoppedBecause {
        case .timeout?:
            "was stopped: it ran past its time limit of \(Self.limit(context.config.agentTimeout)) (agent_timeout)"
        case .idle?:
            "was stopped: it printed nothing for \(Self.limit(context.config.agentIdleTimeout)) "
                + "(agent_idle_timeout; raise it in .choo.yaml if the agent works quietly for longer)"
        default: Self.describe(outcome)
        }
    }

    /// A duration as a setting is written: `1h30m`, `15m`, `90s` is `1m30s`.
    static func limit(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds == 0 { return "\(duration.components.attoseconds / 1_000_000_000_000_000)ms" }
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }

    /// Whether `path` matches the glob `pattern`: against the file name when the pattern has no `/`,
    /// else against the whole repository-relative path (`*` does not cross folders).
    static func matches(_ pattern: String, path: String) -> Bool {
        if pattern.contains("/") { return fnmatch(pattern, path, FNM_PATHNAME) == 0 }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(pattern, name, 0) == 0
    }

    /// `12.3 s`.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f s", value)
    }
}
