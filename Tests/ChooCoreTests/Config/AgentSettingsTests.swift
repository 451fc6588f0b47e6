import ChooCore
import Testing

extension ConfigTests {
    /// The settings real agents need: `agent_tool_timeout`, `budget`, `limits`, `prices`,
    /// `provider.resume` and the provider entries' `format`, `model` and `resume_args`.
    struct AgentSettingsTests {
        @Test("keys and sections with no value keep the defaults and are not reported")
        func nullValuesKeepDefaults() throws {
            let load = try loadConfig(
                """
                agent_tool_timeout:
                budget:
                  max_cost_usd: ~
                  per_unit:
                limits:
                  jitter: ~
                prices:
                provider:
                  resume:
                  providers:
                    codex:
                      format: ~
                      model:
                      resume_args: ~

                """
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            var expected = ChooConfig.defaults
            expected.provider.providers = ["codex": ChooConfig.ProviderCommand()]
            #expect(load.config == expected)
        }

        @Test(
            "amounts are read as decimal numbers",
            arguments: [("20", 20.0), ("+2.5", 2.5), ("1e2", 100.0), ("0.01", 0.01)]
        )
        func amounts(text: String, expected: Double) throws {
            let load = try loadConfig("budget:\n  max_cost_usd: \(text)\n  per_unit:\n    max_cost_usd: \(text)\n")
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(load.config.budget.maxCostUSD == expected)
            #expect(load.config.budget.unitMaxCostUSD == expected)
        }

        @Test("a price of 0 is allowed, a wait equal to the longest wait is allowed, and no jitter is allowed")
        func boundaries() throws {
            let load = try loadConfig(
                "limits:\n  default_wait: 2h\n  max_wait: 2h\n  jitter: 0s\nprices:\n  local-model:\n    input: 0\n"
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(
                load.config.limits
                    == ChooConfig.LimitSettings(defaultWait: .seconds(7_200), maxWait: .seconds(7_200), jitter: .zero)
            )
            #expect(load.config.prices == ["local-model": ChooConfig.ModelPrice(input: 0)])
        }

        @Test("a longest wait shorter than the default wait keeps both at their defaults")
        func waitsCheckedTogether() throws {
            let load = try loadConfig("limits:\n  max_wait: soon\n  default_wait: 24h\n  jitter: 5m\n")
            #expect(load.diagnostics.map(\.rule) == [.configValue, .configValue])
            #expect(load.diagnostics.map(\.line) == [2, 3])
            let crossCheck = try #require(load.diagnostics.last)
            #expect(crossCheck.message.contains("its default of `12h`"), "\(crossCheck.message)")
            #expect(crossCheck.message.contains("`24h`"))
            #expect(load.config.limits == ChooConfig.LimitSettings(jitter: .seconds(300)))
            #expect(load.source(of: "limits.default_wait") == .defaultValue)
            #expect(load.source(of: "limits.jitter") == .file(line: 4))
        }

        @Test("one bad price entry is reported and the others are kept")
        func badPriceEntryKeepsTheOthers() throws {
            let load = try loadConfig(
                "prices:\n  gpt-5-codex:\n    input: 1.25\n    output: -1\n  gemini:\n    input: 1.25\n    output: 10\n"
            )
            #expect(load.diagnostics.map(\.line) == [4])
            #expect(load.config.prices == ["gemini": ChooConfig.ModelPrice(input: 1.25, output: 10)])
        }

        @Test("every output format is read by its name", arguments: AgentOutputFormat.allCases)
        func outputFormats(format: AgentOutputFormat) throws {
            let load = try loadConfig(
                "provider:\n  providers:\n    agent:\n      command: agent\n      format: \(format.rawValue)\n"
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(load.config.provider.providers["agent"]?.format == format)
        }

        @Test("a provider with a bad format, model or resume_args is not defined, as with bad args")
        func badProviderFieldDropsTheProvider() throws {
            let load = try loadConfig(
                "provider:\n  providers:\n    agent:\n      command: agent\n      format: json\n"
                    + "    other:\n      command: other\n      model: o-1\n      resume_args: [\"--resume\", \"{session}\"]\n"
            )
            #expect(load.diagnostics.map(\.rule) == [.configValue])
            #expect(load.config.provider.providers["agent"] == nil)
            let other = try #require(load.config.provider.providers["other"])
            #expect(other.model == "o-1")
            #expect(other.resumeArgs == ["--resume", "{session}"])
            #expect(other.format == nil)
        }

        @Test("the new keys are recorded as present, with where each came from")
        func presentKeysAndSources() throws {
            let load = try loadConfig(
                """
                agent_tool_timeout: 1h
                budget:
                  max_tokens: 100000
                  per_unit:
                    max_cost_usd: 2
                limits:
                  max_wait: 6h
                prices:
                  gpt-5-codex:
                    input: 1
                provider:
                  resume: off

                """
            )
            #expect(load.diagnostics.isEmpty, "\(load.diagnostics)")
            #expect(
                load.presentKeys == [
                    "agent_tool_timeout", "budget.max_tokens", "budget.per_unit.max_cost_usd", "limits.max_wait",
                    "prices", "provider.resume",
                ]
            )
            #expect(load.source(of: "budget.per_unit.max_cost_usd") == .file(line: 5))
            #expect(load.source(of: "prices") == .file(line: 8))
            #expect(load.source(of: "provider.resume") == .file(line: 12))
            #expect(load.config.provider.resumeSessions == false)
            #expect(load.config.agentToolTimeout == .seconds(3_600))
        }

        @Test("unknown keys inside the new sections are warned about, with a suggestion")
        func unknownKeys() throws {
            let load = try loadConfig(
                """
                agent_tool_timout: 1h
                budget:
                  max_cost_ud: 5
                  per_unit:
                    max_token: 10
                limits:
                  jiter: 1m
                prices:
                  gpt-5-codex:
                    cached_read: 0.1
                    input: 1
                provider:
                  resme: false
                  providers:
                    codex:
                      modle: gpt-5-codex
                max_wait: 1h

                """
            )
            #expect(load.diagnostics.allSatisfy { $0.rule == .configUnknownKey && $0.severity == .warning })
            #expect(
                load.diagnostics.map(\.message) == [
                    "unknown key `agent_tool_timout`",
                    "unknown key `budget.max_cost_ud`",
                    "unknown key `budget.per_unit.max_token`",
                    "unknown key `limits.jiter`",
                    "unknown key `prices.gpt-5-codex.cached_read`",
                    "unknown key `provider.resme`",
                    "unknown key `provider.providers.codex.modle`",
                    "unknown key `max_wait`",
                ]
            )
            #expect(
                load.diagnostics.map(\.hint) == [
                    "did you mean `agent_tool_timeout`?",
                    "did you mean `budget.max_cost_usd`?",
                    "did you mean `budget.per_unit.max_tokens`?",
                    "did you mean `limits.jitter`?",
                    "did you mean `cache_read`?",
                    "did you mean `provider.resume`?",
                    "did you mean `model`?",
                    "did you mean `limits.max_wait`?",
                ]
            )
            #expect(load.diagnostics.map(\.line) == [1, 3, 5, 7, 10, 13, 16, 17])
            #expect(load.config.prices == ["gpt-5-codex": ChooConfig.ModelPrice(input: 1)])
        }
    }
}
