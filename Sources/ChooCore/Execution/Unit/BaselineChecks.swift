import Foundation

/// The project-wide checks (`baseline_checks`) of one unit: run once its tasks are done, with fix
/// rounds for the agent, and again with the unit's own checks on what is about to land.
struct BaselineChecks: UnitPart {
    let work: UnitWork

    /// Runs the baseline checks that apply; while some fail, the agent gets up to three fix rounds,
    /// each reviewed like any turn and committed only when it leaves a clean tree.
    func run(shutdown: ShutdownFlag) async throws {
        let git = work.git()
        let checks = try await applicable()
        guard !checks.isEmpty else { return }
        let rounds = 3
        var problem: String?
        for round in 0 ... rounds {
            let failures = try await self.failures(checks)
            if failures.isEmpty, problem == nil { return }
            if round == rounds || shutdown.isRaised {
                if failures.isEmpty, let problem {
                    throw UnitStop.failed("the baseline fix rounds did not leave a clean tree: \(problem)")
                }
                throw UnitStop.failed(
                    "baseline checks failed: "
                        + failures.map { "\($0.name) (`\($0.command)` \($0.status))" }.joined(separator: ", ")
                )
            }
            var report = failures.map {
                "## \($0.name): `\($0.command)` \($0.status)\n\n```\n\(QuotedOutput.quote($0.output))\n```"
            }
            .joined(separator: "\n\n")
            if let problem { report += (report.isEmpty ? "" : "\n\n") + "## Your previous round\n\n" + problem }
            let prompt = """
                You are a coding agent working in a git worktree of this repository, on unit `\(unit)`. All its tasks \
                are done, but these project-wide checks fail. Fix the code so that every check passes, running each \
                command from the repository root. Do not change task files. Stop when they pass.

                \(report)

                """
            let outcome = try await agent.invoke(
                task: nil,
                attempt: round + 1,
                turn: .baseline,
                prompt: prompt
            )
            if outcome.stoppedBecause == .cancelled { throw UnitStop.interrupted }
            let review = try await guards.reviewFixTurn()
            // A round whose changes choo had to undo or that left conflict markers is not committed;
            // the next round is told and must leave a clean tree before the checks count.
            problem = review.failure
            if problem == nil {
                _ = try await git.commitAll(message: "fix(\(unit)): make baseline checks pass (round \(round + 1))")
                try await guards.recordChooCommit()
            }
        }
    }

    /// A failed baseline check: its name, command, output and how it ended.
    typealias BaselineFailure = (name: String, command: String, output: String, status: String)

    /// Runs `checks` in `worktree`, publishing each result; returns the ones that failed.
    func failures(_ checks: [ChooConfig.BaselineCheck], stage: Event.Baseline.Stage = .unit) async throws
        -> [BaselineFailure]
    {
        var failures: [BaselineFailure] = []
        for check in checks {
            // The check sees the commit: untracked files wait outside the worktree meanwhile.
            let outcome = try await guards.checkShell(check.command)
            context.bus.publish(
                Event(
                    .unitBaseline(.init(name: check.name, result: outcome.succeeded ? .passed : .failed, stage: stage)),
                    unit: unit,
                    error: outcome.succeeded ? nil : OutcomeText.describe(outcome)
                )
            )
            if !outcome.succeeded {
                failures.append((check.name, check.command, outcome.output, OutcomeText.describe(outcome)))
            }
        }
        return failures
    }

    /// The baseline checks that apply to `worktree`: those without a pattern, and those whose
    /// pattern matches a file changed on the unit branch.
    func applicable() async throws -> [ChooConfig.BaselineCheck] {
        let checks = context.config.baselineChecks
        guard checks.contains(where: { $0.pattern != nil }) else { return checks }
        let changed = try await work.git().changedFiles(on: "HEAD", since: context.targetBranch)
        return checks.filter { check in
            guard let pattern = check.pattern else { return true }
            return changed.contains { PathPattern.matches(pattern, path: $0) }
        }
    }

    /// Runs every task's backpressure command, then the baseline checks that apply, in `worktree`;
    /// says which failed and how (with the end of its output), or `nil` when all pass.
    /// The checks are the reference's (choo's last commit), not whatever the worktree holds now, and
    /// they see exactly the commit that lands: untracked files wait outside the worktree meanwhile.
    func failingCheck(stage: Event.Baseline.Stage) async throws -> String? {
        var known: WorktreeStatus? = try await work.git()
            .status(includingIgnored: true)
        let current = try await guards.referenceUnit(status: known)
        for task in current.tasks {
            guard let command = task.backpressure else { continue }
            // Each check after the first looks again: the one before may have left files.
            defer { known = nil }
            let outcome = try await guards.checkShell(command, known: known)
            if !outcome.succeeded {
                return "the check `\(command)` of task #\(task.number ?? 0) \(OutcomeText.describe(outcome)). Output: "
                    + QuotedOutput.quote(outcome.output, limit: 2000)
            }
        }
        let failures = try await self.failures(try await applicable(), stage: stage)
        if failures.isEmpty { return nil }
        return "baseline checks fail: "
            + failures.map { "\($0.name) (`\($0.command)` \($0.status))" }.joined(separator: ", ")
    }

    /// The unit's checks as a prompt lists them: each task's backpressure command and each baseline check.
    func checkList(of unit: Unit) -> [String] {
        var checks = unit.tasks.compactMap { task in task.backpressure.map { "`\($0)` (task #\(task.number ?? 0))" } }
        checks += context.config.baselineChecks.map { "`\($0.command)` (baseline check \($0.name))" }
        return checks
    }
}
