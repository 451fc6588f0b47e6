import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Shell scripts that behave like coding agents, for tests: they read choo's prompt (first
/// argument, or stdin), pick the first offered task, and act it out.
///
/// "Doing the work" means writing `work/<unit>-<task file name>.done` in the worktree, so a
/// backpressure command like `test -f work/<unit>-01-task-1.done` proves the work happened.
/// Every prompt received is appended to `prompts.log` beside the script.
package enum FakeAgent {
    /// What the agent does with each prompt.
    package enum Behaviour: Sendable {
        /// Does the first offered task and marks it complete.
        case completeNextTask
        /// Marks the first offered task complete without doing the work the first time it sees
        /// that task; does it properly the next time.
        case markWithoutWorkingFirst
        /// Looks around and exits 0 without marking anything.
        case neverMarks
        /// Prints an error and exits with `code`.
        case crash(code: Int32)
        /// Prints a line, then waits forever (killed by choo's timeouts).
        case hang
        /// Waits forever without printing: it outlives a killed choo (a write to choo's dead pipe
        /// would end it with SIGPIPE).
        case hangQuietly
        /// Meets every other unit's agent first: writes to each other FIFO in `directory` and reads
        /// its own (`directory/<unit>`), then does the task. Agents that do not run at the same time
        /// never meet, and wait until choo's timeout stops them.
        case rendezvous(directory: String)
        /// Like `completeNextTask`, and also appends the unit's name as a line of `file` (relative to
        /// the worktree), so units running side by side conflict there. Asked to resolve a conflict,
        /// it keeps both sides (drops the markers) when `resolves`, else changes nothing.
        case appendToShared(file: String, resolves: Bool)
        /// Like `completeNextTask`, but before the task whose file name is `task` (e.g.
        /// `02-task-2`) it waits until a line can be read from the FIFO `gate`, if it exists.
        case waitAtGate(task: String, gate: String)
        /// Runs `body`, shell lines that may use what every fake agent has: `$prompt`, `$file` (the
        /// first offered task's file), `$unit`, `$task` (its file name without `.md`), `$seen` (a path
        /// that exists once this unit's task was seen before: `first_visit` says so and creates it),
        /// `do_work` and `mark_complete`. For agents that misbehave.
        case scripted(String)
    }

    /// An installed fake agent.
    package struct Installed: Sendable {
        /// The script's absolute path.
        package var path: String
        /// Where every prompt is appended, separated by `=== end of prompt ===` lines.
        package var promptLog: String

        /// The process ids of every agent started, in order.
        package var processIdentifiers: [Int32] {
            let folder = (promptLog as NSString).deletingLastPathComponent
            let text = (try? String(contentsOfFile: folder + "/pids.log", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { Int32($0) }
        }

        /// The prompts received so far.
        package var prompts: [String] {
            let text = (try? String(contentsOfFile: promptLog, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "=== end of prompt ===\n").filter { !$0.isEmpty }
        }

        /// The `.choo.yaml` lines that make this script the agent, under the provider name `fake`.
        package var configYAML: String { configYAML(standardInputArguments: nil) }

        /// Like ``configYAML``, with `stdin_args` set when `standardInputArguments` is given.
        package func configYAML(standardInputArguments: [String]?) -> String {
            var text = """
                provider:
                  type: fake
                  providers:
                    fake:
                      command: \(path)
                      args: ["{prompt}"]

                """
            if let standardInputArguments {
                let list = standardInputArguments.map { "\"\($0)\"" }.joined(separator: ", ")
                text += "      stdin_args: [\(list)]\n"
            }
            return text
        }
    }

    /// Writes the script into `directory` (created if needed): `behaviour` for every unit except
    /// those named in `overrides`.
    package static func install(
        _ behaviour: Behaviour,
        overrides: [String: Behaviour] = [:],
        in directory: String
    ) throws -> Installed {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/fake-agent.sh"
        let log = directory + "/prompts.log"
        let state = directory + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        var script = header(log: log, pids: directory + "/pids.log")
        if overrides.isEmpty {
            script += body(behaviour, state: state)
        } else {
            script += "case \"$unit\" in\n"
            for (unit, special) in overrides.sorted(by: { $0.key < $1.key }) {
                script += "'\(unit)')\n" + body(special, state: state) + ";;\n"
            }
            script += "*)\n" + body(behaviour, state: state) + ";;\nesac\n"
        }
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return Installed(path: path, promptLog: log)
    }

    private static func header(log: String, pids: String) -> String {
        #"""
        #!/bin/sh
        # A stand-in for a coding agent, written by choo's tests.
        echo $$ >> '\#(pids)'
        prompt="$1"
        [ -n "$prompt" ] || prompt=$(cat)
        finish() { [ -z "$1" ] || echo "$1"; exit 0; }

        """# + promptCore(log: log) + specialTurns
    }

    /// The shell lines every fake agent (this one and ``FakeCLI``'s) runs once it has its prompt in
    /// `$prompt`: appends it to `log`, prints the environment when asked to, and finds the first
    /// offered task: `$file` (or `$remembered_file`, a resumed conversation's, when the prompt
    /// offers none), `$unit`, `$task`, with `do_work` and `mark_complete`.
    static func promptCore(log: String) -> String {
        #"""
        printf '%s\n=== end of prompt ===\n' "$prompt" >> '\#(log)'
        # A careless agent: prints its whole environment (secrets included) when asked to.
        [ -z "$FAKE_AGENT_PRINTS_ENVIRONMENT" ] || env
        file=$(printf '%s\n' "$prompt" | sed -n 's/^- File: `\(.*\)` (it describes the work)$/\1/p' | head -n 1)
        [ -n "$file" ] || file="$remembered_file"
        unit=$(basename "$(dirname "$file")")
        task=$(basename "$file" .md)
        do_work() { mkdir -p work && echo "done by the fake agent" > "work/$unit-$task.done"; }
        mark_complete() { sed -i 's/^status:.*/status: complete/' "$file"; }

        """#
    }

    /// The turns every fake agent answers the same way, ending with `finish <its answer>` (which
    /// each script defines): fixing the baseline checks, addressing review feedback or failing CI.
    static let specialTurns = #"""
        # Asked to fix failing baseline checks: leave the marker the tests' checks look for.
        case "$prompt" in *"project-wide checks fail"*) mkdir -p work && touch work/baseline-fixed; finish "";; esac
        # Asked to address review feedback or failing CI checks on a pull request: note it in work/feedback.log.
        case "$prompt" in *"reviewers asked for changes"*|*"fails these CI checks"*)
            mkdir -p work && echo "addressed" >> work/feedback.log; finish "addressed the feedback";;
        esac

        """#

    private static func body(_ behaviour: Behaviour, state: String) -> String {
        switch behaviour {
        case .completeNextTask:
            return #"""
                [ -n "$file" ] || { echo "nothing offered"; exit 0; }
                echo "working on $file"
                do_work && mark_complete
                echo "done"

                """#
        case .markWithoutWorkingFirst:
            return #"""
                [ -n "$file" ] || exit 0
                seen='\#(state)'/"$unit-$task"
                if [ -f "$seen" ]; then do_work; else touch "$seen"; echo "skipping the work"; fi
                mark_complete

                """#
        case .neverMarks:
            return "echo \"I looked around and changed nothing\"\n"
        case .crash(let code):
            return "echo \"fake agent: something broke\" >&2\nexit \(code)\n"
        case .hang:
            return "echo \"thinking...\"\nsleep 600\n"
        case .hangQuietly:
            return "exec sleep 600\n"
        case .rendezvous(let directory):
            return #"""
                for peer in '\#(directory)'/*; do
                    [ "$peer" = '\#(directory)'/"$unit" ] || { echo "$unit" > "$peer" & }
                done
                read line < '\#(directory)'/"$unit"
                echo "met $line"
                do_work && mark_complete

                """#
        case .appendToShared(let shared, let resolves):
            let resolution =
                resolves
                ? #"""
                for f in $(printf '%s\n' "$prompt" | sed -n 's/^- `\(.*\)`$/\1/p'); do
                    sed -i '/^<<<<<<< /d;/^=======$/d;/^>>>>>>> /d' "$f"
                done
                """#
                : "echo \"I cannot resolve this\""
            return #"""
                case "$prompt" in *"These files have conflicts"*)
                \#(resolution)
                exit 0;;
                esac
                [ -n "$file" ] || exit 0
                echo "$unit" >> '\#(shared)'
                do_work && mark_complete

                """#
        case .scripted(let lines):
            return #"""
                seen='\#(state)'/"$unit-$task"
                first_visit() { [ -f "$seen" ] && return 1; touch "$seen"; return 0; }

                """# + lines + "\n"
        case .waitAtGate(let task, let gate):
            return #"""
                [ -n "$file" ] || exit 0
                if [ "$task" = '\#(task)' ] && [ -p '\#(gate)' ]; then echo "waiting at the gate"; read line < '\#(gate)'; fi
                do_work && mark_complete

                """#
        }
    }
}

extension FakeAgent {
    /// Creates the FIFO `path` for ``Behaviour/waitAtGate(task:gate:)`` and returns its path.
    package static func makeGate(_ path: String) throws -> String {
        guard mkfifo(path, 0o600) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return path
    }

    /// Lets an agent held by ``Behaviour/waitAtGate(task:gate:)`` go on: writes a line to the FIFO
    /// `gate` (opening it waits until the agent has it open for reading).
    package static func openGate(_ gate: String) throws {
        guard let handle = FileHandle(forWritingAtPath: gate) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: gate])
        }
        handle.write(Data("go\n".utf8))
        try handle.close()
    }
}
