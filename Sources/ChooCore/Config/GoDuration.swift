/// Parses durations written the way Go's `time.ParseDuration` reads them: `30s`, `5m`, `1h30m`, `1.5h`, `500ms`.
///
/// The Go tool's users already write durations this way in `.choo.yaml`, so choo reads the same syntax: one or
/// more decimal numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`),
/// or a bare `0`. Unlike Go, negative durations are refused: nothing in choo can wait for less than no time.
public enum GoDuration {
    /// Why a text is not a duration.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The kinds of problem a duration can have.
        public enum Reason: Sendable, Hashable {
            /// The text is empty.
            case empty
            /// The text starts with `-`.
            case negative
            /// Something other than a number stands where a number belongs.
            case invalidNumber
            /// A number has no unit after it (only a bare `0` may go without one).
            case missingUnit
            /// A unit that Go does not know, such as `d` or `sec`.
            case unknownUnit(String)
            /// The total is longer than about 292 years, the most a 64-bit count of nanoseconds holds.
            case overflow
        }

        /// The text that was read.
        public var input: String
        /// What is wrong with it.
        public var reason: Reason

        /// Creates an error for `input`.
        public init(input: String, reason: Reason) {
            self.input = input
            self.reason = reason
        }

        /// A short phrase saying what is wrong, e.g. "missing unit".
        public var description: String {
            switch reason {
            case .empty: "empty duration"
            case .negative: "negative durations are not allowed"
            case .invalidNumber: "expected a number followed by a unit"
            case .missingUnit: "missing unit"
            case .unknownUnit(let unit): "unknown unit `\(unit)`"
            case .overflow: "duration is too long"
            }
        }
    }

    /// The units Go accepts, in nanoseconds.
    private static let units: [String: UInt64] = [
        "ns": 1,
        "us": 1_000,
        "\u{00B5}s": 1_000,  // µs, MICRO SIGN
        "\u{03BC}s": 1_000,  // μs, GREEK SMALL LETTER MU
        "ms": 1_000_000,
        "s": 1_000_000_000,
        "m": 60 * 1_000_000_000,
        "h": 3_600 * 1_000_000_000,
    ]

    /// The largest count of nanoseconds a duration may have (Go's `time.Duration` is an `int64`).
    private static let limit = UInt64(Int64.max)

    /// Parses `text` (for example `1h30m`) into a duration.
    ///
    /// - Throws: `ParseError` saying what is wrong with the text.
    public static func parse(_ text: String) throws(ParseError) -> Duration {
        func failure(_ reason: ParseError.Reason) -> ParseError { ParseError(input: text, reason: reason) }

        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") { throw failure(.negative) }
        if let first = bytes.first, first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        if bytes.elementsEqual("0".utf8) { return .zero }
        if bytes.isEmpty { throw failure(.empty) }

        var total: UInt64 = 0
        while !bytes.isEmpty {
            guard let first = bytes.first, first == UInt8(ascii: ".") || isDigit(first) else {
                throw failure(.invalidNumber)
            }
            // The whole part.
            let whole = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(whole.count)
            var value: UInt64 = 0
            for digit in whole {
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                guard !overflowTimes, !overflowSum, sum <= limit else { throw failure(.overflow) }
                value = sum
            }
            // The fraction, kept as digits over a power of ten; digits past what 64 bits hold are dropped.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var fractionDigits = 0
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                let digits = bytes.prefix(while: isDigit)
                bytes = bytes.dropFirst(digits.count)
                fractionDigits = digits.count
                var overflowed = false
                for digit in digits where !overflowed {
                    let (times, overflowTimes) = fraction.multipliedReportingOverflow(by: 10)
                    let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                    if overflowTimes || overflowSum || sum > limit {
                        overflowed = true
                    } else {
                        fraction = sum
                        scale *= 10
                    }
                }
            }
            guard !whole.isEmpty || fractionDigits > 0 else { throw failure(.invalidNumber) }
            // The unit: everything up to the next number.
            let unitBytes = bytes.prefix { $0 != UInt8(ascii: ".") && !isDigit($0) }
            bytes = bytes.dropFirst(unitBytes.count)
            guard !unitBytes.isEmpty else { throw failure(.missingUnit) }
            let unitName = String(decoding: unitBytes, as: UTF8.self)
            guard let unit = units[unitName] else { throw failure(.unknownUnit(unitName)) }

            let (scaled, overflowScaled) = value.multipliedReportingOverflow(by: unit)
            guard !overflowScaled, scaled <= limit else { throw failure(.overflow) }
            value = scaled
            if fraction > 0 {
                let extra = Double(fraction) * (Double(unit) / scale)
                guard extra < Double(limit) else { throw failure(.overflow) }
                let (sum, overflowSum) = value.addingReportingOverflow(UInt64(extra))
                guard !overflowSum, sum <= limit else { throw failure(.overflow) }
                value = sum
            }
            let (sum, overflowSum) = total.addingReportingOverflow(value)
            guard !overflowSum, sum <= limit else { throw failure(.overflow) }
            total = sum
        }
        return .nanoseconds(Int64(total))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
