import ChooCore

extension Effects {
    /// Effects whose every member fails loudly when used (records a test failure and throws):
    /// the starting point of every test. Swap in the members a test means to use, e.g.
    /// `Effects.failing.with(runner: SystemProcessRunner(), files: SystemFileAccess())`.
    package static var failing: Effects {
        Effects(
            runner: FailingProcessRunner(),
            http: FailingHTTPTransport(),
            clock: FailingWaitClock(),
            files: FailingFileAccess()
        )
    }

    /// These effects with the given members replaced.
    package func with(
        runner: (any ProcessRunning)? = nil,
        http: (any HTTPTransport)? = nil,
        clock: (any WaitClock)? = nil,
        files: (any FileAccess)? = nil
    ) -> Effects {
        Effects(
            runner: runner ?? self.runner,
            http: http ?? self.http,
            clock: clock ?? self.clock,
            files: files ?? self.files
        )
    }
}

extension Effects {
    /// What most tests use: real processes and real files (in temporary folders), a manual clock
    /// (`clock`, by default a new ``ManualWaitClock``), and HTTP that fails loudly.
    package static func local(clock: any WaitClock = ManualWaitClock()) -> Effects {
        failing.with(runner: SystemProcessRunner(), clock: clock, files: SystemFileAccess())
    }
}
