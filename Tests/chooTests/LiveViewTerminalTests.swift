import ChooCore
import ChooTesting
import Foundation
import Testing

/// The live view in a real terminal (tmux): its block of running units is redrawn in place, so
/// one copy is on screen while units run and none once the summary is printed, and each of its
/// lines fits the width, however narrow.
@Suite(.temporaryDirectory)
struct LiveViewTerminalTests {
    /// Long names, so the block's lines (name, task, times, log path) are wider than the terminal.
    static let units = [
        "refactor-the-configuration-loader", "teach-the-scheduler-about-priorities",
        "document-every-public-declaration",
    ]

    @Test("the live block is drawn once, each line one row, and cleared before the summary", arguments: [80, 60])
    func liveBlockFitsTheTerminal(columns: Int) async throws {
        try await TmuxTerminal.withTerminal(in: TemporaryDirectory.current.path) { terminal in
            // Each agent says it has started, then waits to be let go: the test looks at the screen
            // while all three units run.
            let agent = FakeAgent.Behaviour.scripted(
                terminal.shell("wait-for", "-S") + " \"started-$unit\"\n" + terminal.shell("wait-for")
                    + " \"go-$unit\"\n"
                    + "do_work && mark_complete"
            )
            let fixture = try await RunFixture(agent) { specs in
                for unit in Self.units { try specs.unit(unit, tasks: [.init(1, backpressure: workCheck(unit, 1))]) }
            }
            let run = [ChooBinary.path, "run", "-p", "3"].map(ChooBinary.shellQuoted).joined(separator: " ")
            try await terminal.start(
                run + "\necho \"choo exited $?\"\n" + terminal.shell("wait-for", "-S", "finished"),
                in: fixture.repository.path,
                columns: columns,
                rows: 40
            )
            for unit in Self.units { try await terminal.wait(for: "started-\(unit)") }
            let running = try await terminal.capture()
            let coloured = try await terminal.capture(escapes: true)
            for unit in Self.units { try await terminal.signal("go-\(unit)") }
            try await terminal.wait(for: "finished")
            let finished = try await terminal.capture()

            let screen = running.joined(separator: "\n")
            #expect(coloured.joined().contains("\u{1B}["), "choo did not see a terminal:\n\(screen)")
            #expect(headers(running) == 1, "\(screen)")
            let block = running.filter { $0.hasPrefix("  ▶ ") }
            #expect(block.count == Self.units.count, "\(screen)")
            for line in block + running.filter(isHeader) {
                #expect(line.count <= columns, "wider than \(columns) columns: \(line)")
            }
            let after = finished.joined(separator: "\n")
            #expect(finished.contains("choo exited 0"), "\(after)")
            #expect(headers(finished) == 0, "\(after)")
            #expect(!finished.contains { $0.hasPrefix("  ▶ ") }, "\(after)")
        }
    }

    private func isHeader(_ line: String) -> Bool {
        line.hasPrefix("choo  ") && line.contains(" running")
    }

    private func headers(_ lines: [String]) -> Int {
        lines.count(where: isHeader)
    }
}
