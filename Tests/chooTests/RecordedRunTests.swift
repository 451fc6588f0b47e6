import ChooCore
import ChooTesting
import Foundation
import Testing

/// A small but rich recorded run through the binary, compared with golden files in `Tests/Golden`:
/// its `--json` event lines and its plain-text output, with only the values that differ from run
/// to run masked (times, the temporary folder, commit hashes, pids, durations).
///
/// Set `CHOO_UPDATE_GOLDEN=1` to write the golden files from the current code instead of comparing.
@Suite(.temporaryDirectory)
struct RecordedRunTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// One unit at a time, in a chain, so events come in one order: `base` (two tasks, each check failing
    /// once and retried, a failing baseline check fixed by the agent), `app` after it, `broken` (its
    /// agent never marks the task: it fails after two attempts) and `after-broken`, blocked by it.
    /// Every worktree gets a file from `worktree.setup`. Landed worktrees are removed, not recycled:
    /// putting one in the pool is side work whose events would come amid the next unit's.
    static func fixture() async throws -> RunFixture {
        let settings = """
            max_attempts: 2
            baseline_checks:
              - name: lint
                command: "test -f work/baseline-fixed || { echo lint found problems; exit 1; }"
            worktree:
              reuse: false
              setup:
                - command: "echo log > setup.log"

            """
        return try await RunFixture(.markWithoutWorkingFirst, overrides: ["broken": .neverMarks], settings: settings) {
            specs in
            try specs.unit(
                "base",
                tasks: [
                    .init(1, backpressure: workCheck("base", 1)),
                    .init(2, backpressure: workCheck("base", 2), dependsOn: [1]),
                ]
            )
            try specs.unit("app", dependsOn: ["base"], tasks: [.init(1, backpressure: workCheck("app", 1))])
            try specs.unit("broken", dependsOn: ["app"])
            try specs.unit("after-broken", dependsOn: ["broken"])
        }
    }

    @Test("the event lines of a recorded run are the golden ones, apart from what varies")
    func jsonEvents() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.choo("run", "--json", "-p", "1")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map {
            Self.maskEvent(String($0), folder: fixture.directory.path)
        }
        try Self.compare(lines.joined(separator: "\n"), with: "recorded-run.jsonl")
        // Every line still decodes as an event, and encodes back to itself.
        for line in result.stdout.split(separator: "\n") {
            let event = try JSONDecoder().decode(Event.self, from: Data(line.utf8))
            #expect(event.jsonLine == String(line))
        }
    }

    @Test("the plain-text output of a recorded run is the golden one, apart from what varies")
    func textOutput() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.choo("run", "-p", "1")
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map {
            Self.maskText(String($0), folder: fixture.directory.path)
        }
        try Self.compare(lines.joined(separator: "\n"), with: "recorded-run.txt")
    }

    /// `line` with the values that vary from run to run replaced, each only under its own key.
    static func maskEvent(_ line: String, folder: String) -> String {
        line.replacingOccurrences(of: folder, with: "<tmp>")
            .replacing(#/"time":"[0-9T:.Z-]+"/#, with: #""time":"<time>""#)
            .replacing(#/"(commit|onto)":"[0-9a-f]{40}"/#) { #""\#($0.1)":"<commit>""# }
            .replacing(#/"pid":[0-9]+/#, with: #""pid":0"#)
            .replacing(#/"duration_seconds":[0-9.e+-]+/#, with: #""duration_seconds":0"#)
            .replacing(#/"bytes":[0-9]+/#, with: #""bytes":0"#)
    }

    /// `line` of the plain-text output with times, the temporary folder and commit hashes replaced.
    static func maskText(_ line: String, folder: String) -> String {
        line.replacingOccurrences(of: folder, with: "<tmp>")
            .replacing(#/^[0-9]{2}:[0-9]{2}:[0-9]{2} /#, with: "<time> ")
            .replacing(#/ in [0-9:]+: /#, with: " in <duration>: ")
            .replacing(#/(committed|at) [0-9a-f]{8}$/#) { "\($0.1) <commit>" }
    }

    /// Compares `text` with the golden file `name`, or writes it there when asked to.
    static func compare(_ text: String, with name: String) throws {
        let url = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CHOO_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, (line, golden)) in zip(got, want).enumerated() where line != golden {
            Issue.record("\(name) line \(index + 1) differs:\n got: \(line)\nwant: \(golden)")
        }
        #expect(got.count == want.count, "\(name): \(got.count) lines, the golden file has \(want.count)")
    }
}
