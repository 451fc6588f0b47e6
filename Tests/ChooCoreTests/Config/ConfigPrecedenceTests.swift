import ChooCore
import Testing

extension ConfigTests {
    struct ConfigPrecedenceTests {
        static let file = """
            target_branch: from-file
            parallelism: 6
            log_level: warn
            worktree:
              base_path: file/worktrees
            claude:
              command: file-claude
            provider:
              type: codex
              providers:
                codex:
                  command: file-codex
                  args: [exec]
                claude:
                  command: file-provider-claude

            """

        @Test("each setting comes from the file when nothing else sets it")
        func fileBeatsDefaults() throws {
            let load = try loadConfig(Self.file)
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.targetBranch == "from-file")
            #expect(load.config.parallelism == 6)
            #expect(load.config.logLevel == .warn)
            #expect(load.config.worktree.basePath == "file/worktrees")
            #expect(load.config.claude.command == "file-claude")
            #expect(load.config.command(forProvider: "codex") == "file-codex")
            #expect(load.config.command(forProvider: "claude") == "file-provider-claude")
            #expect(load.config.provider(forUnit: nil) == "codex")
            #expect(load.source(of: "parallelism") == .file(line: 2))
            #expect(load.source(of: "log_level") == .file(line: 3))
        }

        @Test("the environment beats the file")
        func environmentBeatsFile() throws {
            let load = try loadConfig(
                Self.file,
                environment: [
                    "RALPH_CLAUDE_CMD": "env-claude",
                    "RALPH_CODEX_CMD": "env-codex",
                    "RALPH_WORKTREE_BASE": "env/worktrees",
                    "RALPH_LOG_LEVEL": "error",
                    "RALPH_PROVIDER": "claude",
                ]
            )
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.claude.command == "env-claude")
            #expect(load.config.command(forProvider: "claude") == "env-claude")
            #expect(load.config.command(forProvider: "codex") == "env-codex")
            #expect(load.config.arguments(forProvider: "codex") == ["exec"])
            #expect(load.config.worktree.basePath == "env/worktrees")
            #expect(load.config.logLevel == .error)
            #expect(load.config.provider(forUnit: nil) == "claude")
            #expect(load.config.provider.type == "codex")
            #expect(load.source(of: "log_level") == .environment("RALPH_LOG_LEVEL"))
            #expect(load.source(of: "worktree.base_path") == .environment("RALPH_WORKTREE_BASE"))
            #expect(load.source(of: "claude.command") == .environment("RALPH_CLAUDE_CMD"))
        }

        @Test("flags beat the environment and the file")
        func flagsBeatEnvironment() throws {
            let load = try loadConfig(
                Self.file,
                environment: ["RALPH_LOG_LEVEL": "error", "RALPH_PROVIDER": "claude"],
                overrides: ConfigOverrides(
                    parallelism: 12,
                    logLevel: "debug",
                    provider: "codex",
                    forceTaskProvider: nil,
                    targetBranch: "from-flag"
                )
            )
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.parallelism == 12)
            #expect(load.config.logLevel == .debug)
            #expect(load.config.targetBranch == "from-flag")
            #expect(load.config.provider(forUnit: nil) == "codex")
            #expect(load.config.providerChoice(forUnit: nil).source == .providerFlag)
            #expect(load.source(of: "parallelism") == .flag("--parallelism"))
            #expect(load.source(of: "log_level") == .flag("--log-level"))
            #expect(load.source(of: "target_branch") == .flag("--target"))
        }

        @Test("flags beat the defaults without a file")
        func flagsBeatDefaults() throws {
            let load = try withConfigDirectory {
                $0.load(overrides: ConfigOverrides(parallelism: 1, logLevel: "warn", targetBranch: "release"))
            }
            #expect(load.diagnostics.isEmpty)
            #expect(load.config.parallelism == 1)
            #expect(load.config.logLevel == .warn)
            #expect(load.config.targetBranch == "release")
            #expect(load.source(of: "merge.strategy") == .defaultValue)
        }

        @Test(
            "each environment variable sets its setting over the defaults",
            arguments: [
                "RALPH_CLAUDE_CMD", "RALPH_CODEX_CMD", "RALPH_WORKTREE_BASE", "RALPH_LOG_LEVEL", "RALPH_PROVIDER",
            ]
        )
        func eachEnvironmentVariable(name: String) throws {
            let value = name == "RALPH_LOG_LEVEL" ? "debug" : name == "RALPH_PROVIDER" ? "codex" : "/env/value"
            let load = try withConfigDirectory { $0.load(environment: [name: value]) }
            #expect(load.diagnostics.isEmpty)
            var expected = ChooConfig.defaults
            switch name {
            case "RALPH_CLAUDE_CMD":
                expected.claude.command = value
                expected.provider.providers["claude"] = ChooConfig.ProviderCommand(command: value)
                #expect(load.config.command(forProvider: "claude") == value)
            case "RALPH_CODEX_CMD":
                expected.provider.providers["codex"] = ChooConfig.ProviderCommand(command: value)
                #expect(load.config.command(forProvider: "codex") == value)
            case "RALPH_WORKTREE_BASE": expected.worktree.basePath = value
            case "RALPH_LOG_LEVEL": expected.logLevel = .debug
            default:
                expected.environmentProvider = value
                #expect(load.config.providerChoice(forUnit: nil) == ProviderChoice(name: "codex", source: .environment))
            }
            #expect(load.config == expected)
        }

        @Test("empty environment variables are ignored")
        func emptyEnvironmentIgnored() throws {
            let load = try loadConfig(
                Self.file,
                environment: [
                    "RALPH_CLAUDE_CMD": "", "RALPH_CODEX_CMD": "", "RALPH_WORKTREE_BASE": "", "RALPH_LOG_LEVEL": "",
                    "RALPH_PROVIDER": "",
                ]
            )
            let fileOnly = try loadConfig(Self.file)
            #expect(load.diagnostics.isEmpty)
            #expect(load.config == fileOnly.config)
        }

        @Test("a bad RALPH_LOG_LEVEL is an error naming the variable, and the file's value stays")
        func badEnvironmentLogLevel() throws {
            let load = try loadConfig(Self.file, environment: ["RALPH_LOG_LEVEL": "loud"])
            let diagnostic = try #require(load.diagnostics.first)
            #expect(load.diagnostics.count == 1)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.rule == .configValue)
            #expect(diagnostic.message == "RALPH_LOG_LEVEL has unknown log level `loud`")
            #expect(diagnostic.hint == "use one of: `debug`, `info`, `warn`, `error`")
            #expect(diagnostic.file == nil)
            #expect(load.config.logLevel == .warn)
        }

        @Test(
            "a bad flag is an error naming the flag",
            arguments: [
                (ConfigOverrides(parallelism: 0), "--parallelism"),
                (ConfigOverrides(parallelism: -3), "--parallelism"),
                (ConfigOverrides(logLevel: "chatty"), "--log-level"),
                (ConfigOverrides(targetBranch: ""), "--target"),
                (ConfigOverrides(provider: "gemini"), "--provider"),
                (ConfigOverrides(forceTaskProvider: "gemini"), "--force-task-provider"),
            ]
        )
        func badFlag(overrides: ConfigOverrides, flag: String) throws {
            let load = try withConfigDirectory { $0.load(overrides: overrides) }
            let diagnostic = try #require(load.diagnostics.first)
            #expect(load.diagnostics.count == 1)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.rule == .configValue)
            #expect(diagnostic.message.hasPrefix("\(flag) "), "\(diagnostic.message)")
            #expect(load.config == ChooConfig.defaults)
        }
    }
}
