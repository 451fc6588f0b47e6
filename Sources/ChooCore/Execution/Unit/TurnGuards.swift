import Foundation

/// What choo found, and undid, after an agent turn: see "What choo does not trust" in
/// `docs/ARCHITECTURE.md`.
struct TurnReview: Sendable {
    /// The branch put back on choo's commits, if the agent had moved it.
    var restoration: BranchGuard.Restoration?
    /// Spec files the agent changed, which choo put back.
    var specChanges: [SpecGuard.Change] = []
    /// Conflict markers in files the turn changed.
    var markers: [ConflictMarkers.Found] = []
    /// The ignored files `git status` saw (folders as `name/`), for the checks that follow.
    var ignored: [String] = []
    /// The worktree's `git status` after the turn, when choo changed nothing in it since (no
    /// restoration, no spec file put back), so it still says what the worktree holds.
    var status: WorktreeStatus?

    /// Why the turn does not count, or `nil` when nothing forbids it.
    var failure: String? {
        var reasons: [String] = []
        if !specChanges.isEmpty {
            reasons.append(
                "You changed spec files, which are choo's, not yours: "
                    + specChanges.map(\.description).joined(separator: "; ")
                    + ". choo put them back as they were. You may change only the `status:` of your own "
                    + "unit's task files; the checks, the dependencies, the task files and the other units stay "
                    + "as written. Do the work the task describes so that its check passes as it stands."
            )
        }
        if !markers.isEmpty {
            let shown = markers.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            let more = markers.count > 20 ? "\n  ... and \(markers.count - 20) more" : ""
            reasons.append(
                "Conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) are left in files you changed:\n"
                    + shown + more + "\nResolve them: keep the intended code and remove every marker line."
            )
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "\n\n")
    }

    /// What to tell the agent even when the turn counts.
    var notice: String? {
        restoration.map {
            "choo found that \($0) Do not reset, rebase or switch the branch: choo commits each task itself."
        }
    }
}

/// The guards against the agent around its turns in one unit: the branch kept on choo's commits,
/// the spec tree as written, untracked files out of the checks' sight.
struct TurnGuards: UnitPart {
    let work: UnitWork

    /// The branch guard of `unit`'s worktree.
    var branchGuard: BranchGuard {
        BranchGuard(
            git: work.git(editor: true),
            unit: unit,
            records: context.records,
            clock: context.effects.clock
        )
    }

    /// The spec guard of `unit`'s worktree.
    var specGuard: SpecGuard {
        SpecGuard(
            git: work.git(),
            tasksDirectory: context.tasksDirectory,
            setAsideFolder: context.worktreeBase + "/.set-aside/" + unit + "-specs-" + Timestamp(work.now).description,
            files: context.effects.files
        )
    }

    /// Runs `command` in `unit`'s worktree as a check of what lands: untracked files, and files
    /// ignored only by a rule the agent added, wait outside the worktree meanwhile.
    /// `known` is a `git status` (with ignored files) the caller took of the tree as it is now.
    func checkShell(_ command: String, known: WorktreeStatus? = nil) async throws
        -> ProcessOutcome
    {
        let git = work.git()
        var status = known
        if status == nil { status = try await git.status(includingIgnored: true) }
        guard let status else { return try await work.shell(command) }
        var hidden: [String] = []
        if !status.ignored.isEmpty, let reference = try await branchGuard.recorded() {
            let ignore = IgnoreGuard(git: git)
            var started = context.records.ignoreFiles(of: unit)
            if started == nil { started = try await ignore.untrackedIgnoreFiles() }
            hidden = try await ignore.newlyIgnored(status.ignored, reference: reference, started: started ?? [:])
        }
        let aside = untrackedAside
        let (outcome, stranded) = try await aside.run(files: status.untracked + hidden) {
            try await work.shell(command)
        }
        publishStranded(stranded)
        return outcome
    }

    /// Moving untracked files aside for `unit`'s checks.
    var untrackedAside: UntrackedAside {
        UntrackedAside(
            git: work.git(),
            folder: context.worktreeBase + "/.aside/" + unit,
            files: context.effects.files
        )
    }

