import ChooCore
import Testing

/// One bad `.choo.yaml` and the single diagnostic it must produce.
struct BadConfigCase: Sendable, CustomTestStringConvertible {
    /// The file's text.
    var yaml: String
    /// The rule the diagnostic must carry.
    var rule: Diagnostic.Rule
    /// Text the message must contain: the key path and the bad value.
    var messageParts: [String]
    /// The 1-based line the diagnostic must point at.
    var line: Int
    /// Text the hint must contain.
    var hintPart: String

    var testDescription: String { yaml.replacingOccurrences(of: "\n", with: "⏎") }
}

extension ConfigTests {
    struct ConfigDiagnosticsTests {
        static let typeErrors: [BadConfigCase] = [
            BadConfigCase(
                yaml: "verify:\n  conflict_markers: maybe\n",
                rule: .configType,
                messageParts: ["`verify.conflict_markers`", "`maybe`"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "verify:\n  agent_may_edit_specs: [yes]\n",
                rule: .configType,
                messageParts: ["`verify.agent_may_edit_specs`", "a list"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "parallelism: four\n",
                rule: .configType,
                messageParts: ["`parallelism`", "`four`"],
                line: 1,
                hintPart: "whole number"
            ),
            BadConfigCase(
                yaml: "parallelism: 2.5\n",
                rule: .configType,
                messageParts: ["`parallelism`", "`2.5`"],
                line: 1,
                hintPart: "whole number"
            ),
            BadConfigCase(
                yaml: "log_level: info\nworktree: 3\n",
                rule: .configType,
                messageParts: ["`worktree`", "`3`"],
                line: 2,
                hintPart: "`base_path`"
            ),
            BadConfigCase(
                yaml: "baseline_checks: {}\n",
                rule: .configType,
                messageParts: ["`baseline_checks`", "a mapping"],
                line: 1,
                hintPart: "- name:"
            ),
            BadConfigCase(
                yaml: "worktree:\n  setup: npm install\n",
                rule: .configType,
                messageParts: ["`worktree.setup`", "`npm install`"],
                line: 2,
                hintPart: "- command:"
            ),
            BadConfigCase(
                yaml: "worktree:\n  teardown:\n    - make clean\n",
                rule: .configType,
                messageParts: ["`worktree.teardown[0]`", "`make clean`"],
                line: 3,
                hintPart: "- command:"
            ),
            BadConfigCase(
                yaml: "worktree:\n  keep: maybe\n",
                rule: .configType,
                messageParts: ["`worktree.keep`", "`maybe`"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "worktree:\n  reuse: sometimes\n",
                rule: .configType,
                messageParts: ["`worktree.reuse`", "`sometimes`"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "worktree:\n  keep_ignored: [build]\n",
                rule: .configType,
                messageParts: ["`worktree.keep_ignored`", "a list"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "claude:\n  command:\n    - claude\n",
                rule: .configType,
                messageParts: ["`claude.command`", "a list"],
                line: 2,
                hintPart: "text"
            ),
            BadConfigCase(
                yaml: "review:\n  timeout: [1h]\n",
                rule: .configType,
                messageParts: ["`review.timeout`", "a list"],
                line: 2,
                hintPart: "`1h30m`"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers: [codex]\n",
                rule: .configType,
                messageParts: ["`provider.providers`", "a list"],
                line: 2,
                hintPart: "command:"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    gemini:\n      command: gemini\n      args: -p\n",
                rule: .configType,
                messageParts: ["`provider.providers.gemini.args`", "`-p`"],
                line: 5,
                hintPart: "args:"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    gemini:\n      command: gemini\n      stdin_args: --stdin\n",
                rule: .configType,
                messageParts: ["`provider.providers.gemini.stdin_args`", "`--stdin`"],
                line: 5,
                hintPart: "args:"
            ),
            BadConfigCase(
                yaml: "merge: rebase\n",
                rule: .configType,
                messageParts: ["`merge`", "`rebase`"],
                line: 1,
                hintPart: "`strategy`"
            ),
            BadConfigCase(
                yaml: "budget: 20\n",
                rule: .configType,
                messageParts: ["`budget`", "`20`"],
                line: 1,
                hintPart: "`max_cost_usd`, `max_tokens`, `per_unit`"
            ),
            BadConfigCase(
                yaml: "budget:\n  per_unit: 5\n",
                rule: .configType,
                messageParts: ["`budget.per_unit`", "`5`"],
                line: 2,
                hintPart: "`max_cost_usd`, `max_tokens`"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_cost_usd: twenty\n",
                rule: .configType,
                messageParts: ["`budget.max_cost_usd`", "`twenty`"],
                line: 2,
                hintPart: "US dollars"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_cost_usd: $20\n",
                rule: .configType,
                messageParts: ["`budget.max_cost_usd`", "`$20`"],
                line: 2,
                hintPart: "`max_cost_usd: 20`"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_cost_usd: .inf\n",
                rule: .configType,
                messageParts: ["`budget.max_cost_usd`", "`.inf`"],
                line: 2,
                hintPart: "a number"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_tokens: 1.5\n",
                rule: .configType,
                messageParts: ["`budget.max_tokens`", "`1.5`"],
                line: 2,
                hintPart: "whole number"
            ),
            BadConfigCase(
                yaml: "budget:\n  per_unit:\n    max_tokens: lots\n",
                rule: .configType,
                messageParts: ["`budget.per_unit.max_tokens`", "`lots`"],
                line: 3,
                hintPart: "whole number"
            ),
            BadConfigCase(
                yaml: "limits:\n  jitter: [1m]\n",
                rule: .configType,
                messageParts: ["`limits.jitter`", "a list"],
                line: 2,
                hintPart: "duration"
            ),
            BadConfigCase(
                yaml: "prices: [claude-opus-4-5]\n",
                rule: .configType,
                messageParts: ["`prices`", "a list"],
                line: 1,
                hintPart: "per million tokens"
            ),
            BadConfigCase(
                yaml: "prices:\n  gpt-5-codex: 1.25\n",
                rule: .configType,
                messageParts: ["`prices.gpt-5-codex`", "`1.25`"],
                line: 2,
                hintPart: "`input: 5`"
            ),
            BadConfigCase(
                yaml: "prices:\n  gpt-5-codex:\n    input: cheap\n",
                rule: .configType,
                messageParts: ["`prices.gpt-5-codex.input`", "`cheap`"],
                line: 3,
                hintPart: "per million tokens"
            ),
            BadConfigCase(
                yaml: "provider:\n  resume: sometimes\n",
                rule: .configType,
                messageParts: ["`provider.resume`", "`sometimes`"],
                line: 2,
                hintPart: "`true` or `false`"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    codex:\n      resume_args: resume\n",
                rule: .configType,
                messageParts: ["`provider.providers.codex.resume_args`", "`resume`"],
                line: 4,
                hintPart: "args:"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    codex:\n      model: [gpt-5]\n",
                rule: .configType,
                messageParts: ["`provider.providers.codex.model`", "a list"],
                line: 4,
                hintPart: "text"
            ),
        ]

        static let valueErrors: [BadConfigCase] = [
            BadConfigCase(
                yaml: "parallelism: 0\n",
                rule: .configValue,
                messageParts: ["`parallelism`", "0"],
                line: 1,
                hintPart: "1 or more"
            ),
            BadConfigCase(
                yaml: "max_attempts: -2\n",
                rule: .configValue,
                messageParts: ["`max_attempts`", "-2"],
                line: 1,
                hintPart: "1 or more"
            ),
            BadConfigCase(
                yaml: "claude:\n  max_turns: -1\n",
                rule: .configValue,
                messageParts: ["`claude.max_turns`", "-1"],
                line: 2,
                hintPart: "0 or more"
            ),
            BadConfigCase(
                yaml: "merge:\n  max_conflict_retries: 0\n",
                rule: .configValue,
                messageParts: ["`merge.max_conflict_retries`", "0"],
                line: 2,
                hintPart: "1 or more"
            ),
            BadConfigCase(
                yaml: "code_review:\n  max_fix_iterations: -1\n",
                rule: .configValue,
                messageParts: ["`code_review.max_fix_iterations`", "-1"],
                line: 2,
                hintPart: "0 or more"
            ),
            BadConfigCase(
                yaml: "log_level: verbose\n",
                rule: .configValue,
                messageParts: ["`log_level`", "`verbose`"],
                line: 1,
                hintPart: "`debug`, `info`, `warn`, `error`"
            ),
            BadConfigCase(
                yaml: "log_level: INFO\n",
                rule: .configValue,
                messageParts: ["`log_level`", "`INFO`"],
                line: 1,
                hintPart: "did you mean `info`?"
            ),
            BadConfigCase(
                yaml: "review:\n  timeout: 2 hours\n",
                rule: .configValue,
                messageParts: ["`review.timeout`", "`2 hours`"],
                line: 2,
                hintPart: "`1h30m`"
            ),
            BadConfigCase(
                yaml: "review:\n  poll_interval: 30\n",
                rule: .configValue,
                messageParts: ["`review.poll_interval`", "`30`", "missing unit"],
                line: 2,
                hintPart: "`30s`"
            ),
            BadConfigCase(
                yaml: "review:\n  poll_interval: 0s\n",
                rule: .configValue,
                messageParts: ["`review.poll_interval`", "longer than 0"],
                line: 2,
                hintPart: "`30s`"
            ),
            BadConfigCase(
                yaml: "agent_timeout: -5m\n",
                rule: .configValue,
                messageParts: ["`agent_timeout`", "`-5m`", "negative"],
                line: 1,
                hintPart: "`5m`"
            ),
            BadConfigCase(
                yaml: "agent_idle_timeout: 1d\n",
                rule: .configValue,
                messageParts: ["`agent_idle_timeout`", "`1d`", "unknown unit"],
                line: 1,
                hintPart: "units: ns, us, ms, s, m, h"
            ),
            BadConfigCase(
                yaml: "backpressure_timeout: 0\n",
                rule: .configValue,
                messageParts: ["`backpressure_timeout`", "longer than 0"],
                line: 1,
                hintPart: "`5m`"
            ),
            BadConfigCase(
                yaml: "merge:\n  strategy: squash\n",
                rule: .configValue,
                messageParts: ["`merge.strategy`", "`squash`"],
                line: 2,
                hintPart: "`rebase`, `merge`"
            ),
            BadConfigCase(
                yaml: "merge:\n  mode: remote\n",
                rule: .configValue,
                messageParts: ["`merge.mode`", "`remote`"],
                line: 2,
                hintPart: "`local`, `github`"
            ),
            BadConfigCase(
                yaml: "merge:\n  method: ff\n",
                rule: .configValue,
                messageParts: ["`merge.method`", "`ff`"],
                line: 2,
                hintPart: "`squash`, `merge`, `rebase`"
            ),
            BadConfigCase(
                yaml: "code_review:\n  provider: gpt4\n",
                rule: .configValue,
                messageParts: ["`code_review.provider`", "`gpt4`"],
                line: 2,
                hintPart: "`codex`, `claude`"
            ),
            BadConfigCase(
                yaml: "baseline_checks:\n  - name: \"\"\n    command: make\n",
                rule: .configValue,
                messageParts: ["`baseline_checks[0].name`", "empty"],
                line: 2,
                hintPart: "value"
            ),
            BadConfigCase(
                yaml: "baseline_checks:\n  - name: lint\n    command: make lint\n  - name: test\n    command: ''\n",
                rule: .configValue,
                messageParts: ["`baseline_checks[1].command`", "empty"],
                line: 5,
                hintPart: "value"
            ),
            BadConfigCase(
                yaml: "baseline_checks:\n  - name: lint\n",
                rule: .configValue,
                messageParts: ["`baseline_checks[0]`", "no `command`"],
                line: 2,
                hintPart: "- name:"
            ),
            BadConfigCase(
                yaml: "worktree:\n  setup:\n    - if: package.json\n",
                rule: .configValue,
                messageParts: ["`worktree.setup[0]`", "no `command`"],
                line: 3,
                hintPart: "- command:"
            ),
            BadConfigCase(
                yaml: "worktree:\n  base_path: \"\"\n",
                rule: .configValue,
                messageParts: ["`worktree.base_path`", "empty"],
                line: 2,
                hintPart: "default"
            ),
            BadConfigCase(
                yaml: "claude:\n  command: ''\n",
                rule: .configValue,
                messageParts: ["`claude.command`", "empty"],
                line: 2,
                hintPart: "default"
            ),
            BadConfigCase(
                yaml: "github:\n  api_url: not a url\n",
                rule: .configValue,
                messageParts: ["`github.api_url`", "`not a url`"],
                line: 2,
                hintPart: "https://"
            ),
            BadConfigCase(
                yaml: "provider:\n  type: gemini\n",
                rule: .configValue,
                messageParts: ["`provider.type`", "`gemini`"],
                line: 2,
                hintPart: "known providers: `claude`, `codex`"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    gemini:\n      args: [\"{prompt}\"]\n",
                rule: .configValue,
                messageParts: ["`gemini`", "`provider.providers`", "no `command`"],
                line: 3,
                hintPart: "`claude` and `codex`"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    gemini:\n      command: gemini\n      stdin_args: [\"{prompt}\"]\n",
                rule: .configValue,
                messageParts: ["`provider.providers.gemini.stdin_args`", "`{prompt}`", "standard input"],
                line: 5,
                hintPart: "drop the `{prompt}` argument"
            ),
            BadConfigCase(
                yaml: "agent_tool_timeout: 0s\n",
                rule: .configValue,
                messageParts: ["`agent_tool_timeout`", "longer than 0"],
                line: 1,
                hintPart: "`30s`"
            ),
            BadConfigCase(
                yaml: "agent_tool_timeout: 30\n",
                rule: .configValue,
                messageParts: ["`agent_tool_timeout`", "`30`", "missing unit"],
                line: 1,
                hintPart: "`30m`"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_cost_usd: 0\n",
                rule: .configValue,
                messageParts: ["`budget.max_cost_usd`", "more than 0", "not 0"],
                line: 2,
                hintPart: "US dollars"
            ),
            BadConfigCase(
                yaml: "budget:\n  per_unit:\n    max_cost_usd: -2.5\n",
                rule: .configValue,
                messageParts: ["`budget.per_unit.max_cost_usd`", "more than 0", "-2.5"],
                line: 3,
                hintPart: "US dollars"
            ),
            BadConfigCase(
                yaml: "budget:\n  max_tokens: 0\n",
                rule: .configValue,
                messageParts: ["`budget.max_tokens`", "1 or more", "0"],
                line: 2,
                hintPart: "1 or more"
            ),
            BadConfigCase(
                yaml: "budget:\n  per_unit:\n    max_tokens: -100\n",
                rule: .configValue,
                messageParts: ["`budget.per_unit.max_tokens`", "-100"],
                line: 3,
                hintPart: "1 or more"
            ),
            BadConfigCase(
                yaml: "limits:\n  default_wait: 0\n",
                rule: .configValue,
                messageParts: ["`limits.default_wait`", "longer than 0"],
                line: 2,
                hintPart: "`30s`"
            ),
            BadConfigCase(
                yaml: "limits:\n  max_wait: 1d\n",
                rule: .configValue,
                messageParts: ["`limits.max_wait`", "`1d`", "unknown unit"],
                line: 2,
                hintPart: "units: ns, us, ms, s, m, h"
            ),
            BadConfigCase(
                yaml: "limits:\n  jitter: -1m\n",
                rule: .configValue,
                messageParts: ["`limits.jitter`", "`-1m`", "negative"],
                line: 2,
                hintPart: "`5m`"
            ),
            BadConfigCase(
                yaml: "limits:\n  max_wait: 1h\n  default_wait: 2h\n",
                rule: .configValue,
                messageParts: ["`limits.max_wait` (`1h`)", "shorter than", "`limits.default_wait` (`2h`)"],
                line: 2,
                hintPart: "raise `limits.max_wait` or lower `limits.default_wait`"
            ),
            BadConfigCase(
                yaml: "limits:\n  default_wait: 24h\n",
                rule: .configValue,
                messageParts: ["`limits.max_wait` (its default of `12h`)", "`limits.default_wait` (`24h`)"],
                line: 2,
                hintPart: "raise `limits.max_wait`"
            ),
            BadConfigCase(
                yaml: "prices:\n  gpt-5-codex:\n    output: -10\n",
                rule: .configValue,
                messageParts: ["`prices.gpt-5-codex.output`", "0 or more", "-10"],
                line: 3,
                hintPart: "per million tokens"
            ),
            BadConfigCase(
                yaml: "prices:\n  gpt-5-codex:\n",
                rule: .configValue,
                messageParts: ["`prices.gpt-5-codex`", "no price"],
                line: 2,
                hintPart: "`input`, `output`, `cache_read`, `cache_write`"
            ),
            BadConfigCase(
                yaml: "prices:\n  gpt-5-codex:\n    input: ~\n",
                rule: .configValue,
                messageParts: ["`prices.gpt-5-codex`", "no price"],
                line: 2,
                hintPart: "at least one of"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    gemini:\n      command: gemini\n      format: stream-json\n",
                rule: .configValue,
                messageParts: ["`provider.providers.gemini.format`", "`stream-json`"],
                line: 5,
                hintPart: "`claude-stream`, `codex-jsonl`, `gemini-stream`, `text`"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    codex:\n      format: Codex-JSONL\n",
                rule: .configValue,
                messageParts: ["`provider.providers.codex.format`", "`Codex-JSONL`"],
                line: 4,
                hintPart: "did you mean `codex-jsonl`?"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    claude:\n      model: \"\"\n",
                rule: .configValue,
                messageParts: ["`provider.providers.claude.model`", "empty"],
                line: 4,
                hintPart: "default"
            ),
            BadConfigCase(
                yaml: "provider:\n  providers:\n    codex:\n      resume_args: [exec, resume, \"{prompt}\"]\n",
                rule: .configValue,
                messageParts: ["`provider.providers.codex.resume_args`", "no `{session}`"],
                line: 4,
                hintPart: "`resume_args: [\"--resume\", \"{session}\""
            ),
        ]

        @Test("a wrong type gives exactly one config-type error naming the key, with its line", arguments: typeErrors)
        func typeError(_ testCase: BadConfigCase) throws {
            try expectSingleError(testCase)
        }

        @Test(
            "a bad value gives exactly one config-value error naming the key and value, with its line",
            arguments: valueErrors
        )
        func valueError(_ testCase: BadConfigCase) throws {
            try expectSingleError(testCase)
        }

        private func expectSingleError(_ testCase: BadConfigCase) throws {
            let load = try loadConfig(testCase.yaml)
            #expect(load.diagnostics.count == 1, "\(load.diagnostics)")
            let diagnostic = try #require(load.diagnostics.first)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.rule == testCase.rule)
            #expect(diagnostic.file == ".choo.yaml")
            #expect(diagnostic.line == testCase.line)
            for part in testCase.messageParts {
                #expect(diagnostic.message.contains(part), "message \(diagnostic.message) lacks \(part)")
            }
            #expect(diagnostic.hint?.contains(testCase.hintPart) == true, "hint \(diagnostic.hint ?? "nil")")
        }

        @Test("a provider named in provider.providers becomes known to provider.type, in any order")
        func providerTypeMayNameADefinedProvider() throws {
            let load = try loadConfig(
                "provider:\n  type: gemini\n  providers:\n    gemini:\n      command: gemini-cli\n"
            )
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.provider.type == "gemini")
            #expect(load.config.knownProviders == ["claude", "codex", "gemini"])
        }

        @Test("a bad code_review.provider is only a warning while code review is disabled, as in the Go tool")
        func reviewProviderWhenDisabled() throws {
            let load = try loadConfig("code_review:\n  provider: gpt4\n  enabled: false\n")
            #expect(load.diagnostics.map(\.severity) == [.warning])
            #expect(load.diagnostics.map(\.rule) == [.configValue])
            #expect(load.diagnostics.first?.message.contains("ignored while `code_review.enabled` is false") == true)
            #expect(load.config.codeReview.provider == .codex)
            #expect(!load.diagnostics.hasErrors)
        }

        @Test("claude and codex in provider.providers need no command")
        func builtInProvidersNeedNoCommand() throws {
            let load = try loadConfig("provider:\n  providers:\n    claude:\n      args: [--verbose]\n    codex:\n")
            #expect(load.diagnostics.isEmpty)
            #expect(
                load.config.provider.providers["claude"]
                    == ChooConfig.ProviderCommand(command: nil, args: ["--verbose"])
            )
            #expect(load.config.provider.providers["codex"] == ChooConfig.ProviderCommand())
        }

        @Test("stdin_args is read as the arguments for a prompt on standard input; empty is allowed, null unsets it")
        func standardInputArguments() throws {
            let load = try loadConfig(
                "provider:\n  providers:\n    gemini:\n      command: gemini\n      args: [-p, \"{prompt}\"]\n"
                    + "      stdin_args: [--read-stdin]\n    aider:\n      command: aider\n      stdin_args: []\n"
                    + "    codex:\n      stdin_args: ~\n"
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(load.config.standardInputArguments(forProvider: "gemini") == ["--read-stdin"])
            #expect(load.config.standardInputArguments(forProvider: "aider") == [])
            #expect(load.config.standardInputArguments(forProvider: "codex") == nil)
        }
    }
}
