import Foundation

/// Watching the user's checkout: agents run in worktrees under it and could write into it. choo
/// records its state when a run starts, compares when the run ends, and reports what changed
/// without reverting anything.
extension Orchestrator {
    /// What comparing the checkout at the end of a run found.
    struct CheckoutCheck: Sendable {
        /// Paths that appeared, changed or disappeared during the run.
        var changes: [CheckoutSnapshot.Change] = []
        /// Why the comparison could not be made or recorded, if so.
        var problem: String?
    }

    /// Records the state of the checkout `git` works in as the state at the start of the ledger's run.
    func recordCheckout(git: Git, ledger: ChildProcessLedger) async throws(SetupError) {
        do {
            let snapshot = try await CheckoutSnapshot.take(git: git, files: effects.files)
            try ledger.journal.recordCheckout(snapshot, at: .start, run: ledger.run, time: effects.clock.now())
        } catch {
            throw .git(
                "could not record the state of the checkout at \(git.repository) in the run journal "
                    + "\(ledger.journal.path): \(error)"
            )
        }
    }

    /// Compares the user's checkout with its state at the start of the run; publishes
    /// `orch.checkout.changed` and records the changes in the journal when there are any.
    func checkCheckout(context: UnitLifecycle.Context) async -> CheckoutCheck {
        guard let ledger = context.childLedger else { return CheckoutCheck() }
        let journal = ledger.journal
        let root = context.repositoryRoot
        let before: CheckoutSnapshot
        do {
            guard let recorded = try journal.checkout(run: ledger.run, at: .start) else { return CheckoutCheck() }
            before = recorded
        } catch {
            return CheckoutCheck(
                problem: "could not read the state of the checkout at the start of the run from \(journal.path): "
                    + "\(error); files changed in \(root) during this run are not listed"
            )
        }
        let after: CheckoutSnapshot
        do {
            after = try await CheckoutSnapshot.take(
                git: Git(repository: root, runner: context.runner),
                files: effects.files
            )
        } catch {
            return CheckoutCheck(
                problem: "could not read the state of the checkout at \(root) (git status): \(error); files "
                    + "changed there during this run are not listed"
            )
        }
        let changes = after.changes(since: before)
        var check = CheckoutCheck(changes: changes)
        do {
            try journal.recordCheckout(after, at: .end, run: ledger.run, time: effects.clock.now())
            if !changes.isEmpty { try journal.recordCheckoutChanges(changes, run: ledger.run) }
        } catch {
            check.problem =
                "could not record the checkout's changes in the run journal \(journal.path): \(error); the next run "
                + "will not know they appeared during this one"
        }
        guard !changes.isEmpty else { return check }
        context.bus.publish(
            Event(
                .orchCheckoutChanged(.init(checkout: root, changes: changes)),
                error: "files in your checkout changed during this run (choo did not make these changes and has "
                    + "not reverted them): " + changes.map(\.path).joined(separator: ", ")
            )
        )
        return check
    }

    /// Changes earlier runs recorded in the journal in `journalFolder` that still describe the checkout
    /// `git` works in (the path is still listed by `git status` and as that run left it). Reads only;
    /// empty when anything fails, since this only adds to a refusal.
    func earlierChanges(git: Git, journalFolder: String) async -> [String: CheckoutSnapshot.EarlierChange] {
        guard let recorded = try? RunJournal.earlierCheckoutChanges(in: journalFolder), !recorded.isEmpty,
            let now = try? await CheckoutSnapshot.take(git: git, files: effects.files)
        else { return [:] }
        return recorded.filter { $0.value.change.now != nil && now.stillShows($0.value.change) }
    }

    /// The file list of a refusal: each file on a line, with a note for those an earlier run saw
    /// appear or change, then the other files earlier runs left that are still there.
    static func listing(_ files: [String], earlier: [String: CheckoutSnapshot.EarlierChange]) -> String {
        var lines = files.prefix(20).map { file in "  " + file + (earlier[file].map { "  (\(note($0)))" } ?? "") }
        if files.count > 20 { lines.append("  ... and \(files.count - 20) more") }
        let listed = Set(files)
        let others = earlier.values.filter { !listed.contains($0.change.path) }.sorted {
            $0.change.path < $1.change.path
        }
        if !others.isEmpty {
            lines.append("These files, not listed above, also appeared or changed during an earlier run:")
            lines += others.prefix(20).map { "  \($0.change.path)  (\(note($0)))" }
        }
        return lines.joined(separator: "\n")
    }

    private static func note(_ earlier: CheckoutSnapshot.EarlierChange) -> String {
        let during = "during run #\(earlier.run)"
        let check = "check what that run's agents did, then"
        switch earlier.change.kind {
        case .appeared:
            return "appeared \(during); choo did not make it: \(check) commit, stash or remove it"
        case .changed:
            return "changed \(during); choo did not make this change: \(check) commit, stash or undo it"
        case .removed:
            return "removed \(during); choo did not remove it: \(check) restore it or commit the removal"
        }
    }
}
