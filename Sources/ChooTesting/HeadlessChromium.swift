import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium, driven through the Chrome DevTools protocol over a pipe
/// (`--remote-debugging-pipe`: commands on its fd 3, answers and events on its fd 4, each message
/// JSON ended by a NUL), for tests of the dashboard's pages. One page at a time.
package final class HeadlessChromium: Sendable {
    /// Why the browser could not do what was asked.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    private struct State {
        var nextID = 0
        var pending: [Int: CheckedContinuation<[String: any Sendable], any Error>] = [:]
        var events: [String] = []
        var closed = false
    }

    private let process: pid_t
    private let commands: Int32
    private let answers: Int32
    private let state = Mutex(State())
    private let session = Mutex<String?>(nil)
    /// The browser's profile folder.
    private let profile: String

    /// The Chromium on `PATH` (`chromium`, `chromium-browser`, `google-chrome`), if any.
    package static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where access("\(folder)/\(name)", X_OK) == 0 {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    /// Starts Chromium with a fresh profile in `folder` and one page of `width`×`height`.
    package init(profile folder: String, width: Int = 1400, height: Int = 1000) async throws {
        guard let executable = Self.executable else {
            throw Failure(description: "no Chromium on PATH: `apt-get install chromium` (.ci/run does)")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        profile = folder
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Only the copies at 3 and 4 go to the browser (dup2 clears close-on-exec on them).
        for descriptor in toBrowser + fromBrowser { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
            "--user-data-dir=\(folder)/profile", "--window-size=\(width),\(height)", "about:blank",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "\(folder)/stderr.log", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        Glibc.close(toBrowser[0])
        Glibc.close(fromBrowser[1])
        guard spawned == 0 else {
            Glibc.close(toBrowser[1])
            Glibc.close(fromBrowser[0])
            throw Failure(description: "could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        process = pid
        commands = toBrowser[1]
        answers = fromBrowser[0]
        let thread = Thread { [self] in readAnswers() }
        thread.start()
        let target = try await send("Target.createTarget", ["url": "about:blank"], inPage: false)
        guard let targetID = target["targetId"] as? String else { throw Failure(description: "no target: \(target)") }
        let attached = try await send(
            "Target.attachToTarget",
            ["targetId": targetID, "flatten": true],
            inPage: false
        )
        session.withLock { $0 = attached["sessionId"] as? String }
        _ = try await send("Page.enable", [:])
        _ = try await send("Runtime.enable", [:])
    }

    /// Ends the browser and removes its profile.
    package func close() {
        kill(process, SIGKILL)
        var status: Int32 = 0
        waitpid(process, &status, 0)
        Glibc.close(commands)
        try? FileManager.default.removeItem(atPath: profile + "/profile")
    }

    /// The methods of every event the page sent so far (e.g. `Page.javascriptDialogOpening`).
    package var events: [String] { state.withLock { $0.events } }

    /// Opens `url` in the page.
    package func open(_ url: String) async throws {
        _ = try await send("Page.navigate", ["url": url])
    }

    /// The value of the JavaScript `expression` (awaited when it is a promise), as JSON text.
    package func evaluate(_ expression: String) async throws -> String {
        let wrapped = "(async () => JSON.stringify(await (\(expression))))()"
        let answer = try await send(
            "Runtime.evaluate",
            ["expression": wrapped, "awaitPromise": true, "returnByValue": true]
        )
        if let exception = answer["exceptionDetails"] {
            throw Failure(description: "the page threw: \(exception)")
        }
        let result = answer["result"] as? [String: any Sendable]
        return result?["value"] as? String ?? "null"
    }

    /// Returns once the JavaScript `condition` holds in the page, looking again at every change of
    /// the document (a MutationObserver), so nothing is polled; fails after `timeout`.
    package func waitUntil(_ condition: String, timeout: Duration = .seconds(60)) async throws {
        let script = """
            new Promise((resolve) => {
              const holds = () => { try { return !!(\(condition)); } catch (e) { return false; } };
              if (holds()) { resolve(true); return; }
              const observer = new MutationObserver(() => { if (holds()) { observer.disconnect(); resolve(true); } });
              observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
            })
            """
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await self.evaluate(script)
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let met = try await group.next() ?? false
            group.cancelAll()
            if !met { throw Failure(description: "the page never met `\(condition)` within \(timeout)") }
        }
    }

    /// A PNG of the page as it is, written to `path`.
    package func screenshot(to path: String) async throws {
        let answer = try await send("Page.captureScreenshot", ["format": "png"])
        guard let text = answer["data"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Sets the page's size (a narrow screen, a wall).
    package func resize(width: Int, height: Int) async throws {
        _ = try await send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false]
        )
    }

    /// Sends one command and awaits its answer.
    private func send(
        _ method: String,
        _ parameters: [String: any Sendable],
        inPage: Bool = true
    ) async throws -> [String: any Sendable] {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if inPage, let session = session.withLock({ $0 }) { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        // A cancelled caller (a `waitUntil` that timed out) stops waiting for the answer, which
        // may never come (a promise the page never resolves); one that comes later is dropped.
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let closed = state.withLock { state in
                    if !state.closed, !Task.isCancelled { state.pending[id] = continuation }
                    return state.closed || Task.isCancelled
                }
                if closed {
                    continuation.resume(
                        throwing: Failure(description: "the browser is gone, or the wait was cancelled")
                    )
                    return
                }
                let written = data.withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
                if written != data.count {
                    let waiting = state.withLock { $0.pending.removeValue(forKey: id) }
                    waiting?.resume(throwing: Failure(description: "could not write to the browser"))
                }
            }
        } onCancel: {
            state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// The reading thread: splits the browser's output at NULs and hands out answers and events.
    private func readAnswers() {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            buffer.append(contentsOf: chunk[0 ..< count])
            while let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex ..< end]
                buffer = Data(buffer[(end + 1)...])
                handle(Data(message))
            }
        }
        let pending = state.withLock { state in
            state.closed = true
            defer { state.pending = [:] }
            return state.pending
        }
        for continuation in pending.values {
            continuation.resume(throwing: Failure(description: "the browser exited"))
        }
        Glibc.close(answers)
    }

    private func handle(_ message: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any] else { return }
        if let id = object["id"] as? Int {
            let continuation = state.withLock { $0.pending.removeValue(forKey: id) }
            if let error = object["error"] {
                continuation?.resume(throwing: Failure(description: "\(error)"))
            } else {
                continuation?.resume(returning: Self.sendable(object["result"]) as? [String: any Sendable] ?? [:])
            }
        } else if let method = object["method"] as? String {
            state.withLock { $0.events.append(method) }
        }
    }

    /// JSON from JSONSerialization as Sendable values.
    private static func sendable(_ value: Any?) -> (any Sendable)? {
        switch value {
        case let dictionary as [String: Any]: return dictionary.compactMapValues { sendable($0) }
        case let array as [Any]: return array.compactMap { sendable($0) }
        case let string as String: return string
        case let number as NSNumber: return number.doubleValue
        default: return nil
        }
    }
}
