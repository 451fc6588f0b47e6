import Testing

@testable import ChooCore

/// Preparing a unit's worktree ahead and taking it at the unit's start, without the repository lock.
struct PreparedWorktreesTests {
    @Test("a start that meets its preparation in flight waits for it and takes what it made")
    func startWaitsForPreparation() async {
        let prepared = PreparedWorktrees()
        #expect(prepared.begin(unit: "core"))
        let start = Task { await prepared.take(unit: "core") }
        while prepared.startsWaiting(for: "core") == 0 { await Task.yield() }
        // Started now: no second preparation, though the first has not finished.
        #expect(!prepared.begin(unit: "core"))
        prepared.finish(unit: "core", resumed: false)
        #expect(await start.value == false)
        #expect(prepared.takeAll().isEmpty)
    }

    @Test("a failed preparation leaves the start to make the worktree")
    func failedPreparation() async {
        let prepared = PreparedWorktrees()
        #expect(prepared.begin(unit: "core"))
        prepared.finish(unit: "core", resumed: nil)
        #expect(await prepared.take(unit: "core") == nil)
    }

    @Test("a unit is prepared once, never after its start, and unstarted ones are left for discarding")
    func onceAndNeverAfterStart() async {
        let prepared = PreparedWorktrees()
        #expect(await prepared.take(unit: "api") == nil)
        #expect(!prepared.begin(unit: "api"))
        #expect(prepared.begin(unit: "web"))
        prepared.finish(unit: "web", resumed: true)
        #expect(!prepared.begin(unit: "web"))
        #expect(prepared.takeAll() == ["web": true])
    }
}

/// The graceful-stop flag that waits can end on.
struct ShutdownFlagTests {
    @Test("raised() returns when the flag is raised, at once when it was, and when its task is cancelled")
    func raised() async {
        let flag = ShutdownFlag()
        let waiting = Task { await flag.raised() }
        let cancelled = Task { await ShutdownFlag().raised() }
        cancelled.cancel()
        await cancelled.value
        flag.raise()
        await waiting.value
        await flag.raised()
        #expect(flag.isRaised)
    }
}
