/// Why a transport gave up on a request without a response.
public enum HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// No complete response arrived within the timeout.
    case timedOut(after: Duration)
    /// The response body was larger than the transport accepts.
    case bodyTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .timedOut(let timeout): "no response within \(timeout)"
        case .bodyTooLarge(let limit): "the response was larger than \(limit) bytes"
        }
    }
}
