import ChooCore
import ChooTesting
import Foundation
import Testing

/// The README and docs/CONFIGURATION.md are checked against the CLI, so they cannot drift from it.
@Suite(.temporaryDirectory)
struct DocumentationTests {
    /// The package root, where the README is.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // chooTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    private static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The flags (`--name`, `-x`) in a piece of usage text.
    private static func flags(in usage: String) -> [String] {
        usage.split(whereSeparator: { " [|]`".contains($0) }).map(String.init).filter {
            $0.hasPrefix("-") && $0.count > 1
        }
    }

    /// `choo <command> --help`.
    private func help(_ command: String) async throws -> String {
        let result = try await ChooBinary.run([command, "--help"], in: TemporaryDirectory.current.path)
        #expect(result.exitCode == 0, "choo \(command) --help: \(result.stderr)")
        return result.stdout
    }

    @Test("every flag the README's command table shows is one its command accepts")
    func readmeCommandTable() async throws {
        let rows = try Self.text("README.md").split(separator: "\n").filter { $0.hasPrefix("| `choo ") }
        #expect(rows.count >= 8)
        var checked = 0
        for row in rows {
            let usage = String(row.dropFirst("| `choo ".count).prefix { $0 != "`" })
            guard let command = usage.split(separator: " ").first.map(String.init), !command.hasPrefix("-") else {
                continue
            }
            let help = try await help(command)
            for flag in Self.flags(in: String(usage.dropFirst(command.count))) {
                #expect(help.contains(flag + " ") || help.contains(flag + ","), "README: `choo \(command) \(flag)`")
                checked += 1
            }
        }
        #expect(checked >= 20, "the table's flags were found")
    }

    @Test("the README's shell-completion commands, run as shown, install a script for bash, zsh and fish")
    func readmeCompletions() async throws {
        let readme = try Self.text("README.md")
        let section = try #require(readme.components(separatedBy: "### Shell completions").dropFirst().first)
        let block = try #require(
            section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first
        )
        let home = TemporaryDirectory.current.path + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let binaryFolder = URL(fileURLWithPath: ChooBinary.path).deletingLastPathComponent().path
        let environment = [
            "HOME": home, "PATH": binaryFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]
        func bash(_ script: String) async throws -> ChooBinary.Result {
            try await ChooBinary.run(
                ["-e", "-c", script],
                in: TemporaryDirectory.current.path,
                environment: environment,
                executable: "/bin/bash"
            )
        }
        let installed = try await bash(block)
        #expect(installed.exitCode == 0, "README's completion commands: \(installed.stderr)")
        for file in [
            ".local/share/bash-completion/completions/choo", ".zsh/completions/_choo",
            ".config/fish/completions/choo.fish",
        ] {
            let script = (try? String(contentsOfFile: home + "/" + file, encoding: .utf8)) ?? ""
            #expect(script.contains("validate") && script.contains("cleanup"), "~/\(file) lacks the commands")
        }
        #expect(block.components(separatedBy: "--generate-completion-script ").count == 4, "one command per shell")
        // The bash script, and the README's line for a shell without bash-completion, register choo's completion.
        let sourceLine = try #require(
            section.components(separatedBy: "`source <(").dropFirst().first?.prefix { $0 != "`" }
        )
        for script in [". ~/.local/share/bash-completion/completions/choo", "source <(" + sourceLine] {
            let registered = try await bash(script + "; complete -p choo")
            #expect(registered.exitCode == 0, "\(script): \(registered.stderr)")
            #expect(registered.stdout.contains("-F _choo choo"), "\(script): \(registered.stdout)")
        }
    }

    @Test("every flag in docs/CONFIGURATION.md's Flags table is one `choo run` accepts")
    func configurationFlags() async throws {
        let text = try Self.text("docs/CONFIGURATION.md")
        let table = try #require(text.components(separatedBy: "## Flags").last)
        let flags = table.split(separator: "\n").filter { $0.hasPrefix("| `-") }.flatMap {
            Self.flags(in: String($0.split(separator: "|").first ?? ""))
        }
        #expect(flags.count >= 5)
        let help = try await help("run")
        for flag in flags { #expect(help.contains(flag), "docs/CONFIGURATION.md names \(flag)") }
    }

    @Test("the keys docs/CONFIGURATION.md calls not used yet are exactly the ones choo does not act on")
    func notUsedYet() throws {
        let unused = Set(ConfigLoader.knownKeys).subtracting(ConfigLoader.usedKeys)
        #expect(!unused.isEmpty)
        #expect(unused.allSatisfy { $0.hasPrefix("code_review.") || $0.hasPrefix("feature.") }, "\(unused.sorted())")
        #expect(try Self.text("docs/CONFIGURATION.md").contains("except the `code_review.*`\nand `feature.*` keys"))
    }

    @Test("docs/CONFIGURATION.md's key tables list exactly the keys the decoder knows")
    func configurationKeys() throws {
        let text = try Self.text("docs/CONFIGURATION.md")
        let keys = try #require(
            text.components(separatedBy: "## Keys").last?.components(separatedBy: "## Durations").first
        )
        let documented = keys.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { row in
            row.dropFirst("| `".count).split(separator: "`").first.map(String.init)
        }
        #expect(documented.count >= 30)
        let known = Set(ConfigLoader.knownKeys)
        for key in documented {
            #expect(known.contains(key), "docs/CONFIGURATION.md documents `\(key)`, which choo does not know")
        }
        for key in known.subtracting(documented).sorted() {
            Issue.record("`\(key)` is a setting choo reads, missing from docs/CONFIGURATION.md")
        }
    }
}
