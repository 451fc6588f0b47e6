import ChooCore
import Foundation
import Testing

extension ConfigTests {
    struct ConfigLoaderTests {
        /// A file setting every key, Go tool keys and choo's own, to a value other than its default.
        static let fullFile = """
            # every key the Go tool reads, plus choo's own
            target_branch: develop
            parallelism: 8
            github:
              owner: myorg
              repo: myrepo
              api_url: https://github.example.com/api/v3
              delete_branch: false
              ci: required
              ci_grace: 90s
              bots: [coverage-bot, deploy-preview]
            worktree:
              base_path: /tmp/worktrees
              setup:
                - command: npm install
                  if: package.json
                - command: go mod download
              teardown:
                - command: make clean
                  if: Makefile
              keep: yes
              reuse: no
              keep_ignored: yes
            claude:
              command: custom-claude
              max_turns: 100
            baseline_checks:
              - name: go-fmt
                command: go fmt ./...
                pattern: "*.go"
              - name: go-vet
                command: go vet ./...
            merge:
              max_conflict_retries: 5
              strategy: merge
              mode: github
              method: rebase
            review:
              timeout: 4h
              poll_interval: 1m
            log_level: debug
            provider:
              type: codex
              command: legacy-codex
              resume: false
              providers:
                codex:
                  command: /opt/codex
                  args: [exec, "{prompt}"]
                gemini:
                  command: gemini
                  args: ["-p", "{prompt}"]
                  format: gemini-stream
                  model: gemini-2.5-pro
                  resume_args: ["--resume", "{session}", "-p", "{prompt}"]
            code_review:
              enabled: false
              provider: claude
              max_fix_iterations: 0
              verbose: off
              command: review-cli
            feature:
              prd_dir: docs/prd
              specs_dir: specs/generated
              branch_prefix: feat/
            backpressure_timeout: 10m
            max_attempts: 5
            agent_timeout: 1h30m
            agent_idle_timeout: 20m
            shutdown_timeout: 0
            verify:
              agent_may_edit_specs: true
              conflict_markers: ["Sources/*"]
            agent_tool_timeout: 45m
            budget:
              max_cost_usd: 25.50
              max_tokens: 5000000
              per_unit:
                max_cost_usd: 5
                max_tokens: 1000000
            limits:
              default_wait: 20m
              max_wait: 8h
              jitter: 0
            prices:
              claude-opus-4-5:
                cache_write: 10
              gemini:
                input: 1.25
                output: 10
                cache_read: 0.125
                cache_write: 0
            notify:
              - url: https://hooks.slack.com/services/T0/B0/XYZ
                format: slack
            unit_niceness: 3

            """

        @Test("no file gives the defaults and no diagnostics")
        func missingFileGivesDefaults() throws {
            let load = try withConfigDirectory { $0.load() }
            #expect(load.config == ChooConfig.defaults)
            #expect(load.diagnostics.isEmpty)
            #expect(load.presentKeys.isEmpty)
        }

