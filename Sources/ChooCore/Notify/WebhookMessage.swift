import Foundation

/// What a webhook is sent for an event: the event's `--json` line, or for Slack `{"text": ...}`
/// with a readable line.
public enum WebhookMessage {
    /// The body for `event` in `format`; `repository` names where it happened (Slack's line).
    public static func body(for event: Event, format: ChooConfig.Webhook.Format, repository: String) -> Data {
        switch format {
        case .json: return Data(event.jsonLine.utf8)
        case .slack: return slack(text(for: event, repository: repository))
        }
    }

    /// The readable line for `event`: `choo (repository): what happened`.
    public static func text(for event: Event, repository: String) -> String {
        var line = EventLine.text(for: event, style: .plain) ?? event.typeName
        if EventLine.text(for: event, style: .plain) == nil {
            if let unit = event.unit { line += " \(unit)" }
            if let error = event.error { line += ": \(error)" }
        }
        return "choo (\(repository)): \(line)"
    }

    /// A Slack-compatible body holding `text`.
    public static func slack(_ text: String) -> Data {
        (try? JSONEncoder().encode(["text": text])) ?? Data("{}".utf8)
    }

    /// The body `choo notify test` sends.
    public static func test(format: ChooConfig.Webhook.Format, repository: String, at time: Date) -> Data {
        let text = "choo (\(repository)): test notification; this hook is set up"
        switch format {
        case .json:
            let object = ["type": "notify.test", "time": Event.format(time), "text": text]
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return (try? encoder.encode(object)) ?? Data("{}".utf8)
        case .slack: return slack(text)
        }
    }
}
