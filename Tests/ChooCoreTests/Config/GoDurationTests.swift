import ChooCore
import Testing

extension ConfigTests {
    struct GoDurationTests {
        @Test(
            "parses what Go's time.ParseDuration accepts",
            arguments: [
                ("0", Duration.zero),
                ("+0", .zero),
                ("0s", .zero),
                ("30s", .seconds(30)),
                ("5m", .seconds(300)),
                ("2h", .seconds(7_200)),
                ("1h30m", .seconds(5_400)),
                ("1.5h", .seconds(5_400)),
                ("1h0.5m", .seconds(3_630)),
                ("500ms", .milliseconds(500)),
                ("250us", .microseconds(250)),
                ("250\u{00B5}s", .microseconds(250)),
                ("250\u{03BC}s", .microseconds(250)),
                ("10ns", .nanoseconds(10)),
                (".5s", .milliseconds(500)),
                ("1.s", .seconds(1)),
                ("+5m", .seconds(300)),
                ("1h2m3s4ms5us6ns", .nanoseconds(3_723_004_005_006)),
                ("2h45m30.5s", .milliseconds(9_930_500)),
                ("0.000000001s", .nanoseconds(1)),
                ("9223372036854775807ns", .nanoseconds(Int64.max)),
            ]
        )
        func parsesValidDurations(text: String, expected: Duration) throws {
            #expect(try GoDuration.parse(text) == expected)
        }

        @Test(
            "refuses what Go refuses, and negative durations",
            arguments: [
                ("", GoDuration.ParseError.Reason.empty),
                ("+", .empty),
                ("-5m", .negative),
                ("-0", .negative),
                ("30", .missingUnit),
                ("1h30", .missingUnit),
                ("5 m", .unknownUnit(" m")),
                ("2d", .unknownUnit("d")),
                ("10sec", .unknownUnit("sec")),
                ("1H", .unknownUnit("H")),
                ("soon", .invalidNumber),
                (" 5m", .invalidNumber),
                (".s", .invalidNumber),
                ("m5", .invalidNumber),
                ("9223372036854775808ns", .overflow),
                ("3000000h", .overflow),
                ("9223372037s", .overflow),
            ]
        )
        func refusesInvalidDurations(text: String, reason: GoDuration.ParseError.Reason) {
            #expect(throws: GoDuration.ParseError(input: text, reason: reason)) {
                try GoDuration.parse(text)
            }
        }

        @Test("an error says what is wrong in words")
        func errorDescription() {
            #expect(GoDuration.ParseError(input: "2d", reason: .unknownUnit("d")).description == "unknown unit `d`")
            #expect(GoDuration.ParseError(input: "30", reason: .missingUnit).description == "missing unit")
        }
    }
}
