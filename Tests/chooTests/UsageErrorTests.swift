import ChooCore
import ChooTesting
import Foundation
import Testing

/// Mistyped commands, options and values, through the built binary: exit 2, a "did you mean" and
/// where to see the list; the right spelling still works.
@Suite(.temporaryDirectory)
struct UsageErrorTests {
    let directory = TemporaryDirectory.current
    let fixture = SpecFixture(root: TemporaryDirectory.current.path)

    init() throws {
        try fixture.markRepositoryRoot()
        try fixture.unit("core")
    }

    func choo(_ arguments: String...) async throws -> ChooBinary.Result {
        try await ChooBinary.run(arguments, in: directory.path)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var expected: [String]
        var testDescription: String { "choo " + arguments.joined(separator: " ") }
    }

    static let commandList =
        "The commands are: validate, run, status, prompt, logs, history, web, cleanup, demo, watch, stop, mcp, notify, "
        + "help.\n"
        + "See 'choo --help' for what each does."

    static let cases: [Case] = [
        Case(
            arguments: ["statsu"],
            expected: ["error: unknown command 'statsu'. Did you mean 'status'?", commandList]
        ),
        Case(arguments: ["stat", "--json"], expected: ["error: unknown command 'stat'. Did you mean 'status'?"]),
        Case(arguments: ["frobnicate"], expected: ["error: unknown command 'frobnicate'.\n" + commandList]),
        Case(
            arguments: ["run", "--paralel", "2"],
            expected: [
                "error: unknown option '--paralel' for 'choo run'. Did you mean '--parallelism'?",
                "See 'choo run --help' for its options.",
            ]
        ),
        Case(
            arguments: ["run", "--unit", "core", "--dry-rn"],
            expected: ["error: unknown option '--dry-rn' for 'choo run'. Did you mean '--dry-run'?"]
        ),
        Case(
            arguments: ["status", "--paralel=2"],
            expected: ["error: unknown option '--paralel' for 'choo status'.\nSee 'choo status --help'"]
        ),
        Case(arguments: ["run", "-vz"], expected: ["error: unknown option '-z' for 'choo run'."]),
        Case(
            arguments: ["--verison"],
            expected: ["error: unknown option '--verison' for 'choo'. Did you mean '--version'?", "See 'choo --help'"]
        ),
        Case(
            arguments: ["--log-level", "debug", "status"],
            expected: [
                "error: unknown option '--log-level' for 'choo': it is an option of 'choo status', "
                    + "so it goes after 'status'.\nSee 'choo status --help' for its options."
            ]
        ),
        Case(arguments: ["help", "nonsense"], expected: ["error: unknown command 'nonsense'.\n" + commandList]),
        Case(arguments: ["help", "statsu"], expected: ["error: unknown command 'statsu'. Did you mean 'status'?"]),
        Case(
            arguments: ["help", "run", "nonsense"],
            expected: ["error: unknown command 'choo run nonsense': 'choo run' has no subcommands."]
        ),
        Case(
            arguments: ["status", "--log-level", "warnn"],
            expected: [
                "unknown log level `warnn`", "did you mean `warn`? (use one of: `debug`, `info`, `warn`, `error`)",
            ]
        ),
        Case(
            arguments: ["run", "--dry-run", "--provider", "claud"],
            expected: ["unknown provider `claud`", "did you mean `claude`?"]
        ),
    ]

    @Test("a mistyped command, option or value exits 2 with a did-you-mean and where to look", arguments: cases)
    func mistyped(_ example: Case) async throws {
        let result = try await ChooBinary.run(example.arguments, in: directory.path)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        for fragment in example.expected {
            #expect(result.stderr.contains(fragment), "missing \(fragment) in:\n\(result.stderr)")
        }
        #expect(!result.stderr.contains("Usage:"), "argument-parser's own message was kept:\n\(result.stderr)")
    }

    @Test("spelled right, the same commands work")
    func spelledRight() async throws {
        for arguments in [
            ["status"], ["status", "--json"], ["run", "--dry-run", "--parallelism", "2"],
            ["run", "--dry-run", "-vp", "2"],
            ["status", "--log-level", "warn"], ["run", "--dry-run", "--unit", "core"], ["--version"],
        ] {
            let result = try await ChooBinary.run(arguments, in: directory.path)
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        }
    }

    @Test("choo help <command> prints that command's help; choo help alone the main help")
    func helpForCommand() async throws {
        let run = try await choo("help", "run")
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("USAGE: choo run"))
        #expect(run.stdout.contains("--parallelism"))
        let main = try await choo("help")
        #expect(main.exitCode == 0, "\(main.stderr)")
        #expect(main.stdout.contains("SUBCOMMANDS:"))
    }

    @Test("argument-parser's message stays for mistakes that are not a misspelled name")
    func otherUsageErrors() async throws {
        let missing = try await choo("run", "--unit")
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("Missing value for '--unit <unit>'"), "\(missing.stderr)")
        let shell = try await choo("--generate-completion-script", "bashh")
        #expect(shell.exitCode == 2)
        #expect(shell.stderr.contains("Can't generate completion scripts for 'bashh'"), "\(shell.stderr)")
        let extra = try await choo("status", "specs/tasks", "extra")
        #expect(extra.exitCode == 2)
        #expect(extra.stderr.contains("Unexpected argument 'extra'"), "\(extra.stderr)")
    }
}
