import ChooCore
import ChooTesting
import Foundation
import Testing

@Suite(.temporaryDirectory)
struct GitHubTokenTests {
    let folder = TemporaryDirectory.current

    /// Puts a `gh` script that runs `body` in a folder of its own; the PATH that finds it.
    func installGH(_ body: String) throws -> String {
        let bin = folder("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n\(body)\n".write(toFile: bin + "/gh", atomically: true, encoding: .utf8)
        chmod(bin + "/gh", 0o755)
        return bin + ":/usr/bin:/bin"
    }

    @Test("GITHUB_TOKEN wins over GH_TOKEN, which wins over gh")
    func precedence() async throws {
        let path = try installGH("echo from-gh")
        let runner = SystemProcessRunner()
        let both = ["GITHUB_TOKEN": "one", "GH_TOKEN": "two", "PATH": path]
        let first = try #require(await GitHubToken.discover(environment: both, runner: runner))
        #expect(first.value == "one")
        #expect(first.source == "GITHUB_TOKEN")
        let second = try #require(
            await GitHubToken.discover(environment: ["GH_TOKEN": "two", "PATH": path], runner: runner)
        )
        #expect(second.value == "two")
        #expect(second.source == "GH_TOKEN")
    }

    @Test("blank variables are skipped; gh auth token is asked next and its output trimmed")
    func ghAuthToken() async throws {
        let path = try installGH(#"[ "$1 $2" = "auth token" ] || exit 3; printf '  gho_fromgh \n'; echo noise >&2"#)
        let environment = ["GITHUB_TOKEN": "", "GH_TOKEN": "  \n", "PATH": path]
        let token = try #require(await GitHubToken.discover(environment: environment, runner: SystemProcessRunner()))
        #expect(token.value == "gho_fromgh")
        #expect(token.source == "gh auth token")
    }

    @Test("a host other than github.com is passed to gh")
    func ghHostname() async throws {
        let path = try installGH(#"[ "$3 $4" = "--hostname ghe.example.com" ] && echo enterprise"#)
        let token = await GitHubToken.discover(
            environment: ["PATH": path],
            runner: SystemProcessRunner(),
            host: "ghe.example.com"
        )
        #expect(token?.value == "enterprise")
    }

    @Test("nothing found: no variables and gh missing, failing, or printing nothing")
    func noneFound() async throws {
        let runner = SystemProcessRunner()
        #expect(await GitHubToken.discover(environment: ["PATH": folder("nothing-here")], runner: runner) == nil)
        let failing = try installGH("echo 'not logged in' >&2; exit 1")
        #expect(await GitHubToken.discover(environment: ["PATH": failing], runner: runner) == nil)
        let silent = try installGH("exit 0")
        #expect(await GitHubToken.discover(environment: ["PATH": silent], runner: runner) == nil)
    }

    @Test("without PATH entries to search, gh is never run")
    func ghNotRunWhenAbsent() async {
        let token = await GitHubToken.discover(environment: ["PATH": "/nonexistent"], runner: FailingProcessRunner())
        #expect(token == nil)
    }

    @Test("descriptions never show the secret; redact hides every occurrence")
    func redaction() {
        let token = GitHubToken(value: "ghp_abc123", source: "GH_TOKEN")
        #expect(token.description == "GitHubToken(from GH_TOKEN, redacted)")
        #expect(!"\(token)".contains("ghp_abc123"))
        #expect(!String(reflecting: token).contains("ghp_abc123"))
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("ghp_abc123"))
        #expect(token.redact("a ghp_abc123 b ghp_abc123") == "a *** b ***")
        #expect(GitHubToken(value: "", source: "x").redact("text") == "text")
    }
}
