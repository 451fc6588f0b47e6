import ChooCore
import ChooTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// choo watches the user's checkout during a run: what an agent (or anyone) changes there is
/// reported by file, recorded, and named when the next run refuses to start because of it.
@Suite(.temporaryDirectory)
struct CheckoutWatchTests {
    /// An agent that does its task and also writes outside its worktree, into the user's checkout:
    /// a new file at the top and a line appended to the tracked `README.md`.
    static let intruder = FakeAgent.Behaviour.scripted(
        #"""
        [ -n "$file" ] || exit 0
        do_work && mark_complete
        echo "left by an agent" > ../../../intruder.txt
        echo "tampered with by an agent" >> ../../../README.md

        """#
    )

    /// Unit `u` with the intruding agent, and unit `later`, which the first run (`--unit u`) leaves
    /// for the next run, so that one has work to do and meets the refusal.
    func intrudedFixture() async throws -> RunFixture {
        try await RunFixture(.completeNextTask, overrides: ["u": Self.intruder]) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
            try specs.unit("later", tasks: [.init(1, backpressure: workCheck("later", 1))])
        }
    }

    @Test("files an agent wrote into the checkout are named in the summary, kept, and named by the next refusal")
    func reportedAndNamedByTheNextRefusal() async throws {
        let fixture = try await intrudedFixture()
        let result = try await fixture.choo("run", "--unit", "u")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.landed() == ["feat(u): complete task #1 - Task 1"], "the unit still lands")
        let summary = result.stdout
        #expect(
            summary.contains(
                "Files in your checkout changed during this run (choo did not make these changes and has not "
                    + "reverted them):\n  README.md  (changed)\n  intruder.txt  (appeared)\n"
            ),
            "\(summary)"
        )
        #expect(summary.contains("They are in \(fixture.repository.path)."))
        // choo reverts nothing.
        #expect(try fixture.repository.read("intruder.txt") == "left by an agent\n")
        #expect(try fixture.repository.read("README.md") == "# fixture\ntampered with by an agent\n")

        let before = FileTreeSnapshot.take(fixture.repository.path)
        let refused = try await fixture.choo("run")
        #expect(refused.exitCode == 2)
        let message = refused.stderr
        #expect(message.contains("uncommitted changes to tracked files"), "\(message)")
        #expect(
            message.contains(
                "  README.md  (changed during run #1; choo did not make this change: check what that run's agents "
                    + "did, then commit, stash or undo it)"
            ),
            "\(message)"
        )
        #expect(
            message.contains(
                "  intruder.txt  (appeared during run #1; choo did not make it: check what that run's agents did, "
                    + "then commit, stash or remove it)"
            ),
            "\(message)"
        )
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before, "the refusal changes nothing")

        // Once the user has dealt with a file, it is no longer said to come from run #1.
        try fixture.repository.write("intruder.txt", "now it is mine\n")
        let again = try await fixture.choo("run")
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains("README.md  (changed during run #1"))
        #expect(!again.stderr.contains("intruder.txt"), "\(again.stderr)")
    }

    @Test("--json carries orch.checkout.changed with the paths, and the journal records them")
    func eventAndJournal() async throws {
        let fixture = try await intrudedFixture()
        let result = try await fixture.choo("run", "--json", "--unit", "u")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let events = try fixture.events(result)
        let changed = try #require(events.first { $0.type == .orchCheckoutChanged })
        #expect(
            changed.payload
                == .orchCheckoutChanged(
                    .init(
                        checkout: fixture.repository.path,
                        paths: ["README.md", "intruder.txt"],
                        appeared: ["intruder.txt"],
                        changed: ["README.md"],
                        removed: []
                    )
                )
        )
        #expect(changed.error?.contains("choo did not make these changes and has not reverted them") == true)
        #expect(events.filter { $0.type == .orchCheckoutChanged }.count == 1)
        #expect(events.contains { $0.type == .unitMerged && $0.unit == "u" })

        let journal = try #require(try RunJournal.existing(in: fixture.repository(".ralph/worktrees")))
        let run = try #require(try journal.runs().first)
        #expect(try journal.eventCount(run: run.id) == events.count, "the event is stored with the others")
        let recorded = try journal.checkoutChanges(run: run.id)
        #expect(recorded.map(\.path) == ["README.md", "intruder.txt"])
        #expect(recorded.map(\.kind) == [.changed, .appeared])
        #expect(try journal.checkout(run: run.id, at: .start)?.entries.isEmpty == true)
        #expect(try journal.checkout(run: run.id, at: .end)?.entries.count == 2)
    }

    @Test(
        "a run that leaves the checkout alone reports nothing, though landing fast-forwards it",
        arguments: [false, true]
    )
    func quietRun(json: Bool) async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("a", tasks: [.init(1, backpressure: workCheck("a", 1))])
            try specs.unit("b", dependsOn: ["a"], tasks: [.init(1, backpressure: workCheck("b", 1))])
        }
        // The user's own untracked file, there before the run and untouched by it.
        try fixture.repository.write("notes.txt", "the user's notes\n")
        let result = try await json ? fixture.choo("run", "--json") : fixture.choo("run")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.landed().count == 2)
        #expect(try await fixture.repository.git("rev-parse", "HEAD") != fixture.start, "the checkout moved forward")
        if json {
            #expect(!(try fixture.events(result).contains { $0.type == .orchCheckoutChanged }))
        } else {
            #expect(!result.stdout.contains("changed during this run"), "\(result.stdout)")
            #expect(!result.stdout.contains("warning"), "\(result.stdout)")
        }
        let journal = try #require(try RunJournal.existing(in: fixture.repository(".ralph/worktrees")))
        let run = try #require(try journal.runs().first)
        #expect(try journal.checkoutChanges(run: run.id).isEmpty)
        #expect(try journal.checkout(run: run.id, at: .end)?.entries.keys.sorted() == ["notes.txt"])
    }

    @Test(
        "a file an agent left in the user's spec tree is named as appearing during that run when the next run refuses"
    )
    func specTreeRefusal() async throws {
        let agent = FakeAgent.Behaviour.scripted(
            #"""
            [ -n "$file" ] || exit 0
            do_work && mark_complete
            echo "scratch" > ../../../specs/tasks/u/agent-notes.txt

            """#
        )
        let fixture = try await RunFixture(.completeNextTask, overrides: ["u": agent]) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
            try specs.unit("later", tasks: [.init(1, backpressure: workCheck("later", 1))])
        }
        let result = try await fixture.choo("run", "--unit", "u")
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("  specs/tasks/u/agent-notes.txt  (appeared)\n"), "\(result.stdout)")
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let refused = try await fixture.choo("run")
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("has changes that are not committed"), "\(refused.stderr)")
        #expect(
            refused.stderr.contains("  specs/tasks/u/agent-notes.txt  (appeared during run #1; choo did not make it"),
            "\(refused.stderr)"
        )
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)
    }

    @Test(
        "a run that fails, or is stopped with Ctrl-C twice, still reports what appeared in the checkout",
        arguments: [false, true]
    )
    func failedOrInterrupted(interrupted: Bool) async throws {
        let gate = try FakeAgent.makeGate(TemporaryDirectory.current("gate"))
        // Writes into the checkout, then waits at the gate; let through, it gives up (fails the unit),
        // or waits until it is killed.
        let agent = FakeAgent.Behaviour.scripted(
            #"""
            echo "left by an agent" > ../../../intruder.txt
            read line < '\#(gate)'
            [ "$line" = "fail" ] && exit 3
            exec sleep 600

            """#
        )
        let fixture = try await RunFixture(agent, settings: "max_attempts: 1\n") { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
        }
        let run = RunningChoo(["run", "--json"], in: fixture.repository.path)
        await run.events.first(.taskClaudeInvoke, unit: "u", task: 1)
        if interrupted {
            try FakeAgent.openGate(gate)
            await run.send(SIGINT)
            await run.events.first(.orchInterrupted)
            await run.send(SIGINT)
        } else {
            let handle = try #require(FileHandle(forWritingAtPath: gate))
            handle.write(Data("fail\n".utf8))
            try handle.close()
        }
        let outcome = try await run.wait()
        #expect(outcome.termination == .exited(interrupted ? 130 : 1), "\(outcome.output)")
        let changed = run.events.all.first { $0.type == .orchCheckoutChanged }
        #expect(changed?.details(Event.CheckoutChanged.self)?.appeared == ["intruder.txt"], "\(outcome.output)")
        #expect(try fixture.repository.read("intruder.txt") == "left by an agent\n")
    }
}
