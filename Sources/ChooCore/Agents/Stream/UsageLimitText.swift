import Foundation

/// The usage-limit messages Claude Code and Codex print, read for when the limit resets: the
/// fallback for when no structured signal (Claude's rejected `rate_limit_event`) came. The
/// wording has changed many times; every known form is accepted, a context-window limit is not
/// one, and the caller decides whether the turn did little enough for its text to count (an agent
/// quoting the message while it works is not at a limit).
public enum UsageLimitText {
    /// A usage-limit message found in a text.
    public struct Match: Sendable, Hashable {
        /// When the limit resets, if the message says.
        public var resetsAt: Date?
    }

    /// The usage-limit message in `text`, read at `now` in `timeZone` (the zone of the machine the
    /// CLI ran on, used when the message names none), or `nil` when there is none.
    public static func match(in text: String, now: Date, timeZone: TimeZone = .current) -> Match? {
        let lower = text.lowercased()
        // `Claude AI usage limit reached|1748268000`: the reset as Unix seconds.
        if let range = lower.range(of: "usage limit reached|") {
            let digits = lower[range.upperBound...].prefix { $0.isNumber }
            return Match(resetsAt: Double(digits).map { Date(timeIntervalSince1970: $0) })
        }
        let phrases = [
            "usage limit reached", "you've hit your limit", "you've hit your session limit",
            "you've hit your weekly limit", "you've hit your monthly", "you've hit your usage limit",
            "5-hour limit reached", "weekly limit reached", "you’ve hit your",
        ]
        guard phrases.contains(where: lower.contains), !lower.contains("context limit") else { return nil }
        if let after = lower.range(of: "try again in ") {
            return Match(resetsAt: duration(String(lower[after.upperBound...])).map { now.addingTimeInterval($0) })
        }
        for marker in ["resets ", "reset at ", "try again at ", "try again "] {
            guard let after = lower.range(of: marker) else { continue }
            let rest = String(text[after.upperBound...])
            if let date = moment(rest, now: now, timeZone: timeZone) { return Match(resetsAt: date) }
        }
        return Match(resetsAt: nil)
    }

    /// `3 days 6 hours 57 minutes` in seconds.
    static func duration(_ text: String) -> TimeInterval? {
        let units: [(String, TimeInterval)] = [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
        var total: TimeInterval = 0
        var found = false
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
        for (index, word) in words.enumerated() where index + 1 < words.count {
            guard let value = Double(word) else { continue }
            let unit = words[index + 1]
            guard let seconds = units.first(where: { unit.hasPrefix($0.0) })?.1 else { continue }
            total += value * seconds
            found = true
        }
        return found ? total : nil
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The moment a message's `resets …` / `try again at …` names: a time (`5pm`, `3:28 PM`,
    /// `4:20am`), an optional date before it (`Sep 15,`, `Apr 23 at`, `Aug 8th, 2026`) and an optional
    /// `(IANA/Zone)` after. A time without a date that has passed today means tomorrow, unless it
    /// passed less than five minutes ago (the message's minute, truncated): then it is now.
    static func moment(_ text: String, now: Date, timeZone defaultZone: TimeZone) -> Date? {
        let timePattern = #"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?"#
        let time = text.range(of: timePattern, options: [.regularExpression, .caseInsensitive])
        // `Try again Aug 18.`: a date alone means its start.
        let before = text[..<(time?.lowerBound ?? text.endIndex)].lowercased()
        let after = time.map { text[$0.upperBound...] } ?? ""
        var zone = defaultZone
        if let open = after.firstIndex(of: "("), let close = after[open...].firstIndex(of: ")"),
            after[..<open].trimmingCharacters(in: .whitespaces).isEmpty,
            let named = TimeZone(identifier: String(after[after.index(after: open) ..< close]))
        {
            zone = named
        }
        var (hour, minute) = (0, 0)
        if let time {
            let clock = String(text[time])
            let numbers = clock.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard let hour12 = numbers.first, hour12 >= 1, hour12 <= 12 else { return nil }
            minute = numbers.count > 1 ? numbers[1] : 0
            hour = hour12 % 12 + (clock.lowercased().contains("p") ? 12 : 0)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var parts = calendar.dateComponents([.year, .month, .day], from: now)
        parts.hour = hour
        parts.minute = minute
        parts.second = 0
        // A date before the time: `sep 15,`, `apr 23 at`, `aug 8th, 2026`.
        let words = before.split(whereSeparator: { $0 == " " || $0 == "," })
        var dated = false
        var yearGiven = false
        if let monthIndex = words.lastIndex(where: { word in months.contains { word.hasPrefix($0) } }),
            let month = months.firstIndex(where: { words[monthIndex].hasPrefix($0) })
        {
            let following = words[(monthIndex + 1)...].map { $0.filter(\.isNumber) }.compactMap { Int($0) }
            if let day = following.first, day >= 1, day <= 31 {
                parts.month = month + 1
                parts.day = day
                if following.count > 1, following[1] > 1900 {
                    parts.year = following[1]
                    yearGiven = true
                }
                dated = true
            }
        }
        guard time != nil || dated, var date = calendar.date(from: parts) else { return nil }
        // Messages give the minute; one that names the current minute (or one just gone) is now,
        // not tomorrow.
        if date <= now, now.timeIntervalSince(date) < 5 * 60 {
            return now
        }
        if date <= now {
            if !dated {
                date = calendar.date(byAdding: .day, value: 1, to: date) ?? date
            } else if !yearGiven {
                date = calendar.date(byAdding: .year, value: 1, to: date) ?? date
            }
        }
        return date
    }
}
