import ChooCore
import Testing

extension ConfigTests {
    struct ProviderResolutionTests {
        /// A configuration where every level names a different provider.
        static func everyLevelSet() -> ChooConfig {
            var config = ChooConfig.defaults
            config.provider.providers = [
                "force": ChooConfig.ProviderCommand(command: "f"),
                "unit": ChooConfig.ProviderCommand(command: "u"),
                "flag": ChooConfig.ProviderCommand(command: "p"),
                "env": ChooConfig.ProviderCommand(command: "e"),
                "file": ChooConfig.ProviderCommand(command: "y"),
            ]
            config.forceTaskProvider = "force"
            config.flagProvider = "flag"
            config.environmentProvider = "env"
            config.provider.type = "file"
            return config
        }

        @Test("the order is --force-task-provider > unit > --provider > RALPH_PROVIDER > provider.type > claude")
        func resolutionOrder() {
            var config = Self.everyLevelSet()
            #expect(
                config.providerChoice(forUnit: "unit") == ProviderChoice(name: "force", source: .forceTaskProviderFlag)
            )
            config.forceTaskProvider = nil
            #expect(config.providerChoice(forUnit: "unit") == ProviderChoice(name: "unit", source: .unit))
            #expect(config.providerChoice(forUnit: nil) == ProviderChoice(name: "flag", source: .providerFlag))
            config.flagProvider = nil
            #expect(config.providerChoice(forUnit: nil) == ProviderChoice(name: "env", source: .environment))
            config.environmentProvider = nil
            #expect(config.providerChoice(forUnit: nil) == ProviderChoice(name: "file", source: .file))
            config.provider.type = nil
            #expect(config.providerChoice(forUnit: nil) == ProviderChoice(name: "claude", source: .builtInDefault))
            #expect(config.provider(forUnit: nil) == "claude")
            #expect(config.provider(forUnit: "") == "claude")
        }

        @Test("all six levels resolve through a real load")
        func resolutionThroughLoad() throws {
            let yaml = """
                provider:
                  type: file
                  providers:
                    force: {command: f}
                    unit: {command: u}
                    flag: {command: p}
                    env: {command: e}
                    file: {command: y}

                """
            let full = try loadConfig(
                yaml,
                environment: ["RALPH_PROVIDER": "env"],
                overrides: ConfigOverrides(provider: "flag", forceTaskProvider: "force")
            )
            #expect(full.diagnostics.isEmpty)
            #expect(full.config.provider(forUnit: "unit") == "force")
            let noForce = try loadConfig(
                yaml,
                environment: ["RALPH_PROVIDER": "env"],
                overrides: .init(provider: "flag")
            )
            #expect(noForce.config.provider(forUnit: "unit") == "unit")
            #expect(noForce.config.provider(forUnit: nil) == "flag")
            let envOnly = try loadConfig(yaml, environment: ["RALPH_PROVIDER": "env"])
            #expect(envOnly.config.provider(forUnit: nil) == "env")
            let fileOnly = try loadConfig(yaml)
            #expect(fileOnly.config.provider(forUnit: nil) == "file")
            let nothing = try withConfigDirectory { $0.load() }
            #expect(nothing.config.provider(forUnit: nil) == "claude")
        }

        @Test("known providers are claude, codex and the names in provider.providers")
        func knownProviders() throws {
            #expect(ChooConfig.defaults.knownProviders == ["claude", "codex"])
            let load = try loadConfig("provider:\n  providers:\n    gemini:\n      command: gemini\n")
            #expect(load.config.knownProviders == ["claude", "codex", "gemini"])
        }

        @Test(
            "an unknown provider named by a setting is an error naming where it came from and the known ones",
            arguments: [
                ("provider:\n  type: gemini\n", [:], ConfigOverrides.none, "`provider.type`"),
                ("parallelism: 2\n", ["RALPH_PROVIDER": "gemini"], .none, "RALPH_PROVIDER"),
                ("parallelism: 2\n", [:], ConfigOverrides(provider: "gemini"), "--provider"),
                ("parallelism: 2\n", [:], ConfigOverrides(forceTaskProvider: "gemini"), "--force-task-provider"),
            ]
        )
        func unknownProvider(yaml: String, environment: [String: String], overrides: ConfigOverrides, origin: String)
            throws
        {
            let load = try loadConfig(yaml, environment: environment, overrides: overrides)
            let diagnostic = try #require(load.diagnostics.first)
            #expect(load.diagnostics.count == 1)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.rule == .configValue)
            #expect(diagnostic.message == "\(origin) names unknown provider `gemini`")
            #expect(diagnostic.hint?.hasPrefix("known providers: `claude`, `codex`;") == true)
            #expect(load.config.provider(forUnit: nil) == "claude")
        }

        @Test("a unit's own provider is passed through; checking it is spec validation's job")
        func unitProviderPassesThrough() {
            #expect(ChooConfig.defaults.provider(forUnit: "codex") == "codex")
            #expect(ChooConfig.defaults.provider(forUnit: "anything") == "anything")
        }

        @Test("commands: the provider entry, then the deprecated provider.command, then the built-in one")
        func commands() throws {
            #expect(ChooConfig.defaults.command(forProvider: "claude") == "claude")
            #expect(ChooConfig.defaults.command(forProvider: "codex") == "codex")
            #expect(ChooConfig.defaults.command(forProvider: "gemini") == nil)
            let legacy = try loadConfig("provider:\n  command: old-claude\nclaude:\n  command: my-claude\n")
            #expect(legacy.config.command(forProvider: "claude") == "old-claude")
            #expect(legacy.config.command(forProvider: "codex") == "codex")
            let legacyCodex = try loadConfig("provider:\n  type: codex\n  command: old-codex\n")
            #expect(legacyCodex.config.command(forProvider: "codex") == "old-codex")
            #expect(legacyCodex.config.command(forProvider: "claude") == "claude")
            let overridden = try loadConfig(
                "provider:\n  command: old-claude\n",
                environment: ["RALPH_CLAUDE_CMD": "env-claude"]
            )
            #expect(overridden.config.command(forProvider: "claude") == "env-claude")
        }
    }
}
