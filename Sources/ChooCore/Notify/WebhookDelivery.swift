import Foundation

/// Sending one body to one webhook: POST, retried with backoff a bounded number of times (a
/// status outside 2xx, no answer in the hook's timeout, no connection), every wait on the run's
/// clock. The URL is never part of what it reports.
public struct WebhookDelivery: Sendable {
    /// How one delivery ended.
    public struct Result: Sendable, Hashable, Codable {
        /// The hook's place in `notify` (0-based), which names it without its URL.
        public var hook: Int
        /// The event's type (`notify.test` for a test).
        public var eventType: String
        /// The event's sequence number in the run, when it was a run's event.
        public var sequence: Int?
        /// Whether the hook answered 2xx.
        public var delivered: Bool
        /// The last HTTP status, when there was an answer.
        public var status: Int?
        /// How many attempts were made.
        public var attempts: Int
        /// Why the last attempt failed, when it did.
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case hook, sequence, delivered, status, attempts, error
            case eventType = "event_type"
        }

        /// One line naming the hook by its key, not its URL.
        public var text: String {
            let outcome = delivered ? "delivered" : "gave up"
            var line = "notify[\(hook)]: \(eventType) \(outcome) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
            if let status { line += " (HTTP \(status))" }
            if let error, !delivered { line += ": \(error)" }
            return line
        }
    }

    /// Sends the requests.
    public var transport: any HTTPTransport
    /// Waits between attempts.
    public var clock: any WaitClock
    /// The waits before the second, third, ... attempt: the attempts are one more than these.
    public var backoff: [Duration] = [.seconds(1), .seconds(4), .seconds(15)]
    /// Takes secrets out of error texts (the URLs among them).
    public var redact: @Sendable (String) -> String = { $0 }

    /// A delivery through `transport`, waiting on `clock`.
    public init(transport: any HTTPTransport, clock: any WaitClock, redact: @escaping @Sendable (String) -> String) {
        self.transport = transport
        self.clock = clock
        self.redact = redact
    }

    /// Sends `body` to `hook` (number `index`) until it is delivered or the attempts run out.
    public func send(
        _ body: Data,
        to hook: ChooConfig.Webhook,
        index: Int,
        eventType: String,
        sequence: Int? = nil
    ) async -> Result {
        var result = Result(hook: index, eventType: eventType, sequence: sequence, delivered: false, attempts: 0)
        let request = HTTPRequest(
            method: "POST",
            url: hook.url.absoluteString,
            headers: [("Content-Type", "application/json"), ("User-Agent", "choo/\(ChooVersion.current)")],
            body: body
        )
        for attempt in 0 ... backoff.count {
            if attempt > 0 {
                do {
                    try await clock.sleep(for: backoff[attempt - 1])
                } catch {
                    result.error = "the run ended before it was delivered"
                    return result
                }
            }
            result.attempts = attempt + 1
            do {
                let response = try await transport.send(request, timeout: hook.timeout)
                result.status = response.status
                if (200 ..< 300).contains(response.status) {
                    result.delivered = true
                    result.error = nil
                    return result
                }
                result.error = "HTTP \(response.status)"
            } catch is CancellationError {
                result.error = "the run ended before it was delivered"
                return result
            } catch {
                result.status = nil
                result.error = redact("\(error)")
            }
            if Task.isCancelled {
                result.error = "the run ended before it was delivered"
                return result
            }
        }
        return result
    }
}
