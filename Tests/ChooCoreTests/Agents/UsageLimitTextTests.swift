import Foundation
import Testing

@testable import ChooCore

/// The agents' usage-limit messages, every known wording, read for their reset time.
struct UsageLimitTextTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        /// The reset as `yyyy-MM-dd HH:mm` in `zone`, `""` for a limit without one, `nil` for no limit.
        var reset: String?
        var zone = "Europe/Lisbon"

        var testDescription: String { text }
    }

    /// 2026-03-10 15:28 in Lisbon (UTC+0 then).
    static let now = Date(timeIntervalSince1970: 1_773_156_480)

    static let cases: [Case] = [
        .init(text: "Claude AI usage limit reached|1773162000", reset: "2026-03-10 17:00"),
        .init(
            text: "Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).",
            reset: "2026-03-10 17:00",
            zone: "Europe/Warsaw"
        ),
        .init(text: "5-hour limit reached ∙ resets 5:30am", reset: "2026-03-11 05:30"),
        .init(
            text: "5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to Max 20x",
            reset: "2026-03-11 14:00",
            zone: "Pacific/Auckland"
        ),
        .init(text: "You've hit your limit · resets 1pm (Europe/Lisbon)", reset: "2026-03-11 13:00"),
        .init(text: "You've hit your limit · resets 3pm (Europe/Lisbon)", reset: "2026-03-11 15:00"),
        .init(text: "You've hit your limit · resets 4pm (Europe/Lisbon)", reset: "2026-03-10 16:00"),
        .init(
            text: "You've hit your session limit · resets 4:20am (Europe/Warsaw)",
            reset: "2026-03-11 04:20",
            zone: "Europe/Warsaw"
        ),
        .init(
            text: "You've hit your weekly limit · resets Sep 15, 3am (Europe/Dublin)",
            reset: "2026-09-15 03:00",
            zone: "Europe/Dublin"
        ),
        .init(
            text: "You've hit your weekly limit · resets Mar 2 at 4pm (America/Recife)",
            reset: "2027-03-02 16:00",
            zone: "America/Recife"
        ),
        .init(text: "You've hit your monthly spend limit", reset: ""),
        .init(
            text:
                "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at 3:28 PM.",
            // The current minute: now (its seconds were cut), not tomorrow.
            reset: "2026-03-10 15:28"
        ),
        .init(text: "You've hit your usage limit. Try again at Aug 8th, 2026 12:30 PM.", reset: "2026-08-08 12:30"),
        .init(text: "You've hit your usage limit. Try again in 3 days 6 hours 57 minutes.", reset: "2026-03-13 22:25"),
        .init(text: "You've hit your usage limit. Try again Aug 18.", reset: "2026-08-18 00:00"),
        .init(text: "You've hit your usage limit. Upgrade to Plus to continue using Codex", reset: ""),
        .init(text: "You've hit your context limit", reset: nil),
        .init(text: "All 12 tests passed; the limit is fine.", reset: nil),
    ]

    @Test(
        "every wording, with its reset in its own zone, rolled to tomorrow when the hour has passed",
        arguments: cases
    )
    func reset(_ example: Case) throws {
        let zone = try #require(TimeZone(identifier: example.zone))
        let lisbon = try #require(TimeZone(identifier: "Europe/Lisbon"))
        let match = UsageLimitText.match(in: example.text, now: Self.now, timeZone: lisbon)
        guard let expected = example.reset else {
            #expect(match == nil)
            return
        }
        let found = try #require(match)
        if expected.isEmpty {
            #expect(found.resetsAt == nil)
            return
        }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = zone
        format.dateFormat = "yyyy-MM-dd HH:mm"
        #expect(found.resetsAt.map(format.string(from:)) == expected)
    }

    @Test("a reset at the current minute, or one just gone, is now, not tomorrow")
    func currentMinuteIsNow() throws {
        let zone = try #require(TimeZone(identifier: "UTC"))
        // 1_800_000_000 is 08:00:00 UTC; 30 s later the message still says 8:00 AM.
        let now = Date(timeIntervalSince1970: 1_800_000_030)
        let match = UsageLimitText.match(
            in: "You've hit your usage limit. Try again at 8:00 AM.",
            now: now,
            timeZone: zone
        )
        #expect(match?.resetsAt == now)
        let passed = UsageLimitText.match(
            in: "You've hit your usage limit. Try again at 7:50 AM.",
            now: now,
            timeZone: zone
        )
        #expect(passed?.resetsAt == Date(timeIntervalSince1970: 1_800_000_000 - 600 + 86400))
    }
}
