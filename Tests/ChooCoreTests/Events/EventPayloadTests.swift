import Foundation
import Testing

@testable import ChooCore

/// One event of each kind (some kinds twice, for their other shapes) with its exact JSON line.
struct PinnedEvent: Sendable, CustomTestStringConvertible {
    var event: Event
    var line: String

    var testDescription: String { event.typeName }

    /// The sample time: `2027-01-15T08:00:00.000Z`.
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ payload: Event.Payload, unit: String? = nil, task: Int? = nil, error: String? = nil, _ line: String) {
        event = Event(payload, time: Self.time, unit: unit, task: task, error: error)
        self.line = line
    }

    static let all: [PinnedEvent] = core + agents

    /// Samples of the agents' events.
    static let agents: [PinnedEvent] = [
        .init(
            .agentSession(.init(provider: "claude", session: "s-1", resumed: true, model: "claude-opus-4-5")),
            unit: "a",
            task: 1,
            #"{"payload":{"model":"claude-opus-4-5","provider":"claude","resumed":true,"session":"s-1"},"#
                + #""task":1,"time":"2027-01-15T08:00:00.000Z","type":"agent.session","unit":"a"}"#
        ),
        .init(
            .agentTool(.init(tool: "Edit", target: "Sources/A.swift")),
            unit: "a",
            task: 1,
            #"{"payload":{"target":"Sources/A.swift","tool":"Edit"},"task":1,"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"agent.tool","unit":"a"}"#
        ),
        .init(
            .agentUsage(
                .init(
                    usage: TokenUsage(input: 10, output: 20, cacheRead: 300, cacheWrite: 40),
                    costUSD: 0.5,
                    costSource: "reported",
                    final: true,
                    model: "claude-opus-4-5",
                    turns: 3
                )
            ),
            unit: "a",
            task: 1,
            #"{"payload":{"cache_read_tokens":300,"cache_write_tokens":40,"cost_source":"reported","cost_usd":0.5,"#
                + #""final":true,"input_tokens":10,"model":"claude-opus-4-5","output_tokens":20,"turns":3},"#
                + #""task":1,"time":"2027-01-15T08:00:00.000Z","type":"agent.usage","unit":"a"}"#
        ),
        .init(
            .agentRetry(.init(status: 529, attempt: 2, delayMilliseconds: 1000)),
            unit: "a",
            #"{"payload":{"attempt":2,"delay_ms":1000,"status":529},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"agent.retry","unit":"a"}"#
        ),
        .init(
            .agentLimit(
                .init(
                    provider: "claude",
                    until: Timestamp(PinnedEvent.time),
                    resetKnown: true,
                    window: "five_hour",
                    message: "You've hit your limit"
                )
            ),
            unit: "a",
            #"{"payload":{"message":"You've hit your limit","provider":"claude","reset_known":true,"#
                + #""until":"2027-01-15T08:00:00Z","window":"five_hour"},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"agent.limit","unit":"a"}"#
        ),
        .init(
            .agentLimitOver(.init(provider: "codex")),
            #"{"payload":{"provider":"codex"},"time":"2027-01-15T08:00:00.000Z","type":"agent.limit.over"}"#
        ),
        .init(
            .runBudgetReached(.init(budget: "budget.max_cost_usd", limit: 5, spent: 5.25)),
            unit: "a",
            error: "budget.max_cost_usd ($5.00) reached",
            #"{"error":"budget.max_cost_usd ($5.00) reached","payload":{"budget":"budget.max_cost_usd","limit":5,"#
                + #""spent":5.25},"time":"2027-01-15T08:00:00.000Z","type":"run.budget.reached","unit":"a"}"#
        ),
    ]

    static let core: [PinnedEvent] = [
        .init(
            .orchStarted(.init(units: 3, parallelism: 2, tasks: 5)),
            #"{"payload":{"parallelism":2,"tasks":5,"units":3},"time":"2027-01-15T08:00:00.000Z","type":"orch.started"}"#
        ),
        .init(
            .orchStarted(.init(units: 1, parallelism: 1, tasks: 1, logFolder: "/r/.ralph/worktrees/logs")),
            #"{"payload":{"log_folder":"/r/.ralph/worktrees/logs","parallelism":1,"tasks":1,"units":1},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"orch.started"}"#
        ),
        .init(
            .orchCompleted(
                .init(
                    total: 2,
                    complete: 2,
                    failed: 0,
                    blocked: 0,
                    notStarted: 0,
                    durationSeconds: 1.5,
                    interrupted: false
                )
            ),
            #"{"payload":{"blocked":0,"complete":2,"duration_seconds":1.5,"failed":0,"interrupted":false,"#
                + #""not_started":0,"total":2},"time":"2027-01-15T08:00:00.000Z","type":"orch.completed"}"#
        ),
        .init(
            .orchFailed(
                .init(
                    total: 4,
                    complete: 1,
                    failed: 1,
                    blocked: 1,
                    notStarted: 1,
                    durationSeconds: 60,
                    interrupted: true
                )
            ),
            #"{"payload":{"blocked":1,"complete":1,"duration_seconds":60,"failed":1,"interrupted":true,"#
                + #""not_started":1,"total":4},"time":"2027-01-15T08:00:00.000Z","type":"orch.failed"}"#
        ),
        .init(
            .orchFailed(
                .init(
                    total: 3,
                    complete: 0,
                    failed: 0,
                    blocked: 0,
                    notStarted: 1,
                    stopped: 2,
                    durationSeconds: 5,
                    interrupted: true
                )
            ),
            #"{"payload":{"blocked":0,"complete":0,"duration_seconds":5,"failed":0,"interrupted":true,"#
                + #""not_started":1,"stopped":2,"total":3},"time":"2027-01-15T08:00:00.000Z","type":"orch.failed"}"#
        ),
        .init(
            .orchLeftoversStopped(.init(processGroups: [41], processes: [.init(pid: 42, commandLine: "sleep 600")])),
            error: "stopped 1 process group(s) and 1 process(es) left running by an earlier run that was killed",
            #"{"error":"stopped 1 process group(s) and 1 process(es) left running by an earlier run that was killed","#
                + #""payload":{"process_groups":[41],"processes":[{"command_line":"sleep 600","pid":42}]},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"orch.leftovers.stopped"}"#
        ),
        .init(
            .orchInterrupted(.init(running: ["a", "b"])),
            #"{"payload":{"running":["a","b"]},"time":"2027-01-15T08:00:00.000Z","type":"orch.interrupted"}"#
        ),
        .init(
            .unitQueued(.init(level: 1)),
            unit: "a",
            #"{"payload":{"level":1},"time":"2027-01-15T08:00:00.000Z","type":"unit.queued","unit":"a"}"#
        ),
        .init(.unitStarted, unit: "a", #"{"time":"2027-01-15T08:00:00.000Z","type":"unit.started","unit":"a"}"#),
        .init(
            .unitResumed(.init(uncommitted: ["partial.txt"])),
            unit: "a",
            #"{"payload":{"uncommitted":["partial.txt"]},"time":"2027-01-15T08:00:00.000Z","type":"unit.resumed","#
                + #""unit":"a"}"#
        ),
        .init(
            .unitWorktree(.init(path: "/r/.ralph/worktrees/a", branch: "ralph/a", resumed: false)),
            unit: "a",
            #"{"payload":{"branch":"ralph/a","path":"/r/.ralph/worktrees/a","resumed":false},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.worktree","unit":"a"}"#
        ),
        .init(
            .unitWorktree(
                .init(path: "/r/.ralph/worktrees/b", branch: "ralph/b", resumed: false, recycled: true, prepared: true)
            ),
            unit: "b",
            #"{"payload":{"branch":"ralph/b","path":"/r/.ralph/worktrees/b","prepared":true,"recycled":true,"resumed":false},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.worktree","unit":"b"}"#
        ),
        .init(
            .unitWorktreeDisk(.init(path: "/r/.ralph/worktrees/.pool/a-1f2e3d4c", bytes: 4096, pooled: true)),
            unit: "a",
            #"{"payload":{"bytes":4096,"path":"/r/.ralph/worktrees/.pool/a-1f2e3d4c","pooled":true},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.worktree.disk","unit":"a"}"#
        ),
        .init(
            .unitWorktreeDisk(.init(path: "/r/.ralph/worktrees/f", bytes: 8192)),
            unit: "f",
            #"{"payload":{"bytes":8192,"path":"/r/.ralph/worktrees/f"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.worktree.disk","unit":"f"}"#
        ),
        .init(
            .unitWorktree(.init(setAside: "/r/.ralph/worktrees/.set-aside/a-1")),
            unit: "a",
            error: "/r/.ralph/worktrees/a was not a worktree git knows",
            #"{"error":"/r/.ralph/worktrees/a was not a worktree git knows","#
                + #""payload":{"set_aside":"/r/.ralph/worktrees/.set-aside/a-1"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.worktree","unit":"a"}"#
        ),
        .init(
            .unitMergeQueued,
            unit: "a",
            #"{"time":"2027-01-15T08:00:00.000Z","type":"unit.merge.queued","unit":"a"}"#
        ),
        .init(
            .unitMergeStarted,
            unit: "a",
            #"{"time":"2027-01-15T08:00:00.000Z","type":"unit.merge.started","unit":"a"}"#
        ),
        .init(
            .unitMergeUpdated(.init(onto: "0123abcd", strategy: .rebase)),
            unit: "a",
            #"{"payload":{"onto":"0123abcd","strategy":"rebase"},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"unit.merge.updated","unit":"a"}"#
        ),
        .init(
            .unitMergeUpdated(.init(retry: true, reason: "`main` moved while landing; starting over")),
            unit: "a",
            #"{"payload":{"reason":"`main` moved while landing; starting over","retry":true},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.merge.updated","unit":"a"}"#
        ),
        .init(
            .unitMergeUpdated(.init(rolledBack: "rebase")),
            unit: "a",
            error: "a rebase interrupted earlier was rolled back; landing starts over",
            #"{"error":"a rebase interrupted earlier was rolled back; landing starts over","#
                + #""payload":{"rolled_back":"rebase"},"time":"2027-01-15T08:00:00.000Z","type":"unit.merge.updated","#
                + #""unit":"a"}"#
        ),
        .init(
            .unitMergeConflict(.init(files: ["shared.txt"], attempt: 1)),
            unit: "a",
            #"{"payload":{"attempt":1,"files":["shared.txt"]},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"unit.merge.conflict","unit":"a"}"#
        ),
        .init(
            .unitMerged(.init(commit: "0123abcd", target: "main", branch: "ralph/a")),
            unit: "a",
            #"{"payload":{"branch":"ralph/a","commit":"0123abcd","target":"main"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.merged","unit":"a"}"#
        ),
        .init(
            .unitMerged(.init(commit: "0123abcd", target: "main", branch: "ralph/a", pullRequest: 7)),
            unit: "a",
            #"{"payload":{"branch":"ralph/a","commit":"0123abcd","pull_request":7,"target":"main"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.merged","unit":"a"}"#
        ),
        .init(
            .unitCleanupFailed,
            unit: "a",
            error: "git worktree remove failed",
            #"{"error":"git worktree remove failed","time":"2027-01-15T08:00:00.000Z","type":"unit.cleanup.failed","#
                + #""unit":"a"}"#
        ),
        .init(.unitCompleted, unit: "a", #"{"time":"2027-01-15T08:00:00.000Z","type":"unit.completed","unit":"a"}"#),
        .init(
            .unitFailed,
            unit: "a",
            error: "task #1: check failed",
            #"{"error":"task #1: check failed","time":"2027-01-15T08:00:00.000Z","type":"unit.failed","unit":"a"}"#
        ),
        .init(
            .unitBlocked(.init(blockedBy: ["b"])),
            unit: "a",
            error: "blocked by b, which did not complete",
            #"{"error":"blocked by b, which did not complete","payload":{"blocked_by":["b"]},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.blocked","unit":"a"}"#
        ),
        .init(
            .unitInterrupted,
            unit: "a",
            #"{"time":"2027-01-15T08:00:00.000Z","type":"unit.interrupted","unit":"a"}"#
        ),
        .init(
            .taskStarted(.init(attempt: 1, offered: [1, 2])),
            unit: "a",
            task: 1,
            #"{"payload":{"attempt":1,"offered":[1,2]},"task":1,"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"task.started","unit":"a"}"#
        ),
        .init(
            .taskClaudeInvoke(.init(provider: "claude", attempt: 1, logFile: "/r/logs/a/001-task1-attempt1.log")),
            unit: "a",
            task: 1,
            #"{"payload":{"attempt":1,"log_file":"/r/logs/a/001-task1-attempt1.log","provider":"claude"},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"task.claude.invoke","unit":"a"}"#
        ),
        .init(
            .taskAgentStarted(.init(pid: 4242)),
            unit: "a",
            task: 1,
            #"{"payload":{"pid":4242},"task":1,"time":"2027-01-15T08:00:00.000Z","type":"task.agent.started","#
                + #""unit":"a"}"#
        ),
        .init(
            .taskClaudeDone(.init(exit: "exited 1", logFile: "/r/logs/a/001-task1-attempt1.log")),
            unit: "a",
            task: 1,
            error: "agent exited 1",
            #"{"error":"agent exited 1","payload":{"exit":"exited 1","log_file":"/r/logs/a/001-task1-attempt1.log"},"#
                + #""task":1,"time":"2027-01-15T08:00:00.000Z","type":"task.claude.done","unit":"a"}"#
        ),
        .init(
            .taskBackpressure(.init(command: "make test")),
            unit: "a",
            task: 1,
            #"{"payload":{"command":"make test"},"task":1,"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"task.backpressure","unit":"a"}"#
        ),
        .init(
            .taskValidationOK(.init(command: "make test")),
            unit: "a",
            task: 1,
            #"{"payload":{"command":"make test"},"task":1,"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"task.validation.ok","unit":"a"}"#
        ),
        .init(
            .taskValidationFail(.init(command: "make test", output: "FAIL: 1 test\n")),
            unit: "a",
            task: 1,
            error: "The check `make test` for task #1 exited 2.",
            #"{"error":"The check `make test` for task #1 exited 2.","#
                + #""payload":{"command":"make test","output":"FAIL: 1 test\n"},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"task.validation.fail","unit":"a"}"#
        ),
        .init(
            .taskRetry(.init(attempt: 2)),
            unit: "a",
            task: 1,
            error: "The check `make test` for task #1 exited 2.",
            #"{"error":"The check `make test` for task #1 exited 2.","payload":{"attempt":2},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"task.retry","unit":"a"}"#
        ),
        .init(
            .taskCompleted,
            unit: "a",
            task: 1,
            #"{"task":1,"time":"2027-01-15T08:00:00.000Z","type":"task.completed","unit":"a"}"#
        ),
        .init(
            .taskCommitted(.init(commit: "0123abcd")),
            unit: "a",
            task: 1,
            #"{"payload":{"commit":"0123abcd"},"task":1,"time":"2027-01-15T08:00:00.000Z","type":"task.committed","#
                + #""unit":"a"}"#
        ),
        .init(
            .taskFailed,
            unit: "a",
            task: 1,
            error: "the check failed",
            #"{"error":"the check failed","task":1,"time":"2027-01-15T08:00:00.000Z","type":"task.failed","unit":"a"}"#
        ),
        .init(
            .unitBaseline(.init(name: "lint", result: .failed, stage: .unit)),
            unit: "a",
            error: "exited 1",
            #"{"error":"exited 1","payload":{"name":"lint","result":"failed","stage":"unit"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.baseline","unit":"a"}"#
        ),
        .init(
            .unitBaseline(.init(name: "lint", result: .passed, stage: .pullRequest)),
            unit: "a",
            #"{"payload":{"name":"lint","result":"passed","stage":"pull request"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.baseline","unit":"a"}"#
        ),
        .init(
            .prCreated(.init(number: 7, url: "https://github.com/o/r/pull/7", adopted: false)),
            unit: "a",
            #"{"payload":{"adopted":false,"number":7,"url":"https://github.com/o/r/pull/7"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"pr.created","unit":"a"}"#
        ),
        .init(
            .prReviewPending(.init(number: 7, url: "https://github.com/o/r/pull/7")),
            unit: "a",
            #"{"payload":{"number":7,"url":"https://github.com/o/r/pull/7"},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"pr.review.pending","unit":"a"}"#
        ),
        .init(
            .prReviewInProgress(.init(number: 7)),
            unit: "a",
            #"{"payload":{"number":7},"time":"2027-01-15T08:00:00.000Z","type":"pr.review.in_progress","unit":"a"}"#
        ),
        .init(
            .prReviewApproved(.init(number: 7, by: "ana")),
            unit: "a",
            #"{"payload":{"by":"ana","number":7},"time":"2027-01-15T08:00:00.000Z","type":"pr.review.approved","#
                + #""unit":"a"}"#
        ),
        .init(
            .prFeedbackReceived(.init(number: 7, comments: 2, round: 1)),
            unit: "a",
            #"{"payload":{"comments":2,"number":7,"round":1},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"pr.feedback.received","unit":"a"}"#
        ),
        .init(
            .prFeedbackAddressed(.init(number: 7, commit: "0123abcd", answered: 2)),
            unit: "a",
            #"{"payload":{"answered":2,"commit":"0123abcd","number":7},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"pr.feedback.addressed","unit":"a"}"#
        ),
        .init(
            .prChecks(.init(number: 7, head: "0123abcd", result: .failed, round: 1)),
            unit: "a",
            error: "build: failure",
            #"{"error":"build: failure","payload":{"head":"0123abcd","number":7,"result":"failed","round":1},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"pr.checks","unit":"a"}"#
        ),
        .init(
            .prChecks(.init(number: 7, head: "0123abcd", result: .passed, checks: 3)),
            unit: "a",
            #"{"payload":{"checks":3,"head":"0123abcd","number":7,"result":"passed"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"pr.checks","unit":"a"}"#
        ),
        .init(
            .prChecks(.init(number: 7, head: "0123abcd", result: .pending, pending: ["build"])),
            unit: "a",
            #"{"payload":{"head":"0123abcd","number":7,"pending":["build"],"result":"pending"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"pr.checks","unit":"a"}"#
        ),
        .init(
            .prMergeQueued(.init(number: 7)),
            unit: "a",
            #"{"payload":{"number":7},"time":"2027-01-15T08:00:00.000Z","type":"pr.merge.queued","unit":"a"}"#
        ),
        .init(
            .prConflict(.init(number: 7, base: "0123abcd")),
            unit: "a",
            #"{"payload":{"base":"0123abcd","number":7},"time":"2027-01-15T08:00:00.000Z","type":"pr.conflict","#
                + #""unit":"a"}"#
        ),
        .init(
            .prMerged(.init(number: 7, commit: "0123abcd")),
            unit: "a",
            #"{"payload":{"commit":"0123abcd","number":7},"time":"2027-01-15T08:00:00.000Z","type":"pr.merged","#
                + #""unit":"a"}"#
        ),
        .init(
            .githubWaiting(.init(reason: "rate limited", seconds: 1.5)),
            #"{"payload":{"reason":"rate limited","seconds":1.5},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"github.waiting"}"#
        ),
        .init(
            .prFailed(.init(number: 7)),
            unit: "a",
            error: "closed without merging",
            #"{"error":"closed without merging","payload":{"number":7},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"pr.failed","unit":"a"}"#
        ),
        .init(
            .unitBranchRestored(
                .init(
                    to: "0123abcd",
                    branch: "ralph/a",
                    from: "4567cdef",
                    saved: "refs/choo/saved/a/1",
                    aborted: ["rebase"]
                )
            ),
            unit: "a",
            task: 1,
            error: "HEAD was moved off ralph/a",
            #"{"error":"HEAD was moved off ralph/a","payload":{"aborted":["rebase"],"branch":"ralph/a","#
                + #""from":"4567cdef","saved":"refs/choo/saved/a/1","to":"0123abcd"},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.branch.restored","unit":"a"}"#
        ),
        .init(
            .unitSpecRestored(
                .init(files: ["specs/tasks/a/01-task-1.md"], changes: [.modified], setAside: ["/r/.set-aside/a"])
            ),
            unit: "a",
            task: 1,
            error: "the agent changed spec files; choo put them back",
            #"{"error":"the agent changed spec files; choo put them back","payload":{"changes":["modified"],"#
                + #""files":["specs/tasks/a/01-task-1.md"],"set_aside":["/r/.set-aside/a"]},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.spec.restored","unit":"a"}"#
        ),
        .init(
            .unitSpecRestored(.init(files: ["specs/tasks/a/01-task-1.md"], stage: .conflict)),
            unit: "a",
            #"{"payload":{"files":["specs/tasks/a/01-task-1.md"],"stage":"conflict"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.spec.restored","unit":"a"}"#
        ),
        .init(
            .unitSetupExcluded(.init(paths: ["deps/", "setup.log"], count: 2)),
            unit: "a",
            #"{"payload":{"count":2,"paths":["deps/","setup.log"]},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"unit.setup.excluded","unit":"a"}"#
        ),
        .init(
            .unitAsideStranded(.init(files: ["stamp"], folder: "/r/.ralph/worktrees/.aside/a")),
            unit: "a",
            error: "untracked files moved aside for a check could not go back",
            #"{"error":"untracked files moved aside for a check could not go back","#
                + #""payload":{"files":["stamp"],"folder":"/r/.ralph/worktrees/.aside/a"},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"unit.aside.stranded","unit":"a"}"#
        ),
        .init(
            .taskConflictMarkers(.init(found: ["a.txt:3"])),
            unit: "a",
            task: 1,
            error: "conflict markers left in a.txt",
            #"{"error":"conflict markers left in a.txt","payload":{"found":["a.txt:3"]},"task":1,"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"task.conflict.markers","unit":"a"}"#
        ),
        .init(
            .orchCheckoutChanged(
                .init(
                    checkout: "/r",
                    paths: ["a.txt", "b.txt", "c.txt"],
                    appeared: ["a.txt"],
                    changed: ["b.txt"],
                    removed: ["c.txt"]
                )
            ),
            error: "files in your checkout changed during this run",
            #"{"error":"files in your checkout changed during this run","payload":{"appeared":["a.txt"],"#
                + #""changed":["b.txt"],"checkout":"/r","paths":["a.txt","b.txt","c.txt"],"removed":["c.txt"]},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"orch.checkout.changed"}"#
        ),
        .init(
            .processLeftoversStopped(
                .init(
                    command: "/bin/sh",
                    workingDirectory: "/r/.ralph/worktrees/a",
                    processGroup: 100,
                    processes: [.init(pid: 101, commandLine: "sleep 600")]
                )
            ),
            unit: "a",
            error: "stopped 1 process(es) that /bin/sh left running: sleep 600",
            #"{"error":"stopped 1 process(es) that /bin/sh left running: sleep 600","payload":{"command":"/bin/sh","#
                + #""process_group":100,"processes":[{"command_line":"sleep 600","pid":101}],"#
                + #""working_directory":"/r/.ralph/worktrees/a"},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"process.leftovers.stopped","unit":"a"}"#
        ),
        .init(
            .githubRequirements(
                .init(
                    branch: "main",
                    protected: true,
                    requiredChecks: ["build"],
                    upToDate: true,
                    requiredApprovals: 1,
                    allowedMethods: ["squash"],
                    unreadable: ["rulesets (404: Not Found)"]
                )
            ),
            #"{"payload":{"allowed_methods":["squash"],"branch":"main","linear_history":false,"merge_queue":false,"#
                + #""protected":true,"required_approvals":1,"required_checks":["build"],"signatures":false,"#
                + #""unreadable":["rulesets (404: Not Found)"],"up_to_date":true},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"github.requirements"}"#
        ),
        .init(
            .githubRequirements(.init(branch: "main", requiredApprovals: nil)),
            #"{"payload":{"branch":"main","linear_history":false,"merge_queue":false,"required_checks":[],"#
                + #""signatures":false,"unreadable":[],"up_to_date":false},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"github.requirements"}"#
        ),
        .init(
            .prMergeRefused(
                .init(
                    number: 7,
                    status: 405,
                    message: "Merge commits are not allowed on this repository.",
                    permanent: true
                )
            ),
            unit: "a",
            #"{"payload":{"message":"Merge commits are not allowed on this repository.","number":7,"permanent":true,"#
                + #""status":405},"time":"2027-01-15T08:00:00.000Z","type":"pr.merge.refused","unit":"a"}"#
        ),
        .init(
            .prMergeRefused(
                .init(number: 7, status: 409, message: "Head branch was modified.", permanent: false, retryInSeconds: 2)
            ),
            unit: "a",
            #"{"payload":{"message":"Head branch was modified.","number":7,"permanent":false,"retry_in_seconds":2,"#
                + #""status":409},"time":"2027-01-15T08:00:00.000Z","type":"pr.merge.refused","unit":"a"}"#
        ),
        .init(
            .githubWarning(.init(message: "no CI reported; github.ci is none", number: 7)),
            unit: "a",
            #"{"payload":{"message":"no CI reported; github.ci is none","number":7},"#
                + #""time":"2027-01-15T08:00:00.000Z","type":"github.warning","unit":"a"}"#
        ),
        .init(
            .unknown(type: "unit.teleported", fields: ["to": "mars", "hops": 2]),
            unit: "a",
            #"{"payload":{"hops":2,"to":"mars"},"time":"2027-01-15T08:00:00.000Z","type":"unit.teleported","unit":"a"}"#
        ),
    ]
}

struct EventPayloadTests {
    @Test("every event encodes to its pinned JSON line", arguments: PinnedEvent.all)
    func pinnedLine(_ pinned: PinnedEvent) {
        #expect(pinned.event.jsonLine == pinned.line)
    }

    @Test("every pinned line decodes to the event it came from", arguments: PinnedEvent.all)
    func roundTrip(_ pinned: PinnedEvent) throws {
        let decoded = try JSONDecoder().decode(Event.self, from: Data(pinned.line.utf8))
        #expect(decoded == pinned.event)
        #expect(
            decoded.payload.json.map { pinned.line.contains(#""payload":"# + $0) } ?? !pinned.line.contains("payload")
        )
    }

    @Test("every event type has a pinned sample, and only the unknown one reads as unknown")
    func everyTypeIsPinned() {
        let pinned = Set(PinnedEvent.all.compactMap(\.event.type))
        #expect(pinned == Set(EventType.allCases), "no sample for \(Set(EventType.allCases).subtracting(pinned))")
        for sample in PinnedEvent.all {
            let unknown = if case .unknown = sample.event.payload { true } else { false }
            #expect(unknown == (sample.event.type == nil), "\(sample.event.typeName)")
        }
    }

    @Test("every field of every kind of details is filled in by some sample, so each is pinned and redacted")
    func everyFieldIsFilled() {
        var seen: Set<String> = []
        var filled: Set<String> = []
        for sample in PinnedEvent.all {
            guard let details = Mirror(reflecting: sample.event.payload).children.first?.value else { continue }
            let name = String(describing: type(of: details))
            for child in Mirror(reflecting: details).children {
                let field = name + "." + (child.label ?? "?")
                seen.insert(field)
                let value = Mirror(reflecting: child.value)
                let empty = value.displayStyle == .optional || value.displayStyle == .collection
                if !empty || !value.children.isEmpty { filled.insert(field) }
            }
        }
        #expect(seen.subtracting(filled).isEmpty, "never filled in: \(seen.subtracting(filled).sorted())")
    }

    @Test("a known type whose details this version cannot read keeps them as they are")
    func unreadableDetails() throws {
        for line in [
            #"{"payload":{"level":"first"},"time":"2027-01-15T08:00:00.000Z","type":"unit.queued","unit":"a"}"#,
            #"{"payload":{"why":"moved"},"time":"2027-01-15T08:00:00.000Z","type":"unit.started","unit":"a"}"#,
            #"{"payload":{"name":"lint","result":"skipped","stage":"unit"},"time":"2027-01-15T08:00:00.000Z","#
                + #""type":"unit.baseline","unit":"a"}"#,
        ] {
            let event = try JSONDecoder().decode(Event.self, from: Data(line.utf8))
            guard case .unknown(let type, _) = event.payload else {
                Issue.record("read as \(event.payload)")
                continue
            }
            #expect(event.type.map { $0.rawValue == type } == true)
            #expect(event.jsonLine == line)
        }
    }

    @Test("a secret in any string of any event's details, or in its error, never reaches a sink")
    func redactionCoversEveryString() async {
        let secret = "ghp_secret"
        var tested = 0
        for sample in PinnedEvent.all {
            let fields = sample.event.payload.fields
            for variant in Self.eachString(of: .object(fields), replacedWith: "before \(secret) after") {
                guard case .object(let leaked) = variant else { continue }
                let payload = Event.Payload(type: sample.event.typeName, fields: leaked)
                // A closed set of values (an enum) cannot hold a secret: such a variant does not read.
                if case .unknown = payload, sample.event.type != nil { continue }
                tested += 1
                var event = sample.event
                event.payload = payload
                event.error = sample.event.error.map { $0 + " " + secret }
                let recorder = EventRecorder()
                let bus = EventBus(sinks: [recorder])
                bus.redact { $0.replacingOccurrences(of: secret, with: "***") }
                bus.publish(event)
                await bus.flush()
                let received = recorder.all.first
                #expect(received?.jsonLine.contains(secret) == false, "\(sample.event.typeName): \(variant)")
                #expect(received?.jsonLine.contains("before *** after") == true)
                #expect(received?.payload.type == payload.type)
                if case .unknown = received?.payload, sample.event.type != nil {
                    Issue.record("\(sample.event.typeName): the redacted details no longer read")
                }
            }
        }
        #expect(tested >= 60)
    }

    /// `value` once per string in it, that string replaced by `text`.
    static func eachString(of value: JSONValue, replacedWith text: String) -> [JSONValue] {
        switch value {
        case .string: return [.string(text)]
        case .array(let items):
            return items.indices.flatMap { index in
                eachString(of: items[index], replacedWith: text).map { item in
                    var copy = items
                    copy[index] = item
                    return .array(copy)
                }
            }
        case .object(let fields):
            return fields.sorted { $0.key < $1.key }.flatMap { key, field in
                eachString(of: field, replacedWith: text).map { item in
                    var copy = fields
                    copy[key] = item
                    return .object(copy)
                }
            }
        case .int, .double, .bool, .null: return []
        }
    }
}
