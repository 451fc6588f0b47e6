import Foundation
import Testing

@testable import ChooCore

struct RunStateTests {
    let start = Date(timeIntervalSince1970: 1_000)

    func progress() -> RunState {
        var progress = RunState()
        progress.apply(
            Event(
                .orchStarted(.init(units: 4, parallelism: 2, tasks: 4, logFolder: "/repo/.ralph/worktrees/logs")),
                time: start
            )
        )
        for unit in ["a", "b", "c", "d"] {
            progress.apply(Event(.unitQueued(.init(level: 0)), time: start, unit: unit))
        }
        progress.apply(Event(.unitStarted, time: start, unit: "a"))
        progress.apply(
            Event(.taskStarted(.init(attempt: 2, offered: [2])), time: start.addingTimeInterval(60), unit: "a", task: 2)
        )
        progress.apply(
            Event(
                .taskClaudeInvoke(
                    .init(
                        provider: "claude",
                        attempt: 2,
                        logFile: "/repo/.ralph/worktrees/logs/a/002-task2-attempt2.log"
                    )
                ),
                time: start,
                unit: "a",
                task: 2
            )
        )
        progress.apply(Event(.unitStarted, time: start, unit: "b"))
        progress.apply(Event(.unitFailed, time: start, unit: "b", error: "task #1: crashed"))
        progress.apply(Event(.unitBlocked(.init(blockedBy: ["b"])), time: start, unit: "c", error: "blocked by b"))
        return progress
    }

    @Test("events drive each unit's state, task, attempt and log file")
    func applies() throws {
        let view = progress()
        #expect(view.count(.running) == 1)
        #expect(view.count(.failed) == 1)
        #expect(view.count(.blocked) == 1)
        #expect(view.count(.queued) == 1)
        let a = try #require(view.units.first { $0.id == "a" })
        #expect(a.task == 2)
        #expect(a.attempt == 2)
        #expect(a.logFile == "/repo/.ralph/worktrees/logs/a/002-task2-attempt2.log")
        #expect(view.units.first { $0.id == "b" }?.error == "task #1: crashed")
    }

