import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `choo run --detach`: the run as a process of its own session (no terminal, so closing the
/// starting one does not end it), its output in a log file under the worktree base. The starting
/// process waits on a pipe until the run holds the run lock and has its number, then returns it;
/// a run that ends before that (a bad spec tree, another run holding the lock) closes the pipe
/// unannounced, and its output and exit code come back as the error.
public enum DetachedRun {
    /// The environment variable naming the descriptor a detached run announces itself on.
    static let descriptorVariable = "CHOO_DETACH_FD"
    /// The environment variable naming the log file the detached run writes to.
    static let logVariable = "CHOO_DETACH_LOG"
    /// The descriptor the announcement is written to in the detached process.
    static let descriptor: Int32 = 3

    /// A run started in the background.
    public struct Started: Sendable, Hashable, Codable {
        /// The run's number in the journal.
        public var run: Int64
        /// Its process.
        public var pid: Int32
        /// Where its output goes.
        public var log: String
    }

    /// Why the run did not start.
    public enum LaunchError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The process could not be started or the log file not made.
        case launch(String)
        /// The run ended before it held the lock; what it printed and its exit code.
        case ended(exitCode: Int32, output: String)

        public var description: String {
            switch self {
            case .launch(let message): return message
            case .ended(_, let output):
                let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? "the detached run ended before it started, printing nothing" : text
            }
        }

        /// The exit code the detaching command gives: the run's own, 2 when it could not start.
        public var exitCode: Int32 {
            switch self {
            case .launch: return 2
            case .ended(let code, _): return code == 0 ? 2 : code
            }
        }
    }

    /// Starts `executable arguments` in the current directory as a detached run, its output in a
    /// log file in `base` (created if needed), and returns once it announced its run number.
    public static func start(
        executable: String,
        arguments: [String],
        base: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(LaunchError) -> Started {
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        } catch {
            throw .launch("could not create the worktree base \(base) for the run's log: \(error)")
        }
        let logPath = base + "/choo-detached-\(getpid())-\(UInt32.random(in: 0 ... .max)).log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw .launch("could not create \(logPath): \(String(cString: strerror(errno)))") }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(log)
            throw .launch("could not make a pipe: \(String(cString: strerror(errno)))")
        }
        // Out of the way of the descriptors the child's are set up as (0 to 3), closed on exec.
        let reading = fcntl(ends[0], F_DUPFD_CLOEXEC, 10)
        let writing = fcntl(ends[1], F_DUPFD_CLOEXEC, 10)
        let logDescriptor = fcntl(log, F_DUPFD_CLOEXEC, 10)
        for descriptor in [ends[0], ends[1], log] { close(descriptor) }

        var variables = environment
        // Meant to outlive its starter: not a leftover of whatever started the starter (which finds
        // its children's leftovers by this tag).
        variables[ProcessTable.tagVariable] = nil
        variables[descriptorVariable] = String(descriptor)
        variables[logVariable] = logPath
        let pid: pid_t
        do {
            pid = try spawn(
                executable: executable,
                arguments: arguments,
                environment: variables,
                log: logDescriptor,
                announce: writing
            )
        } catch {
            for descriptor in [reading, writing, logDescriptor] { close(descriptor) }
            try? FileManager.default.removeItem(atPath: logPath)
            throw error
        }
        close(writing)
        close(logDescriptor)
        let announcement = await readAll(reading)
        let fields = announcement.split(separator: "\t", maxSplits: 1).map(String.init)
        if fields.count == 2, let run = Int64(fields[0]) {
            reap(pid)
            return Started(run: run, pid: pid, log: fields[1].trimmingCharacters(in: .newlines))
        }
        let code = await waitForExit(pid)
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: logPath)
        throw .ended(exitCode: code, output: output)
    }

    /// In a process started by ``start(executable:arguments:base:environment:)``: keeps
    /// the announcement descriptor from every child. Call first thing; a no-op elsewhere.
    public static func adoptDescriptor() {
        guard ProcessInfo.processInfo.environment[descriptorVariable] != nil else { return }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// In a detached run: moves the log to `<log folder>/choo.log` and tells the starting process
    /// that run `run` holds the lock. A no-op in a run that was not detached.
    public static func announce(run: Int64, logFolder: String) {
        let environment = ProcessInfo.processInfo.environment
        guard environment[descriptorVariable] == String(descriptor) else { return }
        unsetenv(descriptorVariable)
        unsetenv(logVariable)
        var log = environment[logVariable] ?? ""
        if !log.isEmpty {
            let moved = logFolder + "/choo.log"
            if (try? FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)) != nil,
                rename(log, moved) == 0
            {
                log = moved
            }
        }
        let line = "\(run)\t\(log)\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
    }

    /// `POSIX_SPAWN_SETSID` (glibc 2.26, macOS 10.15), which the C module does not export on Linux.
    #if os(Linux)
    private static let newSession: Int32 = 0x80
    #else
    private static let newSession: Int32 = POSIX_SPAWN_SETSID
    #endif

    private static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String],
        log: Int32,
        announce: Int32
    ) throws(LaunchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        posix_spawn_file_actions_adddup2(&actions, announce, descriptor)
        // A session of its own: no controlling terminal, so no hang-up when the terminal closes.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(Self.newSession | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw .launch("could not start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Everything written to `descriptor` until it is closed, read off the cooperative pool.
    private static func readAll(_ descriptor: Int32) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 512)
                while true {
                    let count = read(descriptor, &buffer, buffer.count)
                    if count > 0 {
                        bytes += buffer[0 ..< count]
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                close(descriptor)
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// The exit code of child `pid` once it ends, awaited off the cooperative pool.
    private static func waitForExit(_ pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: blockingWait(pid)) }
        }
    }

    /// Reaps child `pid` whenever it ends, so a long-lived starter (the MCP server) keeps no zombie.
    private static func reap(_ pid: pid_t) {
        Thread.detachNewThread { _ = blockingWait(pid) }
    }

    private static func blockingWait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 2 }
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}
