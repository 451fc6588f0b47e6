extension PriceTable {
    /// The price table that ships with choo, read from ``shippedJSON``.
    ///
    /// It holds only prices read on the model makers' own pages, each with the page and the day it
    /// was read; a kind of token without an official price is left out, so its cost is unknown.
    public static let shipped: PriceTable = {
        do {
            return try PriceTable(json: shippedJSON)
        } catch {
            // The JSON is a literal checked by a unit test; an empty table only makes costs unknown.
            return PriceTable(asOf: "unknown", entries: [:])
        }
    }()

    /// The shipped prices as JSON: US dollars per million tokens. `cache_write` is the 5-minute
    /// cache write (the one Claude Code uses); `cache_read` is a cache hit (Codex's cached input).
    ///
    /// Keys are model ids without a date: `claude-opus-4-5` also prices `claude-opus-4-5-20251101`
    /// (see ``PriceTable/price(forModel:provider:)``). Embedded as a string because a resource bundle does not reliably travel with an installed
    /// binary. To update it, read the pages named in `source`, change the prices and the dates.
    static let shippedJSON = #"""
        {
          "as_of": "2026-12-01",
          "models": {
            "claude-fable-5": {
              "input": 10, "output": 50, "cache_read": 1, "cache_write": 12.5,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/about-claude/pricing"
            },
            "claude-opus-5": {
              "input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/models/opus-5/overview"
            },
            "claude-opus-4-6": {
              "input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/about-claude/pricing"
            },
            "claude-opus-4-5": {
              "input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/about-claude/pricing"
            },
            "claude-sonnet-4-6": {
              "input": 3, "output": 15,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/docs/legacy-model-guide"
            },
            "claude-sonnet-4-5": {
              "input": 3, "output": 15,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/zh-CN/docs/about-claude/models/overview"
            },
            "claude-haiku-4-5": {
              "input": 1, "output": 5,
              "as_of": "2026-12-01",
              "source": "https://platform.claude.com/docs/en/docs/legacy-model-guide"
            },
            "gpt-5-codex": {
              "input": 1.25, "output": 10, "cache_read": 0.125,
              "as_of": "2026-12-01",
              "source": "https://developers.openai.com/api/docs/models/gpt-5-codex"
            }
          }
        }
        """#
}
