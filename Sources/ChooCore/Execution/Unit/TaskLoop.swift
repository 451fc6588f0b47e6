import Foundation

/// A unit's task loop: offers the ready tasks to the agent, reviews what its turn did, runs the
/// backpressure check of each task it marked complete on exactly what will be committed, and
/// commits them; a turn that does not count is retried with what went wrong (``TaskTurnRules``).
struct TaskLoop: UnitPart {
    let work: UnitWork

    /// Runs the loop to its end: every task complete and committed, or a failure. `known`: the
    /// worktree's `git status` (with ignored files) as it stands now, when the caller has it.
    func run(fresh: Bool, known: WorktreeStatus? = nil, shutdown: ShutdownFlag) async throws {
        let git = work.git()
        var attempt = 0
        var retry: PromptBuilder.Retry?
        // The agent's conversation on the current task, which a retry continues where it can.
        var conversation: AgentTurns.Result?
        var notices: [String] = []
        var leftovers: [String] = []
        var changedSinceHead: Set<String>?
        if !fresh {
            // What an interrupted turn left is reviewed before anything else: the branch is put back
            // on choo's commits and changes to the spec tree are undone; the agent hears of both.
            // Part of the unit's start, at choo's own priority (see `UnitLifecycle.run`).
            let resumed = try await ProcessPriority.$niceness.withValue(0) {
                try await guards.reviewTurn(task: nil, statusMayChange: true, markers: false, known: known)
            }
            notices = [resumed.notice, resumed.failure].compactMap { $0 }
            // Edits an interrupted run left uncommitted are kept, and the agent is told about them.
            // The review's look at the worktree says which, unless the review changed something.
            if let status = resumed.status {
                leftovers = status.changed + status.untracked
                changedSinceHead = Set(status.changed)
            } else {
                leftovers = try await git.statusEntries().map(\.path)
            }
        }
        if !leftovers.isEmpty {
            context.bus.publish(Event(.unitResumed(.init(uncommitted: leftovers)), unit: unit))
        }
        // Tasks whose completion is committed. A task marked complete in the worktree but not in
        // HEAD (choo stopped between the agent's turn and the commit) still needs its check.
        var committed = try await committedCompletions(git: fresh ? nil : git, changed: changedSinceHead)
        while true {
            if Task.isCancelled { throw UnitStop.interrupted }
            let before = try work.reload()
            let unsettled = before.tasks.filter { $0.status == .complete && !committed.contains($0.number ?? -1) }
            if unsettled.isEmpty, before.tasks.allSatisfy({ $0.status == .complete }) { return }
            if shutdown.isRaised { throw UnitStop.interrupted }
            var outcome: ProcessOutcome?
            var focus = unsettled.first?.number
            if unsettled.isEmpty {
                let ready = before.readyTasks
                guard let next = ready.first?.number else {
                    throw UnitStop.failed("no task is ready: open tasks wait for tasks that failed or are not complete")
                }
                focus = next
                attempt += 1
                let turn = try await agentTurn(
                    unit: before,
                    focus: next,
                    ready: ready,
                    attempt: attempt,
                    retry: retry,
                    conversation: conversation,
                    leftovers: leftovers,
                    notices: notices
                )
                outcome = turn.outcome
                conversation = turn
                leftovers = []
                notices = []
            }
            if let outcome, outcome.stoppedBecause == .cancelled { throw UnitStop.interrupted }
            // The agent is not trusted: its branch, the spec tree and the files it changed are
            // reviewed before anything it reports is believed.
            var review = TurnReview()
            if outcome != nil {
                review = try await guards.reviewTurn(
                    task: focus,
                    statusMayChange: true,
                    markers: true
                )
                if let notice = review.notice { notices.append(notice) }
            }
            let after = outcome == nil ? before : try work.reload()
            let marked = after.tasks.filter { $0.status == .complete && !committed.contains($0.number ?? -1) }
            let agent: TaskTurnRules.Agent =
                switch outcome {
                case nil: .notRun
                case let outcome? where outcome.succeeded: .succeeded
                case let outcome?:
                    .failed(
                        description: OutcomeText.describeAgent(
                            outcome,
                            config: context.config,
                            lastActivity: conversation?.lastActivity
                        ),
                        output: outcome.output
                    )
                }
            var failure = TaskTurnRules.failureBeforeChecks(
                agent: agent,
                guardFailure: review.failure,
                marked: marked.count
            )
            if failure == nil {
                // The checks see exactly what will be committed: everything is staged first, and the
                // commit is the staged tree, whatever the checks leave behind.
                try await git.stageAll()
                // Right after staging nothing is untracked; the review's status says what is ignored.
                var known = outcome == nil ? nil : WorktreeStatus(ignored: review.ignored)
                for task in marked {
                    defer { known = nil }
                    if let problem = try await verify(task: task, known: known) {
                        failure = problem
                        break
                    }
                }
            }
            let subject = marked.first?.number ?? focus ?? 0
            switch TaskTurnRules.next(
                after: failure,
                agent: agent,
                guardFailure: review.failure,
                marked: marked.count,
                attempt: attempt,
                maxAttempts: context.config.maxAttempts,
                subject: subject,
                unit: unit
            ) {
            case .commit:
                break
            case .retry(let next):
                try revert(marked)
                work.publish(.taskRetry(.init(attempt: next.attempt)), task: subject, error: next.reason)
                retry = next
                continue
            case .fail(let report, let reason):
                try revert(marked)
                work.publish(.taskFailed, task: subject, error: report)
                throw UnitStop.failed(reason)
            }
            let first = marked[0]
            for task in marked { context.bus.publish(Event(.taskCompleted, unit: unit, task: task.number)) }
            var message = "feat(\(unit)): complete task #\(first.number ?? 0) - \(first.title ?? first.fileName)"
            if marked.count > 1 {
                message += "\n\nAlso completes " + marked.dropFirst().map(\.displayName).joined(separator: ", ") + "."
            }
            try recordProgress(of: after)
            let commit = try await git.commitStaged(
                message: message,
                including: [after.planFile],
                folders: context.records.gitFolders(of: work.path)
            )
            try await guards.recordChooCommit(commit)
            context.bus.publish(Event(.taskCommitted(.init(commit: commit ?? "")), unit: unit, task: first.number))
            committed.formUnion(marked.compactMap(\.number))
            attempt = 0
            retry = nil
            conversation = nil
        }
    }

