import ChooCore
import Foundation

/// Fake `claude` and `codex` executables, for tests: bash scripts that take the real CLIs'
/// arguments, do the work the way ``FakeAgent``'s scripts do (they share its prompt reading, its
/// `work/<unit>-<task>.done` file and its marking of the task), and print what the real CLIs print
/// in their machine formats: Claude Code's `stream-json` (`system/init`, `assistant` messages with
/// tool calls and per-step usage, `user` tool results, `rate_limit_event`, `result`) and Codex's
/// `exec --json` lines (`thread.started`, `turn.*`, `item.*`, `error`). Without
/// `--output-format stream-json` / `--json` they print only their final message, as the CLIs do.
///
/// Every invocation's arguments are recorded (``Installed/invocations``), every prompt too
/// (``Installed/prompts``), and every session or thread id printed (``Installed/sessions``).
/// Conversations are kept beside the script, so a resume of one that exists continues it (Claude
/// under a new session id, only from the folder it started in; Codex under the same thread id,
/// adding to the thread's token totals) and a resume of one that does not fails as the CLI does.
/// Both exit 0 on success and 1 on any error, a usage limit included.
package enum FakeCLI {
    /// Which CLI the script stands in for.
    package enum Kind: String, Sendable, CaseIterable {
        /// Claude Code: `claude --dangerously-skip-permissions [--max-turns N] [--model M] -p
        /// --output-format stream-json --verbose [--resume <session id>] [<prompt>]`.
        case claude
        /// Codex: `codex exec --json --yolo [-m M] [resume <thread id>] [<prompt> | -]`.
        case codex
    }

    /// The work an invocation reports: every successful task turn takes ``steps`` API calls, each
    /// using ``step`` tokens, and costs ``costUSD`` (Claude reports it; Codex reports no cost).
    package struct Work: Sendable, Hashable {
        /// The API calls a successful task turn makes: read the task, write the work, check it,
        /// mark the task, say it is done.
        package static let steps = 5

        /// The tokens each API call uses, in ``TokenUsage``'s terms (input without the cache).
        package var step: TokenUsage
        /// What Claude reports the invocation cost, in US dollars.
        package var costUSD: Double
        /// How long Claude reports the invocation took.
        package var durationMilliseconds: Int
        /// The model Claude reports when `--model` is not given (Codex names none).
        package var model: String

        /// Work with the given figures; the defaults are small and distinct.
        package init(
            step: TokenUsage = TokenUsage(input: 3, output: 120, cacheRead: 4000, cacheWrite: 600),
            costUSD: Double = 0.0425,
            durationMilliseconds: Int = 4321,
            model: String = "claude-sonnet-4-5-20250929"
        ) {
            self.step = step
            self.costUSD = costUSD
            self.durationMilliseconds = durationMilliseconds
            self.model = model
        }

        /// The tokens one successful task turn of `kind` reports, as its decoder reads them: all
        /// ``steps`` calls; Codex counts no cache writes.
        package func usage(_ kind: Kind) -> TokenUsage {
            let steps = Self.steps
            return TokenUsage(
                input: step.input * steps,
                output: step.output * steps,
                cacheRead: step.cacheRead * steps,
                cacheWrite: kind == .claude ? step.cacheWrite * steps : 0
            )
        }
    }

    /// What the CLI does with each invocation. Turns that fix baseline checks or address review
    /// and CI feedback are answered as ``FakeAgent`` answers them, in a one-step stream.
    package enum Behaviour: Sendable {
        /// Does the first offered task and marks it complete, in ``Work/steps`` API calls with
        /// tool calls (`Read`, `Write`, `Bash`, `Edit` the task file), text and usage.
        case work
        /// Like ``work``, but the task file's `Read` returns `bytes` bytes: one line that long.
        case hugeLine(bytes: Int = 20_000_000)
        /// Like ``work``, after printing `banner`, a line that is not JSON, first.
        case banner(String = "Claude Code has switched from npm to native installer. Run `claude install`.")
        /// The first `invocations` invocations hit the subscription's usage limit, which resets at
        /// `resetsAt` (Claude: a rejected `rate_limit_event` with `resetsAt` and `window`, the
        /// synthetic `rate_limit` message ``claudeLimitText(resetsAt:now:)``, an error result with
        /// status 429 and no turns or cost; Codex: an `error` and a `turn.failed` with
        /// ``codexLimitText(resetsAt:now:)``); later ones work. Exit 1.
        case usageLimit(invocations: Int, resetsAt: Date, window: String = "five_hour")
        /// Like ``usageLimit(invocations:resetsAt:window:)``, but with no structured signal: only
        /// the text, in Claude's result (no turns, no cost). Codex has no other kind of limit.
        case textOnlyLimit(invocations: Int, resetsAt: Date)
        /// Like ``work``, but the first message quotes the CLI's usage-limit text.
        case quotesLimitText
        /// Like ``work``, but no resumed conversation is ever found: every resume fails as the
        /// CLI's does (Claude: an `error_during_execution` result saying `No conversation found
        /// with session ID: <id>`; Codex: an `error` and `turn.failed`). Exit 1.
        case forgetsSessions
        /// Like ``work``, but the first message says `secret` and the value of the environment
        /// variable `environment`, for redaction tests.
        case printsSecret(String, environment: String)
        /// Like ``work``, but after reading the task (no tool call open) it waits until a line can
        /// be read from the FIFO `gate`, if it exists; only for the task file named `task` (e.g.
        /// `01-task-1`) when given.
        case waitAtGate(String, task: String? = nil)
        /// Like ``work``, but its first tool call stays open and silent until a line can be read
        /// from the FIFO `gate`, if it exists; only for the task file named `task` when given.
        case silentTool(String, task: String? = nil)
        /// Runs `body`, bash lines that may use the script's functions: `work` (the whole turn),
        /// `start_session`, `allowed` (Claude's `allowed` rate-limit event), `step <text> [<tool>
        /// <input key> <target>]`, `tool_done [true|false] [<output>]`, `succeed`, `fail_turn
        /// <message>` (Codex), `not_found`, `limit_hit` and `text_limit` (with `$limit_text`,
        /// `$limit_epoch`, `$limit_window` set), and its variables: `$n` (this invocation's number,
        /// from 1), `$resume`, `$model`, `$opening` and `$closing` (the first and last message's
        /// text), plus everything ``FakeAgent/Behaviour/scripted(_:)`` offers.
        case scripted(String)
    }

    /// One recorded invocation.
    package struct Invocation: Sendable, Hashable, Decodable {
        /// The arguments, without the executable.
        package var arguments: [String]
        /// The folder it ran in.
        package var workingDirectory: String
        /// Whether the prompt came on standard input rather than as an argument.
        package var promptOnStandardInput: Bool
        /// The session (Claude) or thread (Codex) id it was asked to resume.
        package var resumed: String?
        /// The model it was asked for (`--model`, `-m`).
        package var model: String?

        private enum CodingKeys: String, CodingKey {
            case arguments = "argv"
            case workingDirectory = "cwd"
            case promptOnStandardInput = "stdin"
            case resumed = "resume"
            case model
        }
    }

    /// An installed fake CLI.
    package struct Installed: Sendable {
        /// Which CLI it stands in for.
        package var kind: Kind
        /// The executable's absolute path (`<folder>/claude` or `<folder>/codex`).
        package var path: String

        private var folder: String { (path as NSString).deletingLastPathComponent }

        init(kind: Kind, path: String) {
            self.kind = kind
            self.path = path
        }

        /// Where the records of `name` are kept beside the script.
        func record(_ name: String) -> String { folder + "/\(kind.rawValue).\(name)" }

        /// Every invocation so far, in order.
        package var invocations: [Invocation] {
            lines(of: record("invocations.log")).compactMap {
                try? JSONDecoder().decode(Invocation.self, from: Data($0.utf8))
            }
        }

        /// The prompts received so far, one per invocation.
        package var prompts: [String] {
            let text = (try? String(contentsOfFile: record("prompts.log"), encoding: .utf8)) ?? ""
            return text.components(separatedBy: "\n=== end of prompt ===\n").dropLast()
        }

        /// The session (Claude) or thread (Codex) ids printed so far, one per conversation started
        /// or resumed.
        package var sessions: [String] { lines(of: record("sessions.log")) }

        /// The process ids of every invocation, in order.
        package var processIdentifiers: [Int32] { lines(of: record("pids.log")).compactMap { Int32($0) } }

        /// The `.choo.yaml` lines that make this script the provider of its kind, run with choo's
        /// built-in arguments.
        package var configYAML: String {
            """
            provider:
              type: \(kind.rawValue)
              providers:
                \(kind.rawValue):
                  command: \(path)

            """
        }

        private func lines(of file: String) -> [String] {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init)
        }
    }

    /// Writes the `kind` executable into `directory` (created if needed): `behaviour` for every
    /// unit except those named in `overrides`, reporting `work`.
    package static func install(
        _ kind: Kind,
        _ behaviour: Behaviour = .work,
        overrides: [String: Behaviour] = [:],
        work: Work = Work(),
        in directory: String,
        now: Date = Date()
    ) throws -> Installed {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let installed = Installed(kind: kind, path: directory + "/" + kind.rawValue)
        for name in ["invocations.log", "prompts.log", "sessions.log", "pids.log"] {
            try Data().write(to: URL(fileURLWithPath: installed.record(name)))
        }
        try FileManager.default.createDirectory(
            atPath: installed.record("state/sessions"),
            withIntermediateDirectories: true
        )
        var script = Script(kind: kind, installed: installed, work: work, now: now).prelude
        if overrides.isEmpty {
            script += body(behaviour, kind: kind, now: now)
        } else {
            script += "case \"$unit\" in\n"
            for (unit, special) in overrides.sorted(by: { $0.key < $1.key }) {
                script += "\(ChooBinary.shellQuoted(unit)))\n" + body(special, kind: kind, now: now) + ";;\n"
            }
            script += "*)\n" + body(behaviour, kind: kind, now: now) + ";;\nesac\n"
        }
        try script.write(toFile: installed.path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: installed.path)
        return installed
    }

    private static func body(_ behaviour: Behaviour, kind: Kind, now: Date) -> String {
        let quoted = ChooBinary.shellQuoted
        switch behaviour {
        case .work:
            return "work\n"
        case .hugeLine(let bytes):
            return "huge=\(bytes)\nwork\n"
        case .banner(let banner):
            return "printf '%s\\n' \(quoted(banner))\nwork\n"
        case .usageLimit(let invocations, let resetsAt, let window):
            return limit(kind: kind, resetsAt: resetsAt, window: window, now: now)
                + "[ \"$n\" -gt \(invocations) ] || limit_hit\nwork\n"
        case .textOnlyLimit(let invocations, let resetsAt):
            return limit(kind: kind, resetsAt: resetsAt, window: "five_hour", now: now)
                + "[ \"$n\" -gt \(invocations) ] || text_limit\nwork\n"
        case .quotesLimitText:
            let example = Date(timeIntervalSince1970: 1_778_565_600)
            let text = kind == .claude ? claudeLimitText(resetsAt: example) : codexLimitText(resetsAt: example)
            return
                "opening=\(quoted("The docs say the CLI prints \"\(text)\" at a usage limit; I'll handle it."))\nwork\n"
        case .forgetsSessions:
            return "forget=1\nwork\n"
        case .printsSecret(let secret, let environment):
            let name = environment.filter { $0.isLetter || $0.isNumber || $0 == "_" }
            return "opening=\(quoted("I found the token \(secret) and \(name)="))\"${\(name)}\"\nwork\n"
        case .waitAtGate(let gate, let task):
            return "if [ -p \(quoted(gate)) ]\(onlyFor(task)); then hold=\(quoted(gate)); fi\nwork\n"
        case .silentTool(let gate, let task):
            return "if [ -p \(quoted(gate)) ]\(onlyFor(task)); then tool_hold=\(quoted(gate)); fi\nwork\n"
        case .scripted(let lines):
            return lines + "\n"
        }
    }

    private static func onlyFor(_ task: String?) -> String {
        task.map { " && [ \"$task\" = \(ChooBinary.shellQuoted($0)) ]" } ?? ""
    }

    private static func limit(kind: Kind, resetsAt: Date, window: String, now: Date) -> String {
        let text =
            kind == .claude
            ? claudeLimitText(resetsAt: resetsAt, now: now) : codexLimitText(resetsAt: resetsAt, now: now)
        return "limit_text=\(ChooBinary.shellQuoted(text))\nlimit_epoch=\(Int(resetsAt.timeIntervalSince1970))\n"
            + "limit_window=\(ChooBinary.shellQuoted(window))\n"
    }

    /// The zone Claude's limit messages name.
    package static let claudeLimitZone = TimeZone(identifier: "Europe/Lisbon") ?? .gmt

    /// Claude's usage-limit message for a limit resetting at `resetsAt`, in Europe/Lisbon time:
    /// `You've hit your limit · resets 2pm (Europe/Lisbon)` (`2:30pm` off the hour; with the day,
    /// `Sep 15, 3am`, when the reset is more than a day after `now`).
    package static func claudeLimitText(resetsAt: Date, now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = claudeLimitZone
        formatter.dateFormat = "h:mma"
        var time = formatter.string(from: resetsAt).lowercased().replacingOccurrences(of: ":00", with: "")
        if resetsAt.timeIntervalSince(now) > 86400 {
            formatter.dateFormat = "MMM d"
            time = formatter.string(from: resetsAt) + ", " + time
        }
        return "You've hit your limit · resets \(time) (\(claudeLimitZone.identifier))"
    }

    /// Codex's usage-limit message for a limit resetting at `resetsAt`, in this machine's time
    /// (the zone Codex uses): `… or try again at 3:28 PM.` on the day of `now`, else `… or try again
    /// at Aug 8th, 2026 12:30 PM.`
    package static func codexLimitText(resetsAt: Date, now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "h:mm a"
        var time = formatter.string(from: resetsAt)
        if !Calendar.current.isDate(resetsAt, inSameDayAs: now) {
            let day = Calendar.current.component(.day, from: resetsAt)
            let suffix =
                (11 ... 13).contains(day % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][day % 10, default: "th"]
            formatter.dateFormat = "MMM d'\(suffix)', yyyy h:mm a"
            time = formatter.string(from: resetsAt)
        }
        return "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit "
            + "https://chatgpt.com/codex/settings/usage to purchase more credits or try again at \(time)."
    }
}
