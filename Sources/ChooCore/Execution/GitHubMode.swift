import Foundation
import Synchronization

/// What a run in GitHub mode (`merge.mode: github` or `--pr`) needs: the client for the
/// repository's pull requests, the remote pushes go to, and what is known about each unit's pull
/// request so far.
public struct GitHubMode: Sendable {
    /// The REST client, authenticated with the run's token.
    public var client: GitHubClient
    /// The repository on GitHub.
    public var repository: GitHubRepository
    /// The git remote unit branches are pushed to.
    public var remote: String
    /// Merge without waiting for an approving review (`--skip-review`).
    public var skipReview: Bool
    /// The clock polling waits on.
    public var clock: any WaitClock
    /// Each unit's pull request, and the head GitHub merged.
    public var pullRequests = PullRequestBook()
    /// Removes the token from a text (agent logs pass through it).
    public var redact: @Sendable (String) -> String
    /// The secrets GitHub mode holds (its token), which agent logs and events must never keep.
    public var secrets: [String] = []
    /// The target branch's tip on the remote when the run was prepared.
    public var targetTip: String?
    /// What GitHub requires of pull requests into the target, read when the run was prepared;
    /// `nil` when not read (then nothing is assumed required).
    public var requirements: TargetRequirements?
    /// The repository's workflows at the target's tip: when CI is to be expected on a head.
    public var workflows = WorkflowTriggers()
    /// Whether checks were reported on any head (or the target's tip) in this run.
    public var ciSightings = CISightings()

    /// Creates the GitHub side of a run; `clock` is the run's ``Effects/clock``.
    public init(
        client: GitHubClient,
        repository: GitHubRepository,
        clock: any WaitClock,
        remote: String = "origin",
        skipReview: Bool = false,
        redact: @escaping @Sendable (String) -> String = { $0 },
        targetTip: String? = nil
    ) {
        self.client = client
        self.repository = repository
        self.remote = remote
        self.skipReview = skipReview
        self.clock = clock
        self.redact = redact
        self.targetTip = targetTip
    }
}

/// Each unit's pull request number and, once merged on GitHub, the head commit that was merged
/// (so the unit's branch may be deleted although a squash merge does not contain its commits).
public final class PullRequestBook: Sendable {
    private struct Entry {
        var number: Int
        var mergedHead: String?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// An empty book.
    public init() {}

    /// Records `unit`'s pull request.
    public func record(unit: String, number: Int) {
        entries.withLock { $0[unit] = Entry(number: number, mergedHead: $0[unit]?.mergedHead) }
    }

    /// `unit`'s pull request number, if one was opened or adopted in this run.
    public func number(of unit: String) -> Int? {
        entries.withLock { $0[unit]?.number }
    }

    /// Records that GitHub merged `unit`'s pull request with `head` as its head commit.
    public func recordMerged(unit: String, head: String) {
        entries.withLock { $0[unit]?.mergedHead = head }
    }

    /// The head commit GitHub merged for `unit`, if its pull request was merged in this run.
    public func mergedHead(of unit: String) -> String? {
        entries.withLock { $0[unit]?.mergedHead }
    }
}

/// Whether CI has been seen in this run: check runs or statuses reported on any head, or on the
/// target's tip. Once seen, a head that reports nothing waits for its CI instead of counting as green.
/// It also keeps when choo first looked at each head's CI, from which `github.ci_grace` counts.
public final class CISightings: Sendable {
    private let seen = Mutex(false)
    private let looks = Mutex<[String: Date]>([:])

    /// Nothing seen yet.
    public init() {}

    /// Checks were reported somewhere.
    public func record() { seen.withLock { $0 = true } }

    /// Whether checks were reported anywhere in this run.
    public var any: Bool { seen.withLock { $0 } }

    /// When choo first looked at `head`'s CI (`now` if this is the first look).
    public func firstLook(at head: String, now: Date) -> Date {
        looks.withLock { looks in
            if let first = looks[head] { return first }
            looks[head] = now
            return now
        }
    }
}
