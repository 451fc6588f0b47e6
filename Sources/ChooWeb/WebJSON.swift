import ChooCore
import Foundation

/// The JSON the dashboard's API answers with, built from a run's ``RunState`` and the
/// ``WebCatalog``. Keys are snake_case and stable (documented in `docs/WEB.md`); times are
/// RFC 3339 with milliseconds, durations seconds, money US dollars.
public enum WebJSON {
    /// The encoder every answer goes through: snake_case keys, sorted, no escaped slashes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as JSON text.
    public static func text(_ value: some Encodable) -> String {
        guard let data = try? encoder().encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `2026-11-26T09:30:00.250Z`.
    static func time(_ date: Date?) -> String? {
        guard let date else { return nil }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let exact = Date(timeIntervalSince1970: milliseconds / 1000 + 0.0001)
        return exact.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    // MARK: Runs

    /// One run in the list of runs.
    public struct RunSummary: Encodable, Sendable {
        var id: Int64
        var startedAt: String
        var endedAt: String?
        var outcome: String
        var live: Bool
        var durationSeconds: Double?
        var command: String
        var units: Int?
        var complete: Int?
        var failed: Int?
        var blocked: Int?
        var notStarted: Int?
        var spend: Spend?

        init(_ record: RunJournal.RunRecord, live: Bool, now: Date) {
            id = record.id
            startedAt = record.startedAt
            endedAt = record.endedAt
            self.live = live
            outcome = record.outcome == "running" && !live ? "stopped_abruptly" : record.outcome
            command = record.command
            let start = Timestamp(rfc3339: record.startedAt)?.date
            let end = record.endedAt.flatMap { Timestamp(rfc3339: $0)?.date } ?? (live ? now : nil)
            if let start, let end { durationSeconds = max(0, end.timeIntervalSince(start)) }
            units = record.units
            complete = record.complete
            failed = record.failed
            blocked = record.blocked
            notStarted = record.notStarted
            spend = record.spend
        }
    }

    // MARK: One run

    /// One run's whole state: the run and every unit.
    public struct RunDetail: Encodable, Sendable {
        var run: RunHeader
        var units: [UnitDetail]
    }

    /// A run's totals and banners.
    public struct RunHeader: Encodable, Sendable {
        var id: Int64
        var lastSeq: Int
        var live: Bool
        var outcome: String
        var startedAt: String?
        var finishedAt: String?
        var elapsedSeconds: Double?
        var remainingSeconds: Double?
        var parallelism: Int?
        var plannedTasks: Int?
        var stopRequested: Bool
        var totals: Totals
        var phases: [String: Int]
        var spend: Spend
        var pauses: [Pause]
        var budgetReached: Budget?
        var criticalPath: [String]
        var levels: Int
    }

    /// The run's counts.
    public struct Totals: Encodable, Sendable {
        var units: Int
        var complete: Int
        var failed: Int
        var blocked: Int
        var notStarted: Int
        var unfinished: Int
        var committedTasks: Int
        var tasks: Int
    }

    /// A provider's usage-limit pause.
    public struct Pause: Encodable, Sendable {
        var provider: String
        var until: String?
        var resetKnown: Bool
        var window: String?
        var message: String?
    }

    /// The budget that stopped the run.
    public struct Budget: Encodable, Sendable {
        var budget: String
        var limit: Double
        var spent: Double
        var message: String?
    }

    /// One unit.
    public struct UnitDetail: Encodable, Sendable, Equatable {
        var id: String
        var title: String?
        var phase: String
        var phaseLabel: String
        var state: String
        var level: Int?
        var dependsOn: [String]
        var onCriticalPath: Bool
        var startedAt: String?
        var finishedAt: String?
        var activity: String?
        var pausedUntil: String?
        var tasksTotal: Int
        var tasksDone: Int
        var tasks: [TaskDetail]
        var turns: [TurnDetail]
        var failure: FailureDetail?
        var error: String?
        var blockedBy: [String]
        var pullRequest: PullRequestDetail?
        var landing: LandingDetail?
        var branch: String?
        var worktree: String?
        var logFile: String?
        var conflicts: Int
        var spend: Spend
    }

    /// One task of a unit: from the tree, with what this run did of it.
    public struct TaskDetail: Encodable, Sendable, Equatable {
        var number: Int
        var title: String?
        var status: String
        var attempts: Int
        var startedAt: String?
        var finishedAt: String?
        var durationSeconds: Double?
        var commit: String?
        var error: String?
        var spend: Spend
    }

    /// One agent turn.
    public struct TurnDetail: Encodable, Sendable, Equatable {
        var kind: String
        var task: Int?
        var attempt: Int
        var provider: String
        var logFile: String
        var startedAt: String?
        var endedAt: String?
        var exit: String?
        var error: String?
        var lastTool: String?
        var session: String?
        var apiRetries: Int
        var spend: Spend
    }

    /// Why a unit failed, and what to do about it.
    public struct FailureDetail: Encodable, Sendable, Equatable {
        var reason: String
        var phase: String
        var whatToDo: String
    }

    /// A unit's pull request.
    public struct PullRequestDetail: Encodable, Sendable, Equatable {
        var number: Int
        var url: String?
        var review: String?
        var feedbackRounds: Int
        var ci: String?
        var ciHead: String?
        var ciPending: [String]
        var ciFailures: String?
        var mergedCommit: String?
        var problem: String?
    }

    /// Where a unit landed.
    public struct LandingDetail: Encodable, Sendable, Equatable {
        var commit: String
        var target: String
        var branch: String
    }

    /// The detail of run `id` in `state`, whose newest event is `lastSeq`. With `reusing`, the
    /// details of an earlier state of the run and the places of the units changed since then: the
    /// other units' details are taken from it rather than made again.
    public static func run(
        id: Int64,
        state: RunState,
        lastSeq: Int,
        live: Bool,
        catalog: WebCatalog,
        now: Date,
        reusing earlier: (details: [UnitDetail], changed: Set<Int>)? = nil
    ) -> RunDetail {
        let ids = state.units.map(\.id)
        let critical = catalog.criticalPath(among: ids)
        let onPath = Set(critical)
        let dependencies = catalog.dependencies(among: ids)
        // Units are only ever added, so the same count means the same units, dependencies and path.
        let reusable = earlier.flatMap { $0.details.count == ids.count ? $0 : nil }
        let units = state.units.enumerated().map { index, unit in
            if let reusable, !reusable.changed.contains(index) { return reusable.details[index] }
            return self.unit(
                unit,
                info: catalog.units[unit.id],
                dependsOn: dependencies[unit.id] ?? [],
                critical: onPath
            )
        }
        return RunDetail(
            run: header(id: id, state: state, lastSeq: lastSeq, live: live, units: units, critical: critical, now: now),
            units: units
        )
    }

    static func header(
        id: Int64,
        state: RunState,
        lastSeq: Int,
        live: Bool,
        units: [UnitDetail],
        critical: [String],
        now: Date
    ) -> RunHeader {
        let totals = state.totals
        let end = state.finishedAt ?? (live ? now : state.units.compactMap(\.finishedAt).max())
        let elapsed = state.startedAt.flatMap { start in end.map { max(0, $0.timeIntervalSince(start)) } }
        let tasks = units.reduce(0) { $0 + $1.tasksTotal }
        let done = units.reduce(0) { $0 + $1.tasksDone }
        var remaining: Double?
        if live, state.outcome == nil, let elapsed, done > 0, tasks > done {
            remaining = elapsed / Double(done) * Double(tasks - done)
        }
        var phases: [String: Int] = [:]
        for unit in units { phases[unit.phase, default: 0] += 1 }
        let outcome =
            state.outcome?.rawValue ?? (live ? "running" : state.startedAt == nil ? "not_started" : "stopped_abruptly")
        return RunHeader(
            id: id,
            lastSeq: lastSeq,
            live: live,
            outcome: outcome,
            startedAt: time(state.startedAt),
            finishedAt: time(state.finishedAt),
            elapsedSeconds: elapsed,
            remainingSeconds: remaining,
            parallelism: state.parallelism,
            plannedTasks: state.plannedTasks,
            stopRequested: state.stopRequested,
            totals: Totals(
                units: totals.units,
                complete: totals.complete,
                failed: totals.failed,
                blocked: totals.blocked,
                notStarted: totals.notStarted,
                unfinished: totals.unfinished,
                committedTasks: totals.committedTasks,
                tasks: tasks
            ),
            phases: phases,
            spend: state.spend,
            pauses: state.pauses.sorted { $0.key < $1.key }.map { provider, limit in
                Pause(
                    provider: provider,
                    until: time(limit.until.date),
                    resetKnown: limit.resetKnown,
                    window: limit.window,
                    message: limit.message
                )
            },
            budgetReached: state.budgetReached.map {
                Budget(budget: $0.details.budget, limit: $0.details.limit, spent: $0.details.spent, message: $0.message)
            },
            criticalPath: critical,
            levels: Set(state.units.compactMap(\.level)).count
        )
    }

    /// The dashboard's phase of a unit: queued, preparing, running, paused, in_review, landing,
    /// landed, failed, blocked or stopped.
    static func phase(_ unit: RunState.UnitState) -> String {
        if case .waitingForLimit? = unit.activity { return "paused" }
        switch unit.phase {
        case .queued: return "queued"
        case .preparing: return "preparing"
        case .task, .baseline: return "running"
        case .review, .ci: return "in_review"
        case .awaitingMerge, .landing: return "landing"
        case .complete: return "landed"
        case .failed: return "failed"
        case .blocked: return "blocked"
        case .interrupted: return "stopped"
        }
    }

    /// What the unit is doing, in a few words.
    static func activity(_ unit: RunState.UnitState) -> String? {
        switch unit.activity {
        case nil: return nil
        case .settingUp?: return "setting up its worktree"
        case .agent?: return unit.agentActivity.map { "agent: " + $0 } ?? "agent working"
        case .checking(let command)?: return "checking: " + command
        case .waitingForReview?: return "waiting for a review"
        case .waitingForCI?: return "waiting for CI"
        case .waitingToLand?: return "waiting to land"
        case .waitingForLimit(let provider, _)?: return "waiting for \(provider)'s usage limit"
        }
    }

    /// What a person can do about a unit that failed in `phase`.
    static func whatToDo(_ unit: RunState.UnitState, phase: RunState.UnitState.Phase) -> String {
        let logs = "`choo logs \(unit.id)` shows what the agent did"
        switch phase {
        case .task(let number):
            return "Read why task #\(number) failed (\(logs)), fix its spec or check command, "
                + "then run `choo run` again: the unit resumes from its branch."
        case .baseline:
            return "A baseline check keeps failing: run it in the unit's worktree, fix the code or the check, "
                + "then run `choo run` again (\(logs))."
        case .landing, .awaitingMerge:
            return "The unit could not land on the target: resolve the conflict on its branch or rebase it, "
                + "then run `choo run` again."
        case .review, .ci:
            return "Look at the pull request's review and checks, fix what they ask, then run `choo run` again."
        case .preparing:
            return
                "Its worktree or setup command failed: check `worktree.setup` in .choo.yaml, then run `choo run` again."
        case .queued, .complete, .failed, .blocked, .interrupted:
            return "Run `choo status` to see where it stands (\(logs)), then `choo run` again."
        }
    }

    static func unit(
        _ unit: RunState.UnitState,
        info: WebCatalog.UnitInfo?,
        dependsOn: [String],
        critical: Set<String>
    ) -> UnitDetail {
        var tasks: [TaskDetail] = []
        let planned = info?.tasks ?? []
        var seen = Set<Int>()
        for (number, title) in planned {
            seen.insert(number)
            tasks.append(task(number: number, title: title, state: unit.task(number), unit: unit))
        }
        for state in unit.tasks where !seen.contains(state.number) {
            tasks.append(task(number: state.number, title: nil, state: state, unit: unit))
        }
        tasks.sort { $0.number < $1.number }
        let done = tasks.count { $0.status == "committed" || $0.status == "complete" }
        var paused: String?
        if case .waitingForLimit(_, let until)? = unit.activity { paused = time(until) }
        return UnitDetail(
            id: unit.id,
            title: info?.title,
            phase: phase(unit),
            phaseLabel: unit.phase.label,
            state: unit.state.rawValue,
            level: unit.level,
            dependsOn: dependsOn,
            onCriticalPath: critical.contains(unit.id),
            startedAt: time(unit.startedAt),
            finishedAt: time(unit.finishedAt),
            activity: activity(unit),
            pausedUntil: paused,
            tasksTotal: max(tasks.count, planned.count),
            tasksDone: unit.state == .complete ? tasks.count : done,
            tasks: tasks,
            turns: unit.turns.map { turn in
                TurnDetail(
                    kind: turn.kind.rawValue,
                    task: turn.task,
                    attempt: turn.attempt,
                    provider: turn.provider,
                    logFile: turn.logFile,
                    startedAt: time(turn.startedAt),
                    endedAt: time(turn.endedAt),
                    exit: turn.exit,
                    error: turn.error,
                    lastTool: turn.lastTool,
                    session: turn.session,
                    apiRetries: turn.apiRetries,
                    spend: turn.spend
                )
            },
            failure: unit.failure.map {
                FailureDetail(reason: $0.reason, phase: $0.phase.label, whatToDo: whatToDo(unit, phase: $0.phase))
            },
            error: unit.error,
            blockedBy: unit.blockedBy,
            pullRequest: unit.pullRequest.map(pullRequest),
            landing: unit.landing.map { LandingDetail(commit: $0.commit, target: $0.target, branch: $0.branch) },
            branch: unit.branch,
            worktree: unit.worktree,
            logFile: unit.logFile,
            conflicts: unit.conflicts,
            spend: unit.spend
        )
    }

    static func task(number: Int, title: String?, state: RunState.TaskState?, unit: RunState.UnitState) -> TaskDetail {
        TaskDetail(
            number: number,
            title: title,
            status: state?.status.rawValue ?? "pending",
            attempts: state?.attempts ?? 0,
            startedAt: time(state?.startedAt),
            finishedAt: time(state?.finishedAt),
            durationSeconds: state?.duration,
            commit: state?.commit,
            error: state?.error,
            spend: unit.spend(task: number)
        )
    }

    static func pullRequest(_ request: RunState.PullRequestState) -> PullRequestDetail {
        let review: String? =
            switch request.review {
            case nil: nil
            case .pending?: "pending"
            case .inProgress?: "in progress"
            case .approved(let by)?: "approved by \(by)"
            case .feedback(let comments)?: "\(comments) comment\(comments == 1 ? "" : "s") to answer"
            }
        return PullRequestDetail(
            number: request.number,
            url: request.url,
            review: review,
            feedbackRounds: request.feedbackRounds,
            ci: request.ci?.result.rawValue,
            ciHead: request.ci?.head,
            ciPending: request.ci?.pending ?? [],
            ciFailures: request.ci?.failures,
            mergedCommit: request.mergedCommit,
            problem: request.problem
        )
    }

    // MARK: Errors

    /// An error answer: `{"error": {"status": 404, "message": "..."}}`.
    public struct ErrorBody: Encodable, Sendable {
        struct Inner: Encodable, Sendable {
            var status: Int
            var message: String
        }

        var error: Inner

        init(status: Int, message: String) {
            error = Inner(status: status, message: message)
        }
    }
}
