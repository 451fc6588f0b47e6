import Foundation

/// What the GitHub-mode parts of a unit's work share: the unit and the run's GitHub side.
protocol GitHubPart: UnitPart {
    /// The run's GitHub side: client, remote, clock, each unit's pull request.
    var github: GitHubMode { get }
}

extension GitHubPart {
    /// Pushing the unit's branch and taking in what others pushed to it.
    var branchPush: PullRequestBranch { PullRequestBranch(work: work, github: github) }

    func closedByPerson(number: Int) -> UnitStop {
        context.bus.publish(
            Event(.prFailed(.init(number: number)), unit: unit, error: "closed without merging")
        )
        return UnitStop.failed(
            "pull request #\(number) was closed on GitHub without merging; the unit's work is kept on "
                + "\(work.branch). Reopen it and run again to carry on, or leave the unit failed."
        )
    }

    /// Runs a call to GitHub, turning its error into the unit's failure with `what` it was doing.
    func gitHub<T: Sendable>(_ what: String, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch GitHubError.cancelled {
            throw UnitStop.interrupted
        } catch let error as GitHubError {
            throw UnitStop.failed("\(what) on GitHub failed: \(error)")
        }
    }

    /// Waits one poll interval (`review.poll_interval`), or `duration`, on the run's clock; a
    /// cancellation, or a graceful stop asked for meanwhile (with `shutdown`), interrupts it at once.
    func wait(shutdown: ShutdownFlag?, for duration: Duration? = nil) async throws {
        let clock = github.clock
        let interval = duration ?? context.config.review.pollInterval
        guard let shutdown else {
            do {
                return try await clock.sleep(for: interval)
            } catch {
                throw UnitStop.interrupted
            }
        }
        let slept = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await clock.sleep(for: interval)) != nil }
            group.addTask {
                await shutdown.raised()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !slept || shutdown.isRaised { throw UnitStop.interrupted }
    }
}