        @Test("the defaults are the documented ones")
        func defaultValues() {
            let config = ChooConfig.defaults
            #expect(config.targetBranch == nil)
            #expect(config.parallelism == 4)
            #expect(
                config.github == ChooConfig.GitHubSettings(owner: "auto", repo: "auto", apiURL: nil, deleteBranch: true)
            )
            #expect(config.worktree.basePath == ".ralph/worktrees")
            #expect(config.worktree.setup.isEmpty && config.worktree.teardown.isEmpty && !config.worktree.keep)
            #expect(config.worktree.reuse && !config.worktree.keepIgnored)
            #expect(config.claude == ChooConfig.ClaudeSettings(command: "claude", maxTurns: 0))
            #expect(config.baselineChecks.isEmpty)
            #expect(config.merge == ChooConfig.MergeSettings(maxConflictRetries: 3, strategy: .rebase, mode: .local))
            #expect(config.merge.method == .squash)
            #expect(config.review.timeout == .seconds(7_200))
            #expect(config.review.pollInterval == .seconds(30))
            #expect(config.logLevel == .info)
            #expect(config.provider == ChooConfig.ProviderSettings(type: nil, command: nil, providers: [:]))
            #expect(
                config.codeReview
                    == ChooConfig.CodeReviewSettings(
                        enabled: true,
                        provider: .codex,
                        maxFixIterations: 1,
                        verbose: true,
                        command: nil
                    )
            )
            #expect(
                config.feature
                    == ChooConfig.FeatureSettings(prdDir: "docs/prds", specsDir: "specs", branchPrefix: "feature/")
            )
            #expect(config.backpressureTimeout == .seconds(300))
            #expect(config.maxAttempts == 3)
            #expect(config.agentTimeout == .seconds(3_600))
            #expect(config.agentIdleTimeout == .seconds(900))
            #expect(config.shutdownTimeout == .seconds(30))
            #expect(config.agentToolTimeout == .seconds(1_800))
            #expect(config.budget == ChooConfig.BudgetSettings())
            #expect(config.budget.maxCostUSD == nil && config.budget.maxTokens == nil)
            #expect(config.budget.unitMaxCostUSD == nil && config.budget.unitMaxTokens == nil)
            #expect(config.limits.defaultWait == .seconds(1_800))
            #expect(config.limits.maxWait == .seconds(12 * 3_600))
            #expect(config.limits.jitter == .seconds(60))
            #expect(config.prices.isEmpty)
            #expect(config.provider.resumeSessions)
        }

        @Test(
            "an empty file, or one with only comments, gives the defaults",
            arguments: ["", "\n\n", "# nothing here\n  # still nothing\n", "---\n", "~\n"]
        )
        func emptyFileGivesDefaults(text: String) throws {
            let load = try loadConfig(text)
            #expect(load.config == ChooConfig.defaults)
            #expect(load.diagnostics.isEmpty)
        }

        @Test("a full file with every key parses to the right values")
        func fullFile() throws {
            let load = try loadConfig(Self.fullFile)
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            let config = load.config
            #expect(config.targetBranch == "develop")
            #expect(config.parallelism == 8)
            #expect(config.github.owner == "myorg")
            #expect(config.github.repo == "myrepo")
            #expect(config.github.apiURL == URL(string: "https://github.example.com/api/v3"))
            #expect(config.github.deleteBranch == false)
            #expect(config.github.ci == .required)
            #expect(config.github.ciGrace == .seconds(90))
            #expect(config.github.bots == ["coverage-bot", "deploy-preview"])
            #expect(config.worktree.basePath == "/tmp/worktrees")
            #expect(
                config.worktree.setup == [
                    ChooConfig.ConditionalCommand(command: "npm install", condition: "package.json"),
                    ChooConfig.ConditionalCommand(command: "go mod download"),
                ]
            )
            #expect(
                config.worktree.teardown == [
                    ChooConfig.ConditionalCommand(command: "make clean", condition: "Makefile")
                ]
            )
            #expect(config.worktree.keep == true)
            #expect(config.worktree.reuse == false && config.worktree.keepIgnored == true)
            #expect(config.claude.command == "custom-claude")
            #expect(config.claude.maxTurns == 100)
            #expect(
                config.baselineChecks == [
                    ChooConfig.BaselineCheck(name: "go-fmt", command: "go fmt ./...", pattern: "*.go"),
                    ChooConfig.BaselineCheck(name: "go-vet", command: "go vet ./..."),
                ]
            )
            #expect(config.merge.maxConflictRetries == 5)
            #expect(config.merge.strategy == .merge)
            #expect(config.merge.mode == .github)
            #expect(config.merge.method == .rebase)
            #expect(config.review.timeout == .seconds(4 * 3_600))
            #expect(config.review.pollInterval == .seconds(60))
            #expect(config.logLevel == .debug)
            #expect(config.provider.type == "codex")
            #expect(config.provider.command == "legacy-codex")
            var gemini = ChooConfig.ProviderCommand(command: "gemini", args: ["-p", "{prompt}"])
            gemini.format = .geminiStream
            gemini.model = "gemini-2.5-pro"
            gemini.resumeArgs = ["--resume", "{session}", "-p", "{prompt}"]
            #expect(
                config.provider.providers == [
                    "codex": ChooConfig.ProviderCommand(command: "/opt/codex", args: ["exec", "{prompt}"]),
                    "gemini": gemini,
                ]
            )
            #expect(config.provider.resumeSessions == false)
            #expect(config.codeReview.enabled == false)
            #expect(config.codeReview.provider == .claude)
            #expect(config.codeReview.maxFixIterations == 0)
            #expect(config.codeReview.verbose == false)
            #expect(config.codeReview.command == "review-cli")
            #expect(
                config.feature
                    == ChooConfig.FeatureSettings(
                        prdDir: "docs/prd",
                        specsDir: "specs/generated",
                        branchPrefix: "feat/"
                    )
            )
            #expect(config.backpressureTimeout == .seconds(600))
            #expect(config.maxAttempts == 5)
            #expect(config.agentTimeout == .seconds(5_400))
            #expect(config.agentIdleTimeout == .seconds(1_200))
            #expect(config.shutdownTimeout == .zero)
            #expect(
                config.verify
                    == ChooConfig.VerifySettings(agentMayEditSpecs: true, conflictMarkers: .paths(["Sources/*"]))
            )
            #expect(config.agentToolTimeout == .seconds(45 * 60))
            #expect(config.unitNiceness == 3)
            #expect(
                config.budget
                    == ChooConfig.BudgetSettings(
                        maxCostUSD: 25.5,
                        maxTokens: 5_000_000,
                        unitMaxCostUSD: 5,
                        unitMaxTokens: 1_000_000
                    )
            )
            #expect(
                config.limits
                    == ChooConfig.LimitSettings(
                        defaultWait: .seconds(20 * 60),
                        maxWait: .seconds(8 * 3_600),
                        jitter: .zero
                    )
            )
            #expect(
                config.prices == [
                    "claude-opus-4-5": ChooConfig.ModelPrice(cacheWrite: 10),
                    "gemini": ChooConfig.ModelPrice(input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0),
                ]
            )
        }

        @Test("the full file records every known key as present, at its line")
        func fullFilePresentKeys() throws {
            let load = try loadConfig(Self.fullFile)
            #expect(load.presentKeys == Set(ConfigLoader.knownKeys))
            #expect(load.presentKeyLines["target_branch"] == 2)
            #expect(load.presentKeyLines["worktree.setup"] == 14)
            #expect(load.presentKeyLines["review.timeout"] == 39)
            #expect(load.source(of: "review.timeout") == .file(line: 39))
            #expect(load.source(of: "github.owner") == .file(line: 5))
        }

        @Test("a file written for the Go tool loads unchanged, with no warnings")
        func goToolFile() throws {
            let load = try loadConfig(
                """
                target_branch: main
                parallelism: 2
                github:
                  owner: auto
                  repo: auto
                worktree:
                  base_path: .ralph/worktrees/
                claude:
                  command: claude
                  max_turns: 0
                merge:
                  max_conflict_retries: 3
                review:
                  timeout: 2h
                  poll_interval: 30s
                log_level: warn
                provider:
                  type: claude
                code_review:
                  enabled: true
                  provider: codex
                  max_fix_iterations: 1
                  verbose: true
                feature:
                  prd_dir: docs/prd
                  specs_dir: specs
                  branch_prefix: feature/

                """
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(load.config.parallelism == 2)
            #expect(load.config.logLevel == .warn)
            #expect(load.config.worktree.basePath == ".ralph/worktrees/")
        }

        @Test("a plain `no` stays the string \"no\" where a string is expected")
        func noStaysAString() throws {
            let load = try loadConfig(
                """
                target_branch: no
                github:
                  owner: on
                  repo: yes
                feature:
                  branch_prefix: off
                claude:
                  command: 123

                """
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(load.config.targetBranch == "no")
            #expect(load.config.github.owner == "on")
            #expect(load.config.github.repo == "yes")
            #expect(load.config.feature.branchPrefix == "off")
            #expect(load.config.claude.command == "123")
        }

        @Test(
            "booleans accept true/false, yes/no and on/off",
            arguments: [
                ("true", true), ("false", false), ("yes", true), ("no", false), ("on", true), ("off", false),
                ("True", true), ("NO", false),
            ]
        )
        func booleanSpellings(text: String, expected: Bool) throws {
            let load = try loadConfig(
                "worktree:\n  keep: \(text)\n  reuse: \(text)\n  keep_ignored: \(text)\ncode_review:\n  verbose: \(text)\n"
            )
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.worktree.keep == expected)
            #expect(load.config.worktree.reuse == expected)
            #expect(load.config.worktree.keepIgnored == expected)
            #expect(load.config.codeReview.verbose == expected)
        }

        @Test("an empty target_branch means the current branch")
        func emptyTargetBranch() throws {
            let load = try loadConfig("target_branch: \"\"\n")
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.targetBranch == nil)
        }

        @Test("a key with no value keeps the default and is not reported")
        func nullValueKeepsDefault() throws {
            let load = try loadConfig("parallelism:\nreview:\n  timeout: ~\nworktree:\n")
            #expect(load.diagnostics.isEmpty)
            #expect(load.config == ChooConfig.defaults)
            #expect(load.presentKeys.isEmpty)
        }

        @Test("anchors, aliases and merge keys work as in the Go tool")
        func anchorsAndMergeKeys() throws {
            let load = try loadConfig(
                """
                claude: &shared
                  command: shared-claude
                  max_turns: 7
                provider:
                  providers:
                    claude:
                      <<: *shared
                      max_turns: 9

                """
            )
            // `max_turns` merged into a provider entry is unknown there; `command` is taken from the anchor.
            #expect(load.config.provider.providers["claude"]?.command == "shared-claude")
            #expect(load.diagnostics.map(\.rule) == [.configUnknownKey])
            #expect(load.diagnostics.first?.message.contains("provider.providers.claude.max_turns") == true)
        }

        @Test("a folder named .choo.yaml is reported as unreadable")
        func folderIsUnreadable() throws {
            let load = try withConfigDirectory { directory in
                try FileManager.default.createDirectory(
                    at: directory.root.appendingPathComponent(ConfigLoader.fileName),
                    withIntermediateDirectories: false
                )
                return directory.load()
            }
            let diagnostic = try #require(load.diagnostics.first)
            #expect(load.diagnostics.count == 1)
            #expect(diagnostic.rule == .configUnreadable)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.file == ".choo.yaml")
            #expect(diagnostic.message.contains("folder"))
            #expect(load.config == ChooConfig.defaults)
        }

        @Test("a file that is not UTF-8 is reported as unreadable")
        func invalidUTF8IsUnreadable() throws {
            let load = try withConfigDirectory { directory in
                try directory.write(bytes: Array("parallelism: ".utf8) + [0xFF, 0xFE, 0x80, 0x0A])
                return directory.load()
            }
            #expect(load.diagnostics.map(\.rule) == [.configUnreadable])
            #expect(load.diagnostics.first?.message.contains("UTF-8") == true)
        }

        @Test(
            "a YAML syntax error is reported with its line",
            arguments: [
                ("parallelism: 4\nmerge:\n  strategy: [rebase\nlog_level: info\n", 4),
                ("parallelism: 4\nlog_level: 'info\n", 3),
                ("parallelism: 4\ngithub:\n  owner: a\n  owner: b\n", 3),
                ("parallelism: 4\n\tlog_level: info\n", 2),
                ("a: 1\n---\nb: 2\n", 2),
                ("invalid: yaml: content: [", 1),
            ]
        )
        func syntaxErrorHasLine(text: String, line: Int) throws {
            let load = try loadConfig(text)
            #expect(load.diagnostics.count == 1)
            let diagnostic = try #require(load.diagnostics.first)
            #expect(diagnostic.rule == .configSyntax)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.file == ".choo.yaml")
            #expect(diagnostic.line == line, "\(diagnostic)")
            #expect(diagnostic.message.hasPrefix(".choo.yaml is not valid YAML: "))
        }

        @Test(
            "a top level that is not a mapping is a type error",
            arguments: ["- parallelism: 4\n", "just some words\n", "42\n"]
        )
        func topLevelNotMapping(text: String) throws {
            let load = try loadConfig(text)
            #expect(load.diagnostics.map(\.rule) == [.configType])
            #expect(load.diagnostics.first?.line == 1)
            #expect(load.diagnostics.first?.message.contains("top level") == true)
        }

        @Test(
            "bad github.ci, github.ci_grace and github.bots values are errors naming the setting",
            arguments: [
                ("github:\n  ci: sometimes\n", "github.ci"),
                ("github:\n  ci_grace: soon\n", "github.ci_grace"),
                ("github:\n  bots: 3\n", "github.bots"),
            ]
        )
        func badGitHubCISettings(text: String, key: String) throws {
            let load = try loadConfig(text)
            let diagnostic = try #require(load.diagnostics.first)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.message.contains(key), "\(diagnostic)")
            #expect(diagnostic.line == 2)
        }

        @Test("github.ci defaults to auto with a 10 minute grace and no extra bots; ci_grace may be 0")
        func gitHubCIDefaults() throws {
            let defaults = try loadConfig("")
            #expect(defaults.config.github.ci == .auto)
            #expect(defaults.config.github.ciGrace == .seconds(600))
            #expect(defaults.config.github.bots.isEmpty)
            let none = try loadConfig("github:\n  ci: none\n  ci_grace: 0s\n")
            #expect(none.diagnostics.isEmpty, "\(none.diagnostics)")
            #expect(none.config.github.ci == .none && none.config.github.ciGrace == .zero)
        }

        @Test("several problems in one file are all reported, in file order, each with its line")
        func severalProblems() throws {
            let load = try loadConfig(
                """
                parallelism: four
                log_level: loud
                paralellism: 2
                worktree: 3
                review:
                  timeout: soon
                merge:
                  strategy: squash
                baseline_checks:
                  - name: ""
                    command: make lint

                """
            )
            let found = load.diagnostics.map { "\($0.line ?? 0) \($0.severity) \($0.rule.rawValue)" }
            #expect(
                found == [
                    "1 error config-type",
                    "2 error config-value",
                    "3 warning config-unknown-key",
                    "4 error config-type",
                    "6 error config-value",
                    "8 error config-value",
                    "10 error config-value",
                ]
            )
            #expect(load.diagnostics.hasErrors)
            // Bad values leave their settings at the defaults.
            #expect(load.config.parallelism == 4)
            #expect(load.config.logLevel == .info)
            #expect(load.config.review.timeout == .seconds(7_200))
            #expect(load.config.merge.strategy == .rebase)
        }

        @Test("a misspelt key is a warning that suggests the known key")
        func unknownKeySuggestsCloseMatch() throws {
            let load = try loadConfig("parallelism: 2\nparalellism: 3\ngithub:\n  onwer: me\n")
            #expect(load.diagnostics.count == 2)
            let top = try #require(load.diagnostics.first)
            #expect(top.severity == .warning)
            #expect(top.rule == .configUnknownKey)
            #expect(top.line == 2)
            #expect(top.message == "unknown key `paralellism`")
            #expect(top.hint == "did you mean `parallelism`?")
            let nested = try #require(load.diagnostics.last)
            #expect(nested.message == "unknown key `github.onwer`")
            #expect(nested.hint == "did you mean `github.owner`?")
            #expect(nested.line == 4)
            #expect(!load.diagnostics.hasErrors)
            #expect(load.config.parallelism == 2)
        }

        @Test("an unknown key with no close match lists the known keys; a section key at the top names its section")
        func unknownKeyWithoutCloseMatch() throws {
            let load = try loadConfig("colour: blue\nmax_turns: 3\nmerge:\n  squash_everything: true\n")
            #expect(load.diagnostics.map(\.rule) == [.configUnknownKey, .configUnknownKey, .configUnknownKey])
            #expect(load.diagnostics[0].hint?.hasPrefix("known keys here: `target_branch`, `parallelism`") == true)
            #expect(load.diagnostics[1].hint == "did you mean `claude.max_turns`?")
            #expect(load.diagnostics[2].message == "unknown key `merge.squash_everything`")
            #expect(load.diagnostics[2].hint?.contains("`max_conflict_retries`") == true)
        }

        @Test("unknown keys inside list entries and provider entries are warned about with their path")
        func unknownKeysInsideEntries() throws {
            let load = try loadConfig(
                """
                worktree:
                  setup:
                    - comand: npm install
                      command: npm ci
                baseline_checks:
                  - name: lint
                    command: make lint
                    patern: "*.swift"
                provider:
                  providers:
                    codex:
                      argz: []

                """
            )
            #expect(load.diagnostics.map(\.rule) == [.configUnknownKey, .configUnknownKey, .configUnknownKey])
            #expect(
                load.diagnostics.map(\.message) == [
                    "unknown key `worktree.setup[0].comand`",
                    "unknown key `baseline_checks[0].patern`",
                    "unknown key `provider.providers.codex.argz`",
                ]
            )
            #expect(load.diagnostics.map(\.line) == [3, 8, 12])
            #expect(
                load.diagnostics.map(\.hint) == [
                    "did you mean `command`?", "did you mean `pattern`?", "did you mean `args`?",
                ]
            )
        }

        @Test("keys present but not used yet get notes; used keys do not")
        func notUsedYetNotes() throws {
            let load = try loadConfig(
                """
                parallelism: 2
                log_level: debug
                code_review:
                  enabled: false
                worktree:
                  setup:
                    - command: npm install
                    - command: make
                feature:
                  prd_dir: docs/prd
                provider:
                  type: claude
                  providers:
                    codex:
                      command: codex

                """
            )
            #expect(load.diagnostics.isEmpty)
            #expect(
                load.presentKeys == [
                    "parallelism", "log_level", "code_review.enabled", "worktree.setup", "feature.prd_dir",
                    "provider.type", "provider.providers",
                ]
            )
            let notes = load.notUsedYet()
            #expect(notes.map(\.severity) == [.note, .note])
            #expect(notes.map(\.rule) == [.configNotUsedYet, .configNotUsedYet])
            #expect(notes.map(\.line) == [4, 10])
            #expect(notes.map(\.file) == [".choo.yaml", ".choo.yaml"])
            #expect(
                notes.first?.message == "`code_review.enabled` is accepted but not used yet by this version of choo"
            )
            #expect(!notes.contains { $0.message.contains("`worktree.setup`") }, "worktree.setup is used by choo run")
            #expect(notes.last?.message.contains("`feature.prd_dir`") == true)
        }

        @Test("the set of used keys decides which keys get notes")
        func notUsedYetFollowsUsedKeys() throws {
            let load = try loadConfig("parallelism: 2\ncode_review:\n  enabled: false\n")
            #expect(ConfigLoader.usedKeys.contains("parallelism"))
            #expect(!ConfigLoader.usedKeys.contains("code_review.enabled"))
            #expect(load.notUsedYet(usedKeys: ["parallelism", "code_review.enabled"]).isEmpty)
            #expect(load.notUsedYet(usedKeys: []).map(\.line) == [1, 3])
        }

        @Test("every used key is a known key")
        func usedKeysAreKnown() {
            #expect(ConfigLoader.usedKeys.isSubset(of: Set(ConfigLoader.knownKeys)))
        }

        @Test("docs/CONFIGURATION.md documents every key and environment variable")
        func documentationCoversEveryKey() throws {
            let docs = URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent()  // Config
                .deletingLastPathComponent()  // ChooCoreTests
                .deletingLastPathComponent()  // Tests
                .deletingLastPathComponent()  // package root
                .appendingPathComponent("docs/CONFIGURATION.md")
            let text = try String(contentsOf: docs, encoding: .utf8)
            for key in ConfigLoader.knownKeys {
                #expect(text.contains("`\(key)`"), "docs/CONFIGURATION.md does not mention `\(key)`")
            }
            for variable in ConfigLoader.environmentVariables {
                #expect(
                    text.contains("`\(variable.name)`"),
                    "docs/CONFIGURATION.md does not mention `\(variable.name)`"
                )
            }
        }
    }
}