    /// Offers the ready tasks to the agent and runs it once; a retry continues the agent's
    /// `conversation` on the task, told only what went wrong, when its provider can resume.
    private func agentTurn(
        unit: Unit,
        focus: Int,
        ready: [TaskSpec],
        attempt: Int,
        retry: PromptBuilder.Retry?,
        conversation: AgentTurns.Result?,
        leftovers: [String],
        notices: [String]
    ) async throws -> AgentTurns.Result {
        let builder = PromptBuilder()
        let prompt = try builder.prompt(for: unit, retry: retry, leftovers: leftovers, notices: notices)
        var resume: AgentTurns.Resume?
        if let retry, let conversation, let session = conversation.session {
            resume = AgentTurns.Resume(
                provider: conversation.provider,
                session: session,
                prompt: try builder.continuation(for: unit, task: focus, retry: retry, notices: notices),
                reportedTotal: conversation.reportedTotal
            )
        }
        context.bus.publish(
            Event(
                .taskStarted(.init(attempt: attempt, offered: ready.compactMap(\.number))),
                unit: unit.id,
                task: focus
            )
        )
        return try await agent.run(task: focus, attempt: attempt, turn: .task, prompt: prompt, resume: resume)
    }

    /// The tasks whose `status: complete` is committed in HEAD of the unit's worktree.
    /// The tasks complete in HEAD: those marked complete and unchanged since (all of them in a fresh
    /// worktree, given no `git`), and those changed whose HEAD copy says complete.
    /// `changed` is the set of tracked paths that differ from HEAD when the caller knows it already.
    private func committedCompletions(git: Git?, changed known: Set<String>?) async throws -> Set<Int> {
        var changed = known ?? []
        if known == nil, let git { changed = Set(try await git.changedFiles(since: "HEAD")) }
        var result: Set<Int> = []
        for task in try work.reload().tasks where task.status == .complete {
            guard let number = task.number else { continue }
            if !changed.contains(task.file) {
                result.insert(number)
                continue
            }
            guard let text = try? await git?.blob("HEAD:" + task.file),
                let split = try? Frontmatter.split(text)
            else { continue }
            var fields = FrontmatterFields(split, context: .init(file: task.file))
            if fields.string("status") == TaskStatus.complete.rawValue { result.insert(number) }
        }
        return result
    }

