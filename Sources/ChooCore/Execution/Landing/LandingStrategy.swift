/// How finished units reach the target branch. The unit's work calls the strategy at three points:
/// when its tasks and baseline checks pass (``finishWork(_:)``), while it waits outside the
/// parallelism cap (``awaitReview(_:shutdown:)``, only when ``reviews``), and when it holds the
/// merge slot (``land(_:shutdown:)``). ``LocalLanding`` moves the target itself; ``GitHubLanding``
/// goes through a pull request, its review and CI, and GitHub's merge.
protocol LandingStrategy: Sendable {
    /// Whether units wait for a review between their work and their landing.
    var reviews: Bool { get }
    /// The end of the unit's own work (GitHub: push the branch and open its pull request).
    func finishWork(_ work: UnitWork) async throws
    /// Waits until the unit may land (GitHub: approval and green CI, fixing what they ask).
    func awaitReview(_ work: UnitWork, shutdown: ShutdownFlag) async throws
    /// Lands the unit on the target branch; holds the run's one merge slot meanwhile.
    func land(_ work: UnitWork, shutdown: ShutdownFlag) async throws
    /// The commit of the unit's branch that landed without being contained in the target (a squash
    /// or rebase merge on GitHub), or `nil`: its branch may then be deleted at that tip.
    func landedHead(of unit: String) -> String?
}

/// How many times landing starts over because the target moved meanwhile.
let landingRounds = 5