    @Test("the live block shows counts, elapsed time and each running unit")
    func liveLines() {
        let lines = progress().liveLines(now: start.addingTimeInterval(75), style: .plain, relativeTo: "/repo")
        #expect(lines.count == 2)
        #expect(lines[0] == "choo  1 running · 0 done · 1 failed · 1 blocked · 1 queued   01:15")
        #expect(
            lines[1]
                == "  ▶ a         task #2 attempt 2 (00:15) · unit 01:15  .ralph/worktrees/logs/a/002-task2-attempt2.log"
        )
    }

    @Test("agents: the running tool and tokens so far per unit, the run's spend, a countdown while a limit pauses")
    func liveAgentActivity() throws {
        var view = progress()
        view.apply(Event(.agentTool(.init(tool: "Bash", target: "swift test\nmore")), time: start, unit: "a", task: 2))
        view.apply(
            Event(
                .agentUsage(.init(usage: TokenUsage(input: 1000, output: 200), final: false)),
                time: start,
                unit: "a",
                task: 2
            )
        )
        var lines = view.liveLines(now: start.addingTimeInterval(75), style: .plain, relativeTo: "/repo")
        #expect(lines[0].hasSuffix("01:15   1.2k tokens, cost unknown"))
        #expect(
            lines[1].contains("task #2 attempt 2 (00:15) · Bash swift test · 1.2k tokens, cost unknown · unit 01:15")
        )
        // The turn ends with its final figures: they replace the running ones.
        view.apply(
            Event(
                .taskClaudeDone(
                    .init(exit: "exited 0", logFile: "/repo/.ralph/worktrees/logs/a/002-task2-attempt2.log")
                ),
                time: start,
                unit: "a",
                task: 2
            )
        )
        view.apply(
            Event(
                .agentUsage(
                    .init(
                        usage: TokenUsage(input: 2000, output: 500),
                        costUSD: 0.5,
                        costSource: "reported",
                        final: true
                    )
                ),
                time: start,
                unit: "a",
                task: 2
            )
        )
        #expect(view.spend.tokens == TokenUsage(input: 2000, output: 500))
        #expect(view.unit("a")?.spend(task: 2).costUSD == 0.5)
        #expect(view.unit("a")?.agentActivity == nil, "no turn runs")
        // A usage limit: a banner with the countdown, and the unit says it waits.
        let until = start.addingTimeInterval(75 + 3600)
        view.apply(
            Event(
                .agentLimit(.init(provider: "claude", until: Timestamp(until), resetKnown: true)),
                time: start,
                unit: "a",
                task: 2
            )
        )
        lines = view.liveLines(now: start.addingTimeInterval(75), style: .plain)
        #expect(lines[1].hasPrefix("  ⏸ claude usage limit: its units wait; resets at "))
        #expect(lines[1].hasSuffix("(in 1:00:00)"))
        #expect(lines[2].contains("task #2 waits for claude's usage limit (1:00:00 left)"))
        view.apply(Event(.agentLimitOver(.init(provider: "claude")), time: start))
        #expect(view.pauses.isEmpty)
        #expect(view.unit("a")?.activity == nil)
    }

    @Test("a unit between tasks shows its step and its own time; a running check is named")
    func liveLinesBetweenTasks() {
        var view = progress()
        view.apply(
            Event(.taskBackpressure(.init(command: "make")), time: start.addingTimeInterval(70), unit: "a", task: 2)
        )
        let checking = view.liveLines(now: start.addingTimeInterval(75), style: .plain)[1]
        #expect(checking.hasPrefix("  ▶ a         task #2 attempt 2 (00:15) checking · unit 01:15  "))
        view.apply(Event(.unitMergeStarted, time: start.addingTimeInterval(80), unit: "a"))
        let landing = view.liveLines(now: start.addingTimeInterval(90), style: .plain)[1]
        #expect(landing.hasPrefix("  ▶ a         landing · unit 01:30  "))
    }

    @Test("notable events get one line; chatter gets none")
    func eventLines() {
        let failed = EventLine.text(for: Event(.unitFailed, time: start, unit: "b", error: "task #1: crashed"))
        #expect(failed == "00:16:40 b failed: task #1: crashed")
        let committed = EventLine.text(
            for: Event(.taskCommitted(.init(commit: "0123456789abcdef")), time: start, unit: "a", task: 1)
        )
        #expect(committed == "00:16:40 a task #1: committed 01234567")
        #expect(EventLine.text(for: Event(.unitQueued(.init(level: 0)), time: start, unit: "a")) == nil)
        #expect(EventLine.text(for: Event(.taskValidationOK(.init(command: "make")), time: start, unit: "a")) == nil)
        let started = EventLine.text(
            for: Event(.orchStarted(.init(units: 3, parallelism: 2, tasks: 3, logFolder: "/r/logs")), time: start),
            relativeTo: "/r"
        )
        #expect(started == "00:16:40 run started: 3 units, parallelism 2; agent logs in logs")
    }

    @Test("pull request events get lines a person can follow")
    func pullRequestLines() {
        let opened = EventLine.text(
            for: Event(.prCreated(.init(number: 7, url: "https://x/7", adopted: false)), time: start, unit: "a")
        )
        #expect(opened == "00:16:40 a pull request #7 opened: https://x/7")
        let approved = EventLine.text(
            for: Event(.prReviewApproved(.init(number: 7, by: "ana")), time: start, unit: "a")
        )
        #expect(approved == "00:16:40 a #7 approved by ana")
        let failing = EventLine.text(
            for: Event(
                .prChecks(.init(number: 7, head: "abc", result: .failed, round: 1)),
                time: start,
                unit: "a",
                error: "build"
            )
        )
        #expect(failing == "00:16:40 a #7 CI failed: build")
        #expect(
            EventLine.text(
                for: Event(.prChecks(.init(number: 7, head: "abc", result: .passed, checks: 1)), time: start, unit: "a")
            ) == nil
        )
        var view = progress()
        view.apply(Event(.prReviewPending(.init(number: 7, url: "https://x/7")), time: start, unit: "a"))
        #expect(view.units.first { $0.id == "a" }?.phase == .review)
    }

    @Test("clock text", arguments: [(0.0, "00:00"), (59.9, "00:59"), (61, "01:01"), (3725, "1:02:05")])
    func clock(_ seconds: Double, _ text: String) {
        #expect(RunState.clock(seconds) == text)
    }

    // MARK: Phases, activities, failures

    /// Events of one unit `u`, at one time each, from its start.
    static func unit(_ payloads: [(Event.Payload, Int?, String?)]) -> [Event] {
        let start = Date(timeIntervalSince1970: 1_000)
        return [Event(.unitQueued(.init(level: 1)), time: start, unit: "u")]
            + payloads.enumerated().map { index, item in
                Event(item.0, time: start.addingTimeInterval(Double(index + 1)), unit: "u", task: item.1, error: item.2)
            }
    }

    static let started: [(Event.Payload, Int?, String?)] = [
        (.unitStarted, nil, nil),
        (.unitWorktree(.init(path: "/r/.ralph/worktrees/u", branch: "ralph/u", resumed: false)), nil, nil),
    ]
    static let onTask: [(Event.Payload, Int?, String?)] =
        started + [
            (.taskStarted(.init(attempt: 1, offered: [1])), 1, nil),
            (.taskClaudeInvoke(.init(provider: "fake", attempt: 1, logFile: "/l/u/001-task1-attempt1.log")), 1, nil),
        ]
    static let checking = onTask + [(.taskBackpressure(.init(command: "make")), 1, nil)]
    static let inBaseline =
        onTask + [
            (.taskCompleted, 1, nil), (.taskCommitted(.init(commit: "c1")), 1, nil),
            (.unitBaseline(.init(name: "lint", result: .failed, stage: .unit)), nil, "exited 1"),
        ]
    static let fixingBaseline =
        inBaseline + [
            (
                .taskClaudeInvoke(.init(provider: "fake", attempt: 1, logFile: "/l/u/002-baseline-attempt1.log")), nil,
                nil
            )
        ]
    static let waiting = inBaseline + [(.unitMergeQueued, nil, nil)]
    static let landing = waiting + [(.unitMergeStarted, nil, nil)]
    static let inConflict = landing + [(.unitMergeConflict(.init(files: ["a.txt"], attempt: 1)), nil, nil)]
    static let inReview =
        inBaseline + [
            (.prCreated(.init(number: 7, url: "https://x/7", adopted: false)), nil, nil),
            (.prReviewPending(.init(number: 7, url: "https://x/7")), nil, nil),
        ]
    static let inCI =
        inReview + [(.prChecks(.init(number: 7, head: "h", result: .pending, pending: ["build"])), nil, nil)]
    static let landed =
        landing + [
            (.unitMerged(.init(commit: "m", target: "main", branch: "ralph/u")), nil, nil), (.unitCompleted, nil, nil),
        ]

    @Test(
        "each step of a unit's lifecycle is its phase, with what it is doing",
        arguments: [
            ("queued", [], RunState.UnitState.Phase.queued, nil),
            ("started", started, .preparing, .settingUp),
            ("a task turn", onTask, .task(1), .agent),
            ("a task's check", checking, .task(1), .checking(command: "make")),
            ("baseline checks", inBaseline, .baseline, nil),
            ("a baseline fix turn", fixingBaseline, .baseline, .agent),
            ("waiting for the merge slot", waiting, .awaitingMerge, .waitingToLand),
            ("landing", landing, .landing, nil),
            ("a conflict while landing", inConflict, .landing, nil),
            ("waiting for review", inReview, .review, .waitingForReview),
            ("waiting for CI", inCI, .ci, .waitingForCI),
            ("landed", landed, .complete, nil),
        ] as [(String, [(Event.Payload, Int?, String?)], RunState.UnitState.Phase, RunState.UnitState.Activity?)]
    )
    func phases(
        _ step: String,
        _ payloads: [(Event.Payload, Int?, String?)],
        _ phase: RunState.UnitState.Phase,
        _ activity: RunState.UnitState.Activity?
    ) throws {
        let unit = try #require(RunState(events: Self.unit(payloads)).unit("u"))
        #expect(unit.phase == phase, "\(step)")
        #expect(unit.activity == activity, "\(step)")
        #expect(unit.state == phase.state)
    }

    @Test(
        "a failure keeps its reason and the phase it happened in",
        arguments: [
            ([(.unitStarted, nil, nil)], RunState.UnitState.Phase.preparing),
            (onTask, .task(1)),
            (fixingBaseline, .baseline),
            (inConflict, .landing),
            (inReview, .review),
            (inCI, .ci),
        ] as [([(Event.Payload, Int?, String?)], RunState.UnitState.Phase)]
    )
    func failurePhase(_ payloads: [(Event.Payload, Int?, String?)], _ phase: RunState.UnitState.Phase) throws {
        let state = RunState(events: Self.unit(payloads + [(.unitFailed, nil, "it broke")]))
        let unit = try #require(state.unit("u"))
        #expect(unit.phase == .failed)
        #expect(unit.failure == .init(reason: "it broke", phase: phase))
        #expect(unit.error == "it broke")
        #expect(state.failureReasons == ["u": "it broke"])
        #expect(unit.tasks.allSatisfy { !$0.isUnderway }, "a task under way failed with its unit")
    }

    @Test("a unit stopped mid-phase remembers where; a run that ends stops every unit still at work")
    func stopped() throws {
        var state = RunState(events: Self.unit(Self.checking + [(.unitInterrupted, nil, nil)]))
        var unit = try #require(state.unit("u"))
        #expect(unit.phase == .interrupted && unit.stoppedIn == .task(1))
        #expect(unit.task(1)?.status == .interrupted)
        #expect(unit.turns.last?.endedAt != nil, "the stopped turn has ended")

        // Waiting for the merge slot when the run ended: it started and did not finish.
        state = RunState(events: Self.unit(Self.waiting))
        state.apply(Self.finished(interrupted: true))
        unit = try #require(state.unit("u"))
        #expect(unit.phase == .interrupted && unit.stoppedIn == .awaitingMerge)
        #expect(state.outcome == .interrupted && state.stopRequested)
        #expect(state.totals.unfinished == 1 && state.totals.notStarted == 0)
    }

    static func finished(interrupted: Bool = false, complete: Bool = false) -> Event {
        let counts = Event.RunFinished(
            total: 1,
            complete: complete ? 1 : 0,
            failed: 0,
            blocked: 0,
            notStarted: 0,
            durationSeconds: 1,
            interrupted: interrupted
        )
        return Event(complete ? .orchCompleted(counts) : .orchFailed(counts), time: Date(timeIntervalSince1970: 2_000))
    }

    // MARK: Tasks, turns, checks

    @Test("tasks keep their status, attempts, duration and the commit that completed them")
    func tasks() throws {
        let log = "/l/u/001-task1-attempt1.log"
        let state = RunState(
            events: Self.unit(
                Self.started + [
                    (.taskStarted(.init(attempt: 1, offered: [1])), 1, nil),
                    (.taskClaudeInvoke(.init(provider: "fake", attempt: 1, logFile: log)), 1, nil),
                    (.taskAgentStarted(.init(pid: 42)), 1, nil),
                    (.taskClaudeDone(.init(exit: "exited 0", logFile: log)), 1, nil),
                    (.taskBackpressure(.init(command: "make")), 1, nil),
                    (.taskValidationFail(.init(command: "make", output: "no")), 1, "make exited 2"),
                    (.taskRetry(.init(attempt: 2)), 1, "make exited 2"),
                    (.taskStarted(.init(attempt: 2, offered: [1, 2])), 1, nil),
                    (.taskBackpressure(.init(command: "make")), 1, nil),
                    (.taskValidationOK(.init(command: "make")), 1, nil),
                    // One turn completed two tasks: one commit holds both.
                    (.taskCompleted, 1, nil),
                    (.taskCompleted, 2, nil),
                    (.taskCommitted(.init(commit: "c12")), 1, nil),
                    (.taskStarted(.init(attempt: 1, offered: [3])), 3, nil),
                    (.taskFailed, 3, "gave up"),
                ]
            )
        )
        let unit = try #require(state.unit("u"))
        let first = try #require(unit.task(1))
        #expect(first.status == .committed && first.commit == "c12" && first.attempts == 2)
        // Started at second 3 (task.started), completed at second 13.
        #expect(first.duration == 10)
        #expect(first.error == "make exited 2", "the last failure is kept")
        #expect(unit.task(2)?.status == .committed && unit.task(2)?.commit == "c12")
        #expect(unit.task(2)?.attempts == 1)
        #expect(unit.task(3)?.status == .failed && unit.task(3)?.error == "gave up")
        #expect(unit.committedTasks == [1, 2])
        #expect(state.totals.committedTasks == 2)
        let turn = try #require(unit.turns.first)
        #expect(turn.kind == .task && turn.task == 1 && turn.pid == 42 && turn.exit == "exited 0")
        #expect(turn.endedAt == Date(timeIntervalSince1970: 1_006))
        #expect(unit.checks.map(\.passed) == [false, true])
        #expect(unit.checks.first?.kind == .task(1, command: "make"))
    }

    @Test(
        "an agent turn's kind is what its log's name says, else the phase's",
        arguments: [
            ("005-baseline-attempt1.log", AgentTurn.baseline),
            ("006-conflict-attempt2.log", .conflict),
            ("007-review-attempt1.log", .review),
            ("008-ci-attempt1.log", .ci),
            ("003-task2-attempt1.log", .task),
            ("agent.log", .baseline),
        ]
    )
    func turnKinds(_ name: String, _ kind: AgentTurn) throws {
        let state = RunState(
            events: Self.unit(
                Self.inBaseline + [
                    (.taskClaudeInvoke(.init(provider: "fake", attempt: 1, logFile: "/l/" + name)), nil, nil)
                ]
            )
        )
        #expect(state.unit("u")?.turns.last?.kind == kind)
    }

    @Test("a commit with nothing in it completes its tasks without a commit; the next commit does not take them")
    func emptyCommit() throws {
        let state = RunState(
            events: Self.unit(
                Self.started + [
                    (.taskCompleted, 1, nil), (.taskCommitted(.init(commit: "")), 1, nil),
                    (.taskCompleted, 2, nil), (.taskCommitted(.init(commit: "c2")), 2, nil),
                ]
            )
        )
        let unit = try #require(state.unit("u"))
        #expect(unit.task(1)?.status == .committed && unit.task(1)?.commit == nil)
        #expect(unit.task(2)?.commit == "c2")
        #expect(unit.committedTasks == [2])
    }

    // MARK: Pull requests

    @Test("the pull request's review and CI follow its events")
    func pullRequest() throws {
        var state = RunState(events: Self.unit(Self.inReview))
        func pullRequest() throws -> RunState.PullRequestState { try #require(state.unit("u")?.pullRequest) }
        #expect(try pullRequest().review == .pending && pullRequest().url == "https://x/7")
        func apply(_ payload: Event.Payload, error: String? = nil) {
            state.apply(Event(payload, time: Date(timeIntervalSince1970: 1_100), unit: "u", error: error))
        }
        apply(.prReviewInProgress(.init(number: 7)))
        #expect(try pullRequest().review == .inProgress)
        apply(.prFeedbackReceived(.init(number: 7, comments: 2, round: 1)))
        #expect(try pullRequest().review == .feedback(comments: 2) && pullRequest().feedbackRounds == 1)
        apply(.prFeedbackAddressed(.init(number: 7, commit: "fix1", answered: 2)))
        #expect(try pullRequest().fixes == ["fix1"] && pullRequest().review == .pending)
        apply(.prReviewApproved(.init(number: 7, by: "ana")))
        #expect(try pullRequest().review == .approved(by: "ana"))
        apply(.prChecks(.init(number: 7, head: "h2", result: .failed, round: 1)), error: "build: red")
        #expect(try pullRequest().ci?.result == .failed && pullRequest().ci?.failures == "build: red")
        #expect(state.unit("u")?.phase == .ci)
        apply(.prChecks(.init(number: 7, head: "h3", result: .passed, checks: 3)))
        #expect(
            try pullRequest().ci
                == .init(result: .passed, head: "h3", round: nil, passed: 3, pending: [], failures: nil)
        )
        apply(.prMergeQueued(.init(number: 7)))
        apply(.unitMergeQueued)
        #expect(state.unit("u")?.phase == .awaitingMerge)
        apply(.unitMergeStarted)
        apply(.prChecks(.init(number: 7, head: "h3", result: .passed, checks: 3)))
        #expect(state.unit("u")?.phase == .landing, "CI looked at again before merging does not leave landing")
        apply(.prMerged(.init(number: 7, commit: "m7")))
        apply(.unitMerged(.init(commit: "m7", target: "main", branch: "ralph/u", pullRequest: 7)))
        apply(.unitCompleted)
        #expect(try pullRequest().mergedCommit == "m7")
        #expect(state.unit("u")?.landing == .init(commit: "m7", target: "main", branch: "ralph/u"))
        #expect(state.unit("u")?.phase == .complete)
    }

    // MARK: The run

    @Test(
        "the run's totals count every unit once",
        arguments: [
            ([RunState.UnitState.Phase.queued], RunState.Totals(units: 1, notStarted: 1)),
            ([.complete, .failed, .blocked], .init(units: 3, complete: 1, failed: 1, blocked: 1)),
            ([.task(1), .interrupted, .queued], .init(units: 3, notStarted: 1, unfinished: 2)),
        ] as [([RunState.UnitState.Phase], RunState.Totals)]
    )
    func totals(_ phases: [RunState.UnitState.Phase], _ totals: RunState.Totals) {
        var events: [Event] = []
        for (index, phase) in phases.enumerated() {
            let id = "u\(index)"
            events.append(Event(.unitQueued(.init(level: 0)), unit: id))
            switch phase {
            case .queued: break
            case .task(let number):
                events += [
                    Event(.unitStarted, unit: id),
                    Event(.taskStarted(.init(attempt: 1, offered: [])), unit: id, task: number),
                ]
            case .complete: events += [Event(.unitStarted, unit: id), Event(.unitCompleted, unit: id)]
            case .failed: events += [Event(.unitStarted, unit: id), Event(.unitFailed, unit: id, error: "x")]
            case .blocked: events.append(Event(.unitBlocked(.init(blockedBy: ["u1"])), unit: id))
            case .interrupted: events += [Event(.unitStarted, unit: id), Event(.unitInterrupted, unit: id)]
            default: Issue.record("no events for \(phase)")
            }
        }
        #expect(RunState(events: events).totals == totals)
    }

    @Test("the run's outcome is its last event's", arguments: [(false, false), (true, false), (false, true)])
    func outcome(_ interrupted: Bool, _ complete: Bool) {
        var state = RunState(events: Self.unit([]))
        #expect(state.outcome == nil && state.finishedAt == nil)
        state.apply(Self.finished(interrupted: interrupted, complete: complete))
        #expect(state.outcome == (complete ? .complete : interrupted ? .interrupted : .failed))
        #expect(state.finishedAt == Date(timeIntervalSince1970: 2_000))
        #expect(state.reported?.interrupted == interrupted)
    }

    @Test(
        "times are kept to the millisecond an event's line records",
        arguments: [1_764_149_400.0, 1_764_149_400.2504, 1_764_149_400.9999999, 1_764_149_400.000999, 0.0015]
    )
    func instants(_ seconds: Double) throws {
        let time = Date(timeIntervalSince1970: seconds)
        let state = RunState(events: [Event(.unitStarted, time: time, unit: "u")])
        let kept = try #require(state.unit("u")?.startedAt)
        #expect(RunState.text(instant: kept) == Event.format(time))
        #expect(RunState.instant(kept) == kept, "keeping it again changes nothing")
    }
}
