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
