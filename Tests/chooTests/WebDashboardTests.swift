import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Chromium runs these where it is installed; under CI (where `.ci/run` installs it) a missing
/// browser fails them instead of skipping them.
private let browserAvailable = HeadlessChromium.executable != nil || ProcessInfo.processInfo.environment["CI"] != nil

/// Where the tests leave what a person should look at.
private let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts").path

@Suite("The dashboard in a real browser and on the command line", .temporaryDirectory)
struct WebDashboardTests {
    static let hostile = "<img src=x onerror=alert(1)>"

    /// The dashboard's URL from choo's output.
    func url(from run: RunningChoo) async -> String? {
        for await line in run.lines {
            if let range = line.range(of: "http://") { return String(line[range.lowerBound...].prefix { $0 != " " }) }
        }
        return nil
    }

    @Test(
        "the browser helper: a condition the page never meets fails at its timeout, and the browser still answers",
        .enabled(if: browserAvailable)
    )
    func waitUntilTimesOut() async throws {
        let browser = try await HeadlessChromium(profile: TemporaryDirectory.current("chromium"))
        defer { browser.close() }
        try await browser.open("data:text/html,<p id=p>here</p>")
        try await browser.waitUntil("document.getElementById('p') !== null")
        await #expect(throws: (any Error).self) {
            try await browser.waitUntil("document.getElementById('never') !== null", timeout: .milliseconds(300))
        }
        #expect(try await browser.evaluate("document.getElementById('p').textContent") == "\"here\"")
    }

    @Test(
        "choo run --web: every unit shows, a node changes colour when it lands, a click shows its tasks, the hostile title is text",
        .enabled(if: browserAvailable)
    )
    func liveRunInTheBrowser() async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        let fixture = try await RunFixture(
            .completeNextTask,
            overrides: ["api": .waitAtGate(task: "01-task-1", gate: gate)]
        ) { specs in
            try specs.unit(
                "api",
                title: Self.hostile,
                tasks: [.init(1, title: "Build " + Self.hostile), .init(2, title: "Test it")]
            )
            try specs.unit("cli", dependsOn: ["api"])
            try specs.unit("docs")
        }
        let run = RunningChoo(["run", "--web=0", "--json", "-p", "2"], in: fixture.repository.path)
        let address = try #require(await url(from: run))
        await run.events.first(.taskClaudeInvoke, unit: "api", task: 1)
        let browser = try await HeadlessChromium(profile: TemporaryDirectory.current("chromium"))
        defer { browser.close() }
        try await browser.open(address)
        try await browser.waitUntil("document.querySelectorAll('.node').length === 3")
        let names = try await browser.evaluate(
            "[...document.querySelectorAll('.node')].map(n => n.dataset.unit).sort()"
        )
        #expect(names == #"["api","cli","docs"]"#)
        let before = try await browser.evaluate("document.querySelector('[data-unit=\"api\"]').dataset.phase")
        #expect(before == #""running""#)
        // No reload from here on: a mark on the window stays.
        _ = try await browser.evaluate("window.chooMark = 42")
        _ = try await browser.evaluate("document.querySelector('[data-unit=\"api\"]').click()")
        try await browser.waitUntil("document.querySelectorAll('#unit-tasks tbody tr').length === 2")
        let title = try await browser.evaluate("document.getElementById('unit-title').textContent")
        #expect(title == "\"\(Self.hostile)\"")
        let task = try await browser.evaluate(
            "document.querySelector('#unit-tasks tbody tr td:nth-child(2)').textContent"
        )
        #expect(task == "\"Build \(Self.hostile)\"")
        #expect(try await browser.evaluate("document.querySelectorAll('main img').length") == "0")
        try FakeAgent.openGate(gate)
        try await browser.waitUntil("document.querySelector('[data-unit=\"api\"]').dataset.phase === 'landed'")
        try await browser.waitUntil("document.querySelector('[data-unit=\"cli\"]').dataset.phase === 'landed'")
        #expect(try await browser.evaluate("window.chooMark") == "42", "the page was not reloaded")
        let color = try await browser.evaluate(
            "getComputedStyle(document.querySelector('[data-unit=\"api\"]')).borderLeftColor"
        )
        #expect(color == #""rgb(56, 161, 105)""#, "landed nodes are green")
        try await browser.screenshot(to: artifacts + "/dashboard-run.png")
        try await browser.resize(width: 390, height: 844)
        try await browser.screenshot(to: artifacts + "/dashboard-run-narrow.png")
        #expect(!browser.events.contains("Page.javascriptDialogOpening"), "no script of the page's data ran")
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(0), "\(outcome.output)")
    }

    @Test(
        "choo web: 1,000 units render, another process's events show live, Ctrl-C stops it with the browser connected",
        .enabled(if: browserAvailable)
    )
    func thousandUnits() async throws {
        let repository = try await GitRepository(at: TemporaryDirectory.current("repo"))
        let specs = SpecFixture(root: repository.path)
        let count = 1000
        let perLevel = 100
        let name = { (index: Int) in String(format: "u%04d", index) }
        for index in 0 ..< count {
            let dependency = index >= perLevel ? [name(index - perLevel)] : []
            try specs.unit(name(index), dependsOn: dependency, tasks: [.init(1), .init(2)])
        }
        try specs.write(".choo.yaml", "parallelism: 4\n")
        try await repository.git("add", "-A")
        try await repository.git("commit", "--quiet", "-m", "A thousand units")
        // A run recorded by "another process": this test, through a journal of its own.
        let journal = try RunJournal(in: repository.path + "/.ralph/worktrees")
        let id = try journal.startRun(command: "choo run", options: [:], at: Date())
        let bus = EventBus()
        bus.add(journal.sink(for: id))
        bus.publish(Event(.orchStarted(.init(units: count, parallelism: 4, tasks: 2 * count))))
        for index in 0 ..< count {
            bus.publish(Event(.unitQueued(.init(level: index / perLevel + 1)), unit: name(index)))
        }
        for index in 0 ..< 40 { bus.publish(Event(.unitStarted, unit: name(index))) }
        await bus.flush()

        let web = RunningChoo(["web", "--port", "0"], in: repository.path)
        let address = try #require(await url(from: web))
        let browser = try await HeadlessChromium(profile: TemporaryDirectory.current("chromium"))
        defer { browser.close() }
        try await browser.open(address + "#/runs/\(id)")
        try await browser.waitUntil("document.body.dataset.firstRenderMs !== undefined", timeout: .seconds(120))
        let nodes = try await browser.evaluate("document.querySelectorAll('.node').length")
        #expect(nodes == "\(count)")
        let firstRender = try await browser.evaluate("Number(document.body.dataset.firstRenderMs)")
        print("first render of \(count) units: \(firstRender) ms")
        #expect((Double(firstRender) ?? .infinity) < 15_000)
        try await browser.screenshot(to: artifacts + "/dashboard-1000.png")

        // The other process goes on: its next event shows without a reload.
        try await browser.waitUntil("document.getElementById('connection').classList.contains('live')")
        let clock = ContinuousClock()
        let published = clock.now
        bus.publish(Event(.unitFailed, unit: name(999), error: "task #1: check failed"))
        await bus.flush()
        try await browser.waitUntil("document.querySelector('[data-unit=\"u0999\"]').dataset.phase === 'failed'")
        print("journal write in another process to the browser's DOM: \(clock.now - published)")
        await bus.close()

        await web.send(SIGINT)
        let outcome = try await web.wait()
        #expect(outcome.termination == .exited(0), "\(outcome.output)")
        #expect(outcome.output.contains("choo web: stopped"))
    }

    @Test(
        "bad input to the dashboard's commands names the flag and exits 2",
        arguments: [
            (["web", "--port", "70000"], "--port"), (["web", "--port", "x"], "--port"),
            (["run", "--web=abc"], "--web"), (["run", "--web=99999"], "--web"),
            (["run", "--web", "--dry-run"], "--web"), (["web", "--token", "short"], "--token"),
        ]
    )
    func badInput(arguments: [String], flag: String) async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in try specs.unit("u") }
        // A journal, so `choo web` gets as far as its flags.
        _ = try RunJournal(in: fixture.repository.path + "/.ralph/worktrees")
        let result = try await ChooBinary.run(arguments, in: fixture.repository.path)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(flag), "\(result.stderr)")
    }

    @Test("choo web without a journal, or on a port in use, exits 2 saying so")
    func noJournalOrBusyPort() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in try specs.unit("u") }
        let none = try await fixture.choo("web", "--port", "0")
        #expect(none.exitCode == 2)
        #expect(none.stderr.contains("no runs are recorded yet"), "\(none.stderr)")

        _ = try RunJournal(in: fixture.repository.path + "/.ralph/worktrees")
        let first = RunningChoo(["web", "--port", "0"], in: fixture.repository.path)
        let address = try #require(await url(from: first))
        let port = try #require(address.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let busy = try await fixture.choo("web", "--port", "\(port)")
        #expect(busy.exitCode == 2)
        #expect(busy.stderr.contains("--port \(port)") && busy.stderr.contains("in use"), "\(busy.stderr)")
        // `choo run --web` on a busy port stops before the run is recorded or its lock taken.
        let run = try await fixture.choo("run", "--web=\(port)")
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("--web \(port)") && run.stderr.contains("in use"), "\(run.stderr)")
        #expect(try RunJournal(in: fixture.repository.path + "/.ralph/worktrees").runs().isEmpty)
        #expect(fixture.agent.prompts.isEmpty)
        await first.send(SIGINT)
        #expect(try await first.wait().termination == .exited(0))
    }
}
