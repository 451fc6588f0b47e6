import Testing

@testable import ChooCore

/// Cleanup's keep-or-remove table without a repository.
struct CleanupDecisionTests {
    struct Landed: Sendable, CustomTestStringConvertible {
        var name: String
        var keep = false
        var tip: String? = "abc"
        var contained = false
        var landedHead: String?
        var decision: CleanupDecision

        var testDescription: String { name }
    }

    static let landed: [Landed] = [
        .init(name: "a branch the target contains goes", contained: true, decision: .remove),
        .init(name: "worktree.keep keeps everything", keep: true, contained: true, decision: .keep(.setting)),
        .init(name: "a squash-merged head goes although not contained", landedHead: "abc", decision: .remove),
        .init(name: "a branch with work beyond what landed stays", landedHead: "def", decision: .keep(.notOnTarget)),
        .init(name: "a branch not on the target stays", decision: .keep(.notOnTarget)),
        .init(name: "a branch already gone leaves nothing to do", tip: nil, decision: .keep(.noBranch)),
    ]

    @Test("after landing", arguments: landed)
    func afterLanding(_ example: Landed) {
        let decision = CleanupDecision.afterLanding(
            keep: example.keep,
            tip: example.tip,
            containedInTarget: example.contained,
            landedHead: example.landedHead
        )
        #expect(decision == example.decision)
    }

    struct Unstarted: Sendable, CustomTestStringConvertible {
        var name: String
        var resumed = false
        var tip: String? = "abc"
        var contained = true
        var clean = true
        var decision: CleanupDecision

        var testDescription: String { name }
    }

    static let unstarted: [Unstarted] = [
        .init(name: "a new, clean branch the target contains goes", decision: .remove),
        .init(name: "a branch from an earlier run stays", resumed: true, decision: .keep(.resumed)),
        .init(name: "a branch with commits of its own stays", contained: false, decision: .keep(.notOnTarget)),
        .init(name: "a worktree someone wrote into stays", clean: false, decision: .keep(.uncommitted)),
        .init(name: "a branch already gone leaves nothing to do", tip: nil, decision: .keep(.noBranch)),
    ]

    @Test("a unit prepared ahead that never started", arguments: unstarted)
    func unstartedUnit(_ example: Unstarted) {
        let decision = CleanupDecision.unstarted(
            resumed: example.resumed,
            tip: example.tip,
            containedInTarget: example.contained,
            clean: example.clean
        )
        #expect(decision == example.decision)
    }
}