    /// After an agent turn: puts the branch back on choo's commits if the agent moved it, undoes
    /// every change to the spec tree the agent may not make (a task turn may change its own tasks'
    /// `status:`; other turns nothing), and with `markers` finds conflict markers in the files the
    /// turn changed. Each finding is published as an event. `known`: a `git status` (with ignored
    /// files) shown to say what the worktree holds now, taken instead of a new one.
    func reviewTurn(task: Int?, statusMayChange: Bool, markers: Bool, known: WorktreeStatus? = nil) async throws
        -> TurnReview
    {
        var review = TurnReview()
        let branch = branchGuard
        let git = work.git()
        // One `git status` says what differs; when HEAD is choo's commit that is all there is to know.
        var status: WorktreeStatus
        if let known { status = known } else { status = try await git.status(includingIgnored: true) }
        review.restoration = try await branch.restore(status: status)
        if review.restoration != nil { status = try await git.status(includingIgnored: true) }
        review.ignored = status.ignored
        if review.restoration == nil { review.status = status }
        if let restoration = review.restoration {
            let restored = Event.BranchRestored(
                to: restoration.to,
                branch: branch.branch,
                from: restoration.from,
                saved: restoration.saved,
                aborted: restoration.aborted.isEmpty ? nil : restoration.aborted
            )
            context.bus.publish(
                Event(.unitBranchRestored(restored), unit: unit, task: task, error: restoration.description)
            )
        }
        guard let reference = try await branch.recorded() else { return review }
        let atReference = status.head == reference
        if !context.config.verify.agentMayEditSpecs {
            let guardian = specGuard
            let allowed = statusMayChange ? unit : nil
            var tree: [String: TreeEntry]
            if atReference, let quick = try await guardian.changes(allowingStatusOf: allowed, status: status) {
                (review.specChanges, tree) = quick
            } else {
                tree = try await guardian.reference(at: reference)
                review.specChanges = try await guardian.changes(from: tree, allowingStatusOf: allowed)
            }
            if !review.specChanges.isEmpty {
                review.status = nil
                let aside = try await guardian.undo(review.specChanges, reference: tree)
                context.bus.publish(
                    Event(
                        .unitSpecRestored(
                            .init(
                                files: review.specChanges.map(\.path),
                                changes: review.specChanges.map { Event.SpecRestored.FileChange($0.kind) },
                                setAside: aside
                            )
                        ),
                        unit: unit,
                        task: task,
                        error: "the agent changed spec files; choo put them back: "
                            + review.specChanges.map(\.description).joined(separator: "; ")
                    )
                )
            }
        }
        if markers, context.config.verify.conflictMarkers != .off {
            let committed = atReference ? [] : try await git.changedFiles(since: reference)
            let changed = Set(committed + status.changed + status.untracked)
            review.markers = ConflictMarkers.find(
                in: Array(changed),
                worktree: worktree,
                check: context.config.verify.conflictMarkers
            )
            if !review.markers.isEmpty {
                context.bus.publish(
                    Event(
                        .taskConflictMarkers(.init(found: review.markers.map(\.description))),
                        unit: unit,
                        task: task,
                        error: "conflict markers left in "
                            + Set(review.markers.map(\.path)).sorted().joined(separator: ", ")
                    )
                )
            }
        }
        return review
    }

    /// ``reviewTurn(task:statusMayChange:markers:)`` for a turn that fixes something
    /// after the tasks are done (baseline checks, review feedback, CI): no spec file may change.
    func reviewFixTurn() async throws -> TurnReview {
        try await reviewTurn(task: nil, statusMayChange: false, markers: true)
    }

    /// The unit as choo's reference commit has it (its checks, dependencies and task set), whatever
    /// the worktree holds now; the worktree's copy when agents may edit specs or nothing is recorded.
    /// `commit` names another commit to read it from; with `status` (of the worktree now), a worktree
    /// whose HEAD is the reference and whose spec files are unchanged is simply re-read.
    func referenceUnit(commit: String? = nil, status: WorktreeStatus? = nil)
        async throws -> Unit
    {
        var reference = commit
        if reference == nil { reference = try await branchGuard.recorded() }
        guard !context.config.verify.agentMayEditSpecs, let reference else {
            return try work.reload()
        }
        if let status, status.head == reference,
            !SpecGuard.specFilesDiffer(status, tasksDirectory: context.tasksDirectory)
        {
            return try work.reload()
        }
        let scratch = context.worktreeBase + "/.reference/" + unit + "-" + UUID().uuidString
        let loaded = try await work.git()
            .unit(unit, at: reference, tasksDirectory: context.tasksDirectory, scratch: scratch)
        guard let value = loaded else {
            throw UnitStop.failed(
                "choo's record of \(unit) (`\(reference.prefix(12))`) does not hold the unit's spec files; "
                    + "run `choo cleanup` and run again"
            )
        }
        return value
    }

    /// Records `commit` (the unit's HEAD when not given) as choo's own, so later turns are measured
    /// against it.
    func recordChooCommit(_ commit: String? = nil) async throws {
        try await branchGuard.record(commit)
    }

    /// Reports files moved aside for a check that could not go back, because the check made a file at
    /// the same path; they wait in `<worktree base>/.aside/<unit>`.
    func publishStranded(_ stranded: [String]) {
        guard !stranded.isEmpty else { return }
        let folder = context.worktreeBase + "/.aside/" + unit
        work.publish(
            .unitAsideStranded(.init(files: stranded, folder: folder)),
            error: "untracked files moved aside for a check could not go back (a file is at the same path now); "
                + "they are kept in \(folder): " + stranded.prefix(10).joined(separator: ", ")
        )
    }
}
