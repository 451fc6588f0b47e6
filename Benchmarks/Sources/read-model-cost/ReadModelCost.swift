import ChooCore
import Foundation

/// The per-event cost of the run's read model and of the sinks that keep it, by run size: the
/// events of a synthetic run of 40, 400 and 4,000 units (each unit's usual events: queued,
/// started, worktree; per task started, invoke, agent started, usage, done, backpressure,
/// validation ok, completed, committed; merge queued, started, merged; completed) applied to a
/// `RunState`, a `RunStateFeed` and a `JournalSink` over a temporary journal.
///
/// Each gets the run's start (`orch.started` and every unit queued; not timed), then the whole
/// lives of the first `--units` units (40 by default; timed): a window early in a run, when the
/// state holds every unit, with the same events whatever the run's size, so the time per event
/// shows what the number of units adds. The state's and the feed's figure is the median of
/// repetitions for about a second; the journal's is one pass.
///
/// Usage: `swift run -c release read-model-cost [sizes...] [--units N]` (default sizes 40 400 4000).
@main
struct ReadModelCost {
    static func main() throws {
        var sizes: [Int] = []
        var windowUnits = 40
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            if argument == "--units", let value = arguments.popFirst().flatMap({ Int($0) }) {
                windowUnits = value
            } else if let size = Int(argument) {
                sizes.append(size)
            } else {
                FileHandle.standardError.write(Data("usage: read-model-cost [sizes...] [--units N]\n".utf8))
                exit(2)
            }
        }
        if sizes.isEmpty { sizes = [40, 400, 4000] }
        print("units   timed events   RunState µs/event   RunStateFeed µs/event   JournalSink µs/event")
        for size in sizes {
            let run = SyntheticRun(units: size)
            let state = run.applyToState(units: min(windowUnits, size))
            let feed = run.applyToFeed(units: min(windowUnits, size))
            let journal = try run.applyToJournal(units: min(windowUnits, size))
            print(
                pad(size, 5) + "  " + pad(run.window(units: min(windowUnits, size)).count, 13) + "  "
                    + format(state, 18) + "  " + format(feed, 22)
                    + "  " + format(journal, 21)
            )
        }
    }

    /// The median of the microseconds per event of the work `prepare` returns (which handles
    /// `events` events; the preparing is not timed), repeated for about a second, at least 3 times.
    static func median(events: Int, _ prepare: () -> () -> Void) -> Double {
        var samples: [Double] = []
        var spent = Duration.zero
        while samples.count < 3 || (spent < .seconds(1) && samples.count < 1000) {
            let work = prepare()
            let elapsed = ContinuousClock().measure(work)
            spent += elapsed
            samples.append(seconds(elapsed) * 1e6 / Double(events))
        }
        return samples.sorted()[samples.count / 2]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - "\(value)".count)) + "\(value)"
    }

    static func format(_ value: Double, _ width: Int) -> String {
        let text = String(format: "%.2f", value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// The events of a run of `units` units of two tasks each, every unit landing in turn.
struct SyntheticRun {
    let units: Int
    /// The run's start: `orch.started` and every unit queued.
    let start: [Event]
    /// Each unit's life after it was queued, by unit.
    let lives: [[Event]]
    /// The run's end.
    let end: Event

    /// Every event, in order.
    var events: [Event] { start + lives.flatMap { $0 } + [end] }

    init(units: Int) {
        self.units = units
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0 ..< units).map { "unit-\($0)" }
        start =
            [
                Event(
                    .orchStarted(.init(units: units, parallelism: 8, tasks: units * 2, logFolder: "/tmp/logs")),
                    time: time
                )
            ]
            + ids.map { Event(.unitQueued(.init(level: 0)), time: time, unit: $0) }
        lives = ids.enumerated().map { index, id in
            let at = time.addingTimeInterval(Double(index))
            var events = [
                Event(.unitStarted, time: at, unit: id),
                Event(.unitWorktree(.init(path: "/tmp/worktrees/\(id)", branch: "choo/\(id)")), time: at, unit: id),
            ]
            for task in 1 ... 2 {
                let log = "/tmp/logs/\(id)/00\(task)-task\(task)-attempt1.log"
                let usage = Event.AgentUsage(
                    usage: TokenUsage(input: 1200, output: 300, cacheRead: 5000),
                    costUSD: 0.0125,
                    costSource: "reported",
                    final: true
                )
                events += [
                    Event(.taskStarted(.init(attempt: 1, offered: [task])), time: at, unit: id, task: task),
                    Event(
                        .taskClaudeInvoke(.init(provider: "claude", attempt: 1, logFile: log)),
                        time: at,
                        unit: id,
                        task: task
                    ),
                    Event(.taskAgentStarted(.init(pid: 1000 + index)), time: at, unit: id, task: task),
                    Event(.agentUsage(usage), time: at, unit: id, task: task),
                    Event(.taskClaudeDone(.init(exit: "exited 0", logFile: log)), time: at, unit: id, task: task),
                    Event(.taskBackpressure(.init(command: "swift test")), time: at, unit: id, task: task),
                    Event(.taskValidationOK(.init(command: "swift test")), time: at, unit: id, task: task),
                    Event(.taskCompleted, time: at, unit: id, task: task),
                    Event(.taskCommitted(.init(commit: "c0ffee\(index)\(task)")), time: at, unit: id, task: task),
                ]
            }
            events += [
                Event(.unitMergeQueued, time: at, unit: id),
                Event(.unitMergeStarted, time: at, unit: id),
                Event(
                    .unitMerged(.init(commit: "be\(index)", target: "main", branch: "choo/\(id)")),
                    time: at,
                    unit: id
                ),
                Event(.unitCompleted, time: at, unit: id),
            ]
            return events
        }
        let finished = Event.RunFinished(
            total: units,
            complete: units,
            failed: 0,
            blocked: 0,
            notStarted: 0,
            durationSeconds: Double(units),
            interrupted: false
        )
        end = Event(.orchCompleted(finished), time: time.addingTimeInterval(Double(units)))
    }

    /// The events of the lives of the first `count` units: the measured window.
    func window(units count: Int) -> [Event] { lives.prefix(count).flatMap { $0 } }

    /// The microseconds per event a state took over the lives of the first `count` units, after
    /// the run's start (not timed): the median of repetitions for about a second.
    func applyToState(units count: Int) -> Double {
        let window = window(units: count)
        return ReadModelCost.median(events: window.count) {
            var state = RunState()
            for event in start { state.apply(event) }
            return {
                for event in window { state.apply(event) }
                precondition(state.totals.complete == count)
            }
        }
    }

    /// The same for a feed.
    func applyToFeed(units count: Int) -> Double {
        let window = window(units: count)
        return ReadModelCost.median(events: window.count) {
            let feed = RunStateFeed()
            for (index, event) in start.enumerated() { feed.receive(event, sequence: index + 1) }
            return {
                for (index, event) in window.enumerated() { feed.receive(event, sequence: start.count + index + 1) }
                precondition(feed.current.totals.complete == count)
            }
        }
    }

    /// The microseconds per event a journal sink took over the lives of the first `count` units,
    /// after the run's start (not timed), in a temporary folder.
    func applyToJournal(units count: Int) throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("read-model-cost-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try RunJournal(in: folder)
        let sink = journal.sink(for: try journal.startRun(command: "run", options: [:], at: Date()))
        var sequence = 0
        for event in start {
            sequence += 1
            sink.receive(event, sequence: sequence)
        }
        let window = window(units: count)
        let elapsed = ContinuousClock().measure {
            for event in window {
                sequence += 1
                sink.receive(event, sequence: sequence)
            }
        }
        precondition(sink.writeFailures.count == 0, "journal writes failed: \(sink.writeFailures.first ?? "")")
        precondition(sink.state.totals.complete == count)
        return ReadModelCost.seconds(elapsed) * 1e6 / Double(window.count)
    }
}
