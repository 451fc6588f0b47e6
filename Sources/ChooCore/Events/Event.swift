import Foundation

/// Something that happened during a run, published once to every sink (terminal view, `--json`,
/// the journal). Type strings are the Go tool's, so consumers written for it keep working.
public struct Event: Sendable, Hashable {
    /// What happened, e.g. `unit.started`.
    public var type: EventType
    /// When it happened.
    public var time: Date
    /// The unit it concerns, if any.
    public var unit: String?
    /// The task number it concerns, if any.
    public var task: Int?
    /// Details that depend on the type.
    public var payload: [String: JSONValue]
    /// The error message of a failure event.
    public var error: String?

    /// Creates an event.
    public init(
        _ type: EventType,
        time: Date = Date(),
        unit: String? = nil,
        task: Int? = nil,
        payload: [String: JSONValue] = [:],
        error: String? = nil
    ) {
        self.type = type
        self.time = time
        self.unit = unit
        self.task = task
        self.payload = payload
        self.error = error
    }
}

/// An event's type string.
public struct EventType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// The run began.
    public static let orchStarted = EventType(rawValue: "orch.started")
    /// Every unit succeeded.
    public static let orchCompleted = EventType(rawValue: "orch.completed")
    /// The run ended with a unit failed, blocked or not started.
    public static let orchFailed = EventType(rawValue: "orch.failed")
    /// Children left running by an earlier, killed run were stopped (choo's own).
    public static let orchLeftoversStopped = EventType(rawValue: "orch.leftovers.stopped")
    /// The user asked the run to stop (choo's own).
    public static let orchInterrupted = EventType(rawValue: "orch.interrupted")
    /// A unit is in the run and waits for its turn.
    public static let unitQueued = EventType(rawValue: "unit.queued")
    /// A unit's lifecycle began.
    public static let unitStarted = EventType(rawValue: "unit.started")
    /// A unit resumed with uncommitted edits from an interrupted run (choo's own).
    public static let unitResumed = EventType(rawValue: "unit.resumed")
    /// A unit's worktree is ready (choo's own).
    public static let unitWorktree = EventType(rawValue: "unit.worktree")
    /// A unit's work is done; it waits for the merge slot (choo's own).
    public static let unitMergeQueued = EventType(rawValue: "unit.merge.queued")
    /// A unit is being landed on the target branch (choo's own).
    public static let unitMergeStarted = EventType(rawValue: "unit.merge.started")
    /// A unit's branch was brought up to date with the target (choo's own).
    public static let unitMergeUpdated = EventType(rawValue: "unit.merge.updated")
    /// A merge conflict is being resolved by the agent (choo's own).
    public static let unitMergeConflict = EventType(rawValue: "unit.merge.conflict")
    /// A unit landed on the target branch.
    public static let unitMerged = EventType(rawValue: "unit.merged")
    /// Removing a landed unit's worktree or branch failed (choo's own); the work is on the target.
    public static let unitCleanupFailed = EventType(rawValue: "unit.cleanup.failed")
    /// A unit finished with every task and check passing.
    public static let unitCompleted = EventType(rawValue: "unit.completed")
    /// A unit failed.
    public static let unitFailed = EventType(rawValue: "unit.failed")
    /// A unit will not run because a unit it depends on failed.
    public static let unitBlocked = EventType(rawValue: "unit.blocked")
    /// A unit stopped early because the run is shutting down (choo's own).
    public static let unitInterrupted = EventType(rawValue: "unit.interrupted")
    /// An agent turn on a task began.
    public static let taskStarted = EventType(rawValue: "task.started")
    /// The agent process was started.
    public static let taskClaudeInvoke = EventType(rawValue: "task.claude.invoke")
    /// The agent process is running, with its pid (choo's own).
    public static let taskAgentStarted = EventType(rawValue: "task.agent.started")
    /// The agent process ended.
    public static let taskClaudeDone = EventType(rawValue: "task.claude.done")
    /// A backpressure command is running.
    public static let taskBackpressure = EventType(rawValue: "task.backpressure")
    /// The backpressure command passed.
    public static let taskValidationOK = EventType(rawValue: "task.validation.ok")
    /// The backpressure command failed.
    public static let taskValidationFail = EventType(rawValue: "task.validation.fail")
    /// The turn failed and will be tried again.
    public static let taskRetry = EventType(rawValue: "task.retry")
    /// The task is done and verified.
    public static let taskCompleted = EventType(rawValue: "task.completed")
    /// The task's work was committed.
    public static let taskCommitted = EventType(rawValue: "task.committed")
    /// The task failed after every attempt.
    public static let taskFailed = EventType(rawValue: "task.failed")
    /// A baseline check ran (choo's own).
    public static let unitBaseline = EventType(rawValue: "unit.baseline")
    /// A unit's pull request was opened (or an open one adopted).
    public static let prCreated = EventType(rawValue: "pr.created")
    /// choo waits for a review of a unit's pull request.
    public static let prReviewPending = EventType(rawValue: "pr.review.pending")
    /// A reviewer is looking at the pull request (the eyes reaction).
    public static let prReviewInProgress = EventType(rawValue: "pr.review.in_progress")
    /// The pull request was approved.
    public static let prReviewApproved = EventType(rawValue: "pr.review.approved")
    /// New review comments or a change request arrived.
    public static let prFeedbackReceived = EventType(rawValue: "pr.feedback.received")
    /// The agent addressed review feedback; the fix is checked, committed and pushed.
    public static let prFeedbackAddressed = EventType(rawValue: "pr.feedback.addressed")
    /// The pull request's CI checks are being waited for, or one failed and is being fixed (choo's own).
    public static let prChecks = EventType(rawValue: "pr.checks")
    /// The pull request waits for the merge slot.
    public static let prMergeQueued = EventType(rawValue: "pr.merge.queued")
    /// The pull request's branch had to be brought up to date with its base before merging.
    public static let prConflict = EventType(rawValue: "pr.conflict")
    /// The pull request was merged on GitHub.
    public static let prMerged = EventType(rawValue: "pr.merged")
    /// A call to GitHub waits before trying again: a rate limit, or an error worth retrying (choo's own).
    public static let githubWaiting = EventType(rawValue: "github.waiting")
    /// Something about the pull request failed (closed by a person, could not be merged).
    public static let prFailed = EventType(rawValue: "pr.failed")
    /// The agent moved its unit's branch off choo's commits; choo put it back (choo's own).
    public static let unitBranchRestored = EventType(rawValue: "unit.branch.restored")
    /// The agent changed spec files it may not change; choo put them back (choo's own).
    public static let unitSpecRestored = EventType(rawValue: "unit.spec.restored")
    /// Files made by `worktree.setup` are kept out of every commit (choo's own).
    public static let unitSetupExcluded = EventType(rawValue: "unit.setup.excluded")
    /// Untracked files were moved aside for a check and some could not go back (choo's own).
    public static let unitAsideStranded = EventType(rawValue: "unit.aside.stranded")
    /// A turn left conflict markers in files it changed (choo's own).
    public static let taskConflictMarkers = EventType(rawValue: "task.conflict.markers")
    /// Files in the user's checkout appeared, changed or disappeared during the run, and choo did
    /// not do it (choo's own): `paths`, and each path under `appeared`, `changed` or `removed`.
    public static let orchCheckoutChanged = EventType(rawValue: "orch.checkout.changed")
    /// A child (agent, check, git) left processes running when it ended, even outside its process
    /// group; they were stopped (choo's own).
    public static let processLeftoversStopped = EventType(rawValue: "process.leftovers.stopped")
}

