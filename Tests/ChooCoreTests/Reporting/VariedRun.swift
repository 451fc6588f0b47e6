import Foundation

@testable import ChooCore

/// The events of a run whose units start in a shuffled order and interleave, with most of what a
/// unit's state can go through: two tasks with a failed check and a retry, agent usage reported
/// several times per turn (reported costs, table costs and unpriced tokens), a usage limit and its
/// end, failed and blocked units, and a stop that leaves units running.
enum VariedRun {
    /// The events, for `units` units (at least 6), in an order fixed by `seed`.
    static func events(units: Int, seed: UInt64) -> [Event] {
        var random = SplitMix(seed: seed)
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var clock = 0.0
        func at() -> Date {
            clock += 0.25
            return start.addingTimeInterval(clock)
        }
        let ids = (0 ..< units).map { "unit-\($0)" }.shuffled(using: &random)
        var lives = ids.enumerated().map { index, id in life(of: id, number: index, at: at) }
        var events = [Event(.orchStarted(.init(units: units, parallelism: 4, tasks: units * 2)), time: at())]
        // Not every unit is queued first: some first appear with a later event.
        for id in ids.prefix(units / 2) { events.append(Event(.unitQueued(.init(level: 0)), time: at(), unit: id)) }
        let until = Timestamp(start.addingTimeInterval(3600))
        var limitSent = false
        while lives.contains(where: { !$0.isEmpty }) {
            let index = Int.random(in: 0 ..< lives.count, using: &random)
            guard !lives[index].isEmpty else { continue }
            var event = lives[index].removeFirst()
            event.time = at()
            events.append(event)
            if !limitSent, events.count > units * 5 {
                limitSent = true
                let limit = Event.AgentLimit(provider: "claude", until: until, resetKnown: true)
                events.append(Event(.agentLimit(limit), time: at(), unit: ids[0]))
                events.append(Event(.agentLimit(limit), time: at(), unit: ids[1]))
                events.append(Event(.agentLimitOver(.init(provider: "claude")), time: at()))
            }
        }
        let finished = Event.RunFinished(
            total: units,
            complete: 0,
            failed: 0,
            blocked: 0,
            notStarted: 0,
            durationSeconds: clock,
            interrupted: true
        )
        events.append(Event(.orchInterrupted(.init(running: [])), time: at()))
        events.append(Event(.orchFailed(finished), time: at()))
        return events
    }

    /// Unit `id`'s events; the unit's `number` says how far it gets.
    private static func life(of id: String, number: Int, at: () -> Date) -> [Event] {
        let time = at()
        if number % 6 == 5 { return [Event(.unitBlocked(.init(blockedBy: ["unit-0"])), time: time, unit: id)] }
        var events = [
            Event(.unitStarted, time: time, unit: id),
            Event(.unitWorktree(.init(path: "/w/\(id)", branch: "choo/\(id)")), time: time, unit: id),
        ]
        for task in 1 ... 2 {
            let log = "/logs/\(id)/00\(task)-task\(task)-attempt1.log"
            func usage(_ tokens: Int, final: Bool) -> Event {
                let cost: Double? = number % 4 == 3 ? nil : Double(tokens) * 0.000_003_7
                let source = number % 4 == 2 ? Spend.CostSource.table.rawValue : Spend.CostSource.reported.rawValue
                let details = Event.AgentUsage(
                    usage: TokenUsage(input: tokens, output: tokens / 3, cacheRead: tokens * 2),
                    costUSD: cost,
                    costSource: source,
                    final: final
                )
                return Event(.agentUsage(details), time: time, unit: id, task: task)
            }
            events += [
                Event(.taskStarted(.init(attempt: 1, offered: [task])), time: time, unit: id, task: task),
                Event(
                    .taskClaudeInvoke(.init(provider: "claude", attempt: 1, logFile: log)),
                    time: time,
                    unit: id,
                    task: task
                ),
                Event(.taskAgentStarted(.init(pid: 100 + number)), time: time, unit: id, task: task),
                Event(.agentTool(.init(tool: "Edit", target: "a.swift")), time: time, unit: id, task: task),
                usage(1000 + number, final: false),
                usage(2000 + number * 7, final: true),
                Event(.taskClaudeDone(.init(exit: "exited 0", logFile: log)), time: time, unit: id, task: task),
                Event(.taskBackpressure(.init(command: "make check")), time: time, unit: id, task: task),
            ]
            if task == 1, number % 3 == 1 {
                events.append(
                    Event(
                        .taskValidationFail(.init(command: "make check", output: "no")),
                        time: time,
                        unit: id,
                        task: 1
                    )
                )
                events.append(
                    Event(.taskRetry(.init(attempt: 2)), time: time, unit: id, task: 1, error: "check failed")
                )
            }
            events += [
                Event(.taskValidationOK(.init(command: "make check")), time: time, unit: id, task: task),
                Event(.taskCompleted, time: time, unit: id, task: task),
                Event(.taskCommitted(.init(commit: "c\(number)\(task)")), time: time, unit: id, task: task),
            ]
            if number % 6 == 4 {
                events.append(Event(.unitFailed, time: time, unit: id, error: "task #\(task): crashed"))
                return events
            }
        }
        // Some units are still at work when the run stops.
        if number % 6 == 3 { return events }
        return events + [
            Event(.unitMergeQueued, time: time, unit: id),
            Event(.unitMergeStarted, time: time, unit: id),
            Event(.unitMerged(.init(commit: "m\(number)", target: "main", branch: "choo/\(id)")), time: time, unit: id),
            Event(.unitCompleted, time: time, unit: id),
        ]
    }

    /// What a state's counts are, counted over its units: the test's own recomputation.
    static func recount(_ state: RunState) -> RunState.Totals {
        var totals = RunState.Totals()
        for unit in state.units {
            totals.units += 1
            switch unit.state {
            case .queued: totals.notStarted += 1
            case .running, .interrupted: totals.unfinished += 1
            case .complete: totals.complete += 1
            case .failed: totals.failed += 1
            case .blocked: totals.blocked += 1
            }
            totals.committedTasks += unit.committedTasks.count
        }
        return totals
    }

    /// What a state's agents spent, summed over its units.
    static func respend(_ state: RunState) -> Spend { state.units.reduce(Spend()) { $0 + $1.spend } }
}

/// A seeded generator, so a failing order can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