    /// Runs `task`'s backpressure command; the failure to tell the agent, or `nil` when it passed.
    private func verify(task: TaskSpec, known: WorktreeStatus?) async throws -> TaskTurnRules.Failure? {
        let command = task.backpressure ?? ""
        context.bus.publish(Event(.taskBackpressure(.init(command: command)), unit: unit, task: task.number))
        let outcome = try await guards.checkShell(command, known: known)
        if outcome.succeeded {
            context.bus.publish(Event(.taskValidationOK(.init(command: command)), unit: unit, task: task.number))
            return nil
        }
        let reason = "The check `\(command)` for task #\(task.number ?? 0) \(OutcomeText.describe(outcome))."
        context.bus.publish(
            Event(
                .taskValidationFail(.init(command: command, output: outcome.output)),
                unit: unit,
                task: task.number,
                error: reason
            )
        )
        return TaskTurnRules.Failure(reason: reason, output: outcome.output)
    }

    /// Writes the unit's `orch_*` keys into its plan in the worktree, so they are committed with the
    /// task: in progress with branch, worktree and start time, and complete with the completion
    /// time in the commit that completes the last task. Only changed keys are written.
    ///
    /// The commit that completes the unit drops `orch_branch` and `orch_worktree` unless
    /// `worktree.keep`: the run removes both once the unit lands, so the landed plan must not name them.
    private func recordProgress(of unit: Unit) throws {
        let finished = unit.tasks.allSatisfy { $0.status == .complete }
        var values: [(String, String?)] = []
        let status: UnitStatus = finished ? .complete : .inProgress
        if unit.orchStatus != status { values.append(("orch_status", status.rawValue)) }
        let removedOnLanding = finished && !context.config.worktree.keep
        let branch = work.branch
        let relative = FileSystem.relative(worktree, to: context.repositoryRoot)
        if !removedOnLanding {
            if unit.orchBranch != branch { values.append(("orch_branch", branch)) }
            if unit.orchWorktree != relative { values.append(("orch_worktree", relative)) }
        }
        let now = Timestamp(work.now).description
        if unit.orchStartedAt == nil { values.append(("orch_started_at", now)) }
        if finished, unit.orchCompletedAt == nil { values.append(("orch_completed_at", now)) }
        let named = unit.orchBranch != nil || unit.orchWorktree != nil
        let removing = removedOnLanding && named ? ["orch_branch", "orch_worktree"] : []
        guard !values.isEmpty || !removing.isEmpty else { return }
        var edited = try work.worktree.read(unit.planFile)
        if !values.isEmpty { edited = try FrontmatterEditor.set(values, in: edited) }
        if !removing.isEmpty { edited = try FrontmatterEditor.remove(removing, in: edited) }
        try work.worktree.write(edited, to: unit.planFile)
    }

    /// Sets the status of tasks the agent marked complete, whose turn failed, back to in progress.
    private func revert(_ tasks: [TaskSpec]) throws {
        for task in tasks {
            let text = try work.worktree.read(task.file)
            let edited = try FrontmatterEditor.set([("status", TaskStatus.inProgress.rawValue)], in: text)
            try work.worktree.write(edited, to: task.file)
        }
    }
}
