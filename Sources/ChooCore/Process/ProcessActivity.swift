import Synchronization

/// What a child says about itself while it runs, which changes how long it may stay quiet: an
/// agent whose stream shows a tool call that has started and not finished is allowed
/// ``toolTimeout`` of silence (a test suite, a build) instead of the spec's idle timeout.
///
/// Shared between the reader of the child's output, which marks calls started and finished, and
/// the runner's watch over the deadlines. Equal only to itself.
public final class ProcessActivity: Sendable, Hashable {
    /// The longest the child may stay quiet while a call is open.
    public let toolTimeout: Duration
    private let open = Mutex<Set<String>>([])

    /// An activity with no call open.
    public init(toolTimeout: Duration) {
        self.toolTimeout = toolTimeout
    }

    /// Marks the call `id` started.
    public func started(_ id: String) { _ = open.withLock { $0.insert(id) } }

    /// Marks the call `id` finished.
    public func finished(_ id: String) { _ = open.withLock { $0.remove(id) } }

    /// Marks every call finished (the agent's turn ended, so none can still run).
    public func finishAll() { open.withLock { $0.removeAll() } }

    /// Whether some call has started and not finished.
    public var inCall: Bool { open.withLock { !$0.isEmpty } }

    public static func == (lhs: ProcessActivity, rhs: ProcessActivity) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