/// A JSON value, for event payloads.
public enum JSONValue: Sendable, Hashable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case type, time, unit, task, payload, error
    }

    /// Encodes `type`, `time` (RFC 3339 with milliseconds), and the rest only when present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(Self.format(time), forKey: .time)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encodeIfPresent(task, forKey: .task)
        if !payload.isEmpty { try container.encode(payload, forKey: .payload) }
        try container.encodeIfPresent(error, forKey: .error)
    }

    /// Decodes what ``encode(to:)`` wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(EventType.self, forKey: .type)
        let text = try container.decode(String.self, forKey: .time)
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not RFC 3339")
        }
        time = timestamp.date
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        task = try container.decodeIfPresent(Int.self, forKey: .task)
        payload = try container.decodeIfPresent([String: JSONValue].self, forKey: .payload) ?? [:]
        error = try container.decodeIfPresent(String.self, forKey: .error)
    }

    /// `2026-11-26T09:30:00.123Z`.
    static func format(_ date: Date) -> String {
        let whole = Timestamp(date).description
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let text = String(milliseconds)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - text.count) + text + "Z"
    }

    /// The event as one line of JSON, without a newline.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"type\":\"\(type.rawValue)\"}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONValue {
    /// The value with every string in it passed through `redact`.
    func redacted(with redact: (String) -> String) -> JSONValue {
        switch self {
        case .string(let text): .string(redact(text))
        case .array(let values): .array(values.map { $0.redacted(with: redact) })
        case .object(let fields): .object(fields.mapValues { $0.redacted(with: redact) })
        case .int, .double, .bool, .null: self
        }
    }
}
