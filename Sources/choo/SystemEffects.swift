import ChooCore

extension Effects {
    /// The real effects, the only place they are put together: processes through
    /// swift-subprocess, HTTP through AsyncHTTPClient, the system clock and the local file system.
    /// Each command's `run()` takes it and hands it to the engine.
    static var system: Effects {
        Effects(
            runner: SystemProcessRunner(),
            http: AsyncHTTPClientTransport(),
            clock: SystemWaitClock(),
            files: SystemFileAccess()
        )
    }
}
