/// Whether a unit's worktree and branch go once the run is done with it: cleanup's decision
/// table, as pure functions.
enum CleanupDecision: Sendable, Hashable {
    /// Remove the worktree and delete the branch.
    case remove
    /// Leave both as they are.
    case keep(Reason)

    /// Why a unit's worktree and branch stay.
    enum Reason: Sendable, Hashable {
        /// `worktree.keep` is set.
        case setting
        /// The branch is gone already: nothing of the unit's is left to remove.
        case noBranch
        /// The branch holds work the target does not: removing it could lose commits.
        case notOnTarget
        /// The worktree has uncommitted changes.
        case uncommitted
        /// The branch was there before this run (a resumed unit): it is the person's to remove.
        case resumed
    }

    /// After a unit landed: its branch at `tip` (`nil`: gone) goes when the target contains the
    /// tip, or when the tip is the head GitHub merged (`landedHead`; a squash or rebase merge holds
    /// the work without its commits); nothing goes with `worktree.keep`.
    static func afterLanding(keep: Bool, tip: String?, containedInTarget: Bool, landedHead: String?)
        -> CleanupDecision
    {
        if keep { return .keep(.setting) }
        guard let tip else { return .keep(.noBranch) }
        if landedHead == tip || containedInTarget { return .remove }
        return .keep(.notOnTarget)
    }

    /// A unit prepared ahead that never started (it was blocked, or the run ended first): its new
    /// branch and worktree go, so a later run makes them afresh from the target, only when the
    /// branch holds nothing the target lacks and the worktree is clean.
    static func unstarted(resumed: Bool, tip: String?, containedInTarget: Bool, clean: Bool) -> CleanupDecision {
        if resumed { return .keep(.resumed) }
        guard tip != nil else { return .keep(.noBranch) }
        guard containedInTarget else { return .keep(.notOnTarget) }
        return clean ? .remove : .keep(.uncommitted)
    }
}
