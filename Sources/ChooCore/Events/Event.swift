import Foundation

/// Something that happened during a run, published once to every sink (terminal view, `--json`,
/// the journal). Type strings and payload keys are the Go tool's, so consumers written for it keep
/// working.
public struct Event: Sendable, Hashable {
    /// What happened, with its details.
    public var payload: Payload
    /// When it happened.
    public var time: Date
    /// The unit it concerns, if any.
    public var unit: String?
    /// The task number it concerns, if any.
    public var task: Int?
    /// The error message of a failure event.
    public var error: String?

    /// Creates an event.
    public init(
        _ payload: Payload,
        time: Date = Date(),
        unit: String? = nil,
        task: Int? = nil,
        error: String? = nil
    ) {
        self.payload = payload
        self.time = time
        self.unit = unit
        self.task = task
        self.error = error
    }

    /// What happened, e.g. `unit.started`; `nil` for a type this version does not know.
    public var type: EventType? { payload.type }

    /// The type string of the event's JSON line.
    public var typeName: String { payload.typeName }
}

extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case type, time, unit, task, payload, error
    }

    /// Encodes `type`, `time` (RFC 3339 with milliseconds), and the rest only when present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        try container.encode(Self.format(time), forKey: .time)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encodeIfPresent(task, forKey: .task)
        try payload.encode(to: &container, forKey: .payload)
        try container.encodeIfPresent(error, forKey: .error)
    }

    /// Decodes what ``encode(to:)`` wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let text = try container.decode(String.self, forKey: .time)
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not RFC 3339")
        }
        payload = try Payload.decode(type: type, from: container, forKey: .payload)
        time = timestamp.date
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        task = try container.decodeIfPresent(Int.self, forKey: .task)
        error = try container.decodeIfPresent(String.self, forKey: .error)
    }

    /// `2026-11-26T09:30:00.123Z`.
    static func format(_ date: Date) -> String {
        let whole = Timestamp(date).description
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let text = String(milliseconds)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - text.count) + text + "Z"
    }

    /// The encoder of event lines: sorted keys, slashes as they are.
    static func lineEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The event as one line of JSON, without a newline.
    public var jsonLine: String {
        guard let data = try? Self.lineEncoder().encode(self) else { return "{\"type\":\"\(typeName)\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The event with its error and every string in its details passed through `redact`.
    func redacted(with redact: (String) -> String) -> Event {
        var event = self
        event.error = error.map(redact)
        event.payload = payload.redacted(with: redact)
        return event
    }
}
