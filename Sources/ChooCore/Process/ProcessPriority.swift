/// How much lower than choo's own the CPU priority of the processes a task starts is: its
/// niceness, added to choo's. The run gives units' work (agents, checks, the git commands around
/// them) a niceness and the merge queue none, so the one landing at a time, which every unit
/// waits for, is not starved of CPU by the parallel work beside it.
public enum ProcessPriority {
    /// The niceness, for processes started by the current task and the tasks it starts.
    @TaskLocal public static var niceness: Int32 = 0

    /// The executable and arguments that run `executable` with `arguments` at the current
    /// niceness: through `nice`, so it is niced before it runs its first instruction (a child
    /// niced after it started could have started its own children already). Unchanged for 0, or
    /// where there is no `nice`.
    static func command(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard niceness > 0, let nice = Self.nice else { return (executable, arguments) }
        return (nice, ["-n", String(niceness), executable] + arguments)
    }

    /// coreutils' `nice`, where it is.
    private static let nice: String? = ["/usr/bin/nice", "/bin/nice"].first(where: ExecutableLookup.isExecutableFile)
}
