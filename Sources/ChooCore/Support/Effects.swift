/// Everything the engine does to the world outside its own memory, in one value: running
/// processes, talking HTTP, reading the time and waiting, and touching files.
///
/// The executable builds the real one once (`Effects.system`, in `Sources/choo`) and hands it to
/// what it calls (`Orchestrator`, `Cleanup`, `Demo`, `choo status`); the engine never builds one of
/// its own, and no default argument in ChooCore makes a real effect. Tests start from
/// `Effects.failing` (ChooTesting), whose every member records a test failure and throws when
/// used, and swap in the real or scripted members they mean to use.
public struct Effects: Sendable {
    /// Runs every child process: agents, checks, hooks and git.
    public var runner: any ProcessRunning
    /// Sends HTTP requests (the GitHub API in GitHub mode).
    public var http: any HTTPTransport
    /// The time of choo's records (the run journal, the run lock, saved refs) and every wait
    /// (GitHub backoff, review and CI polling).
    public var clock: any WaitClock
    /// The file operations the engine performs in worktrees, its own folders and new repositories.
    public var files: any FileAccess

    /// Effects made of these members.
    public init(
        runner: any ProcessRunning,
        http: any HTTPTransport,
        clock: any WaitClock,
        files: any FileAccess
    ) {
        self.runner = runner
        self.http = http
        self.clock = clock
        self.files = files
    }
}
