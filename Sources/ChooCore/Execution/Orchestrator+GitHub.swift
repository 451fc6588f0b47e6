import Foundation

extension Orchestrator {
    /// In GitHub mode: finds the repository (from `origin`, or `github.owner`/`github.repo`), the
    /// token (`GITHUB_TOKEN`, `GH_TOKEN`, then `gh auth token`), makes sure the local target branch
    /// is the remote's or behind it, without changing anything, and reads what GitHub requires of
    /// pull requests into it and whether CI is to be expected. `nil` in local mode.
    func gitHubMode(git: Git, target: String, bus: EventBus) async throws(SetupError) -> GitHubMode? {
        guard workspace.config.merge.mode == .github else { return nil }
        let (repository, token) = try await gitHubRepository(git: git)
        bus.redact(with: { token.redact($0) })
        var client = gitHubClient(repository: repository, token: token)
        client.onWait = { reason, duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            bus.publish(Event(.githubWaiting(.init(reason: reason, seconds: seconds))))
        }
        let remote = "origin"
        let tip = try await remoteTargetTip(git: git, remote: remote, target: target)
        var mode = GitHubMode(
            client: client,
            repository: repository,
            clock: effects.clock,
            remote: remote,
            skipReview: skipReview,
            redact: { token.redact($0) },
            targetTip: tip
        )
        mode.secrets = [token.value]
        mode.requirements = try await targetRequirements(client: client, target: target)
        mode.workflows = await Self.workflows(git: git, at: tip)
        // CI reported on the target's tip means the repository runs CI, whatever its workflows say.
        if let runs = try? await client.checkRuns(ref: tip), !runs.isEmpty {
            mode.ciSightings.record()
        } else if let combined = try? await client.combinedStatus(ref: tip), !combined.statuses.isEmpty {
            mode.ciSightings.record()
        }
        return mode
    }

    /// Publishes, once at the start, what GitHub requires of pull requests into the target and
    /// what that means for choo (a warning for a `merge.method` GitHub will refuse).
    func announceRequirements(_ github: GitHubMode, bus: EventBus) {
        guard let requirements = github.requirements else { return }
        bus.publish(Event(.githubRequirements(requirements)))
        let method = workspace.config.merge.method.rawValue
        if let allowed = requirements.allowedMethods, !allowed.contains(method) {
            bus.publish(
                Event(
                    .githubWarning(
                        .init(
                            message: "merge.method is \(method), which the repository does not allow "
                                + "(allowed: \(allowed.joined(separator: ", "))); GitHub will refuse the merges. "
                                + "Set merge.method in .choo.yaml."
                        )
                    )
                )
            )
        }
    }

    /// For `choo run --dry-run` in GitHub mode: what GitHub requires of pull requests into the
    /// target and whether CI is expected, as lines to print; reads GitHub and git, changes nothing.
    /// A problem (no token, no GitHub remote, GitHub unreachable) is one line saying so.
    public func gitHubDryRunReport() async -> [String] {
        guard workspace.config.merge.mode == .github else { return [] }
        let git = Git(repository: workspace.repositoryRoot, runner: effects.runner)
        do {
            let (repository, token) = try await gitHubRepository(git: git)
            var target = workspace.config.targetBranch
            if target == nil { target = try? await git.currentBranch() }
            guard let target else { return ["GitHub: no target branch (HEAD is detached); name one with --target"] }
            let client = gitHubClient(repository: repository, token: token)
            let requirements = try await targetRequirements(client: client, target: target)
            let method = workspace.config.merge.method.rawValue
            var lines = ["GitHub: pull requests into \(repository.owner)/\(repository.name) `\(target)`:"]
            lines += requirements.summary(method: method).map { "  - " + $0 }
            let workflows = await Self.workflows(git: git, at: "refs/heads/" + target)
                .running(head: "ralph/unit", base: target)
            let ci = workspace.config.github.ci
            let expected =
                switch ci {
                case .required: "CI expected on every head (github.ci: required)"
                case .none: "CI not waited for (github.ci: none)"
                case .auto:
                    workflows.isEmpty
                        ? "CI expected once checks are seen on a head (no workflow runs for pull requests)"
                        : "CI expected on every head: " + workflows.joined(separator: ", ")
                }
            lines.append(
                "  - " + expected
                    + "; waited for up to \(OutcomeText.readable(workspace.config.github.ciGrace)) (github.ci_grace)"
            )
            return lines.map { token.redact($0) }
        } catch {
            return ["GitHub: could not read what the target requires: \(error)"]
        }
    }

    /// The GitHub repository units go to and the token, or why there are none.
    private func gitHubRepository(git: Git) async throws(SetupError) -> (GitHubRepository, GitHubToken) {
        let config = workspace.config
        // Said the way the user asked for pull requests: the flag, or the setting and where it is.
        let asked: String
        switch workspace.configLoad.source(of: "merge.mode") {
        case .flag(let flag): asked = "\(flag) asks for pull requests"
        case .file(let line): asked = "merge.mode is github (.choo.yaml:\(line))"
        case .environment(let name): asked = "merge.mode is github (\(name))"
        case .defaultValue: asked = "merge.mode is github"
        }
        let remote = "origin"
        let url = ((try? await git.remoteURL(remote)) ?? nil)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let detected = GitHubRepository.parse(remoteURL: url)
        let owner = config.github.owner == "auto" ? detected?.owner : config.github.owner
        let name = config.github.repo == "auto" ? detected?.name : config.github.repo
        guard let owner, let name else {
            let found = url.isEmpty ? "there is no `\(remote)` remote" : "`\(remote)` is \(url), not a GitHub address"
            throw .github(
                "\(asked), but \(found); add the GitHub repository as `\(remote)` (git remote add "
                    + "\(remote) https://github.com/OWNER/REPO.git), or set github.owner and github.repo in .choo.yaml"
            )
        }
        if url.isEmpty {
            throw .github(
                "\(asked), but there is no `\(remote)` remote to push unit branches to; add it with "
                    + "git remote add \(remote) <url>"
            )
        }
        let repository = GitHubRepository(host: detected?.host ?? "github.com", owner: owner, name: name)
        guard let token = await GitHubToken.discover(environment: environment, runner: effects.runner) else {
            throw .github(
                "\(asked), but no GitHub token was found: set GITHUB_TOKEN or GH_TOKEN, or log in with "
                    + "`gh auth login` so that `gh auth token` prints one"
            )
        }
        return (repository, token)
    }

    private func gitHubClient(repository: GitHubRepository, token: GitHubToken) -> GitHubClient {
        GitHubClient(
            apiURL: repository.apiURL(override: workspace.config.github.apiURL?.absoluteString),
            repository: repository,
            token: token,
            transport: effects.http,
            clock: effects.clock
        )
    }

    /// What GitHub requires of pull requests into `target`.
    private func targetRequirements(client: GitHubClient, target: String) async throws(SetupError)
        -> TargetRequirements
    {
        do {
            return try await client.requirements(of: target)
        } catch {
            throw .github("reading what GitHub requires of pull requests into `\(target)` failed: \(error)")
        }
    }

    /// The workflows in `.github/workflows` of `commit`; none when it has none or they cannot be read.
    static func workflows(git: Git, at commit: String) async -> WorkflowTriggers {
        guard let entries = try? await git.treeEntries(of: commit, under: [".github/workflows"]) else {
            return WorkflowTriggers()
        }
        let files = entries.filter { $0.path.hasSuffix(".yml") || $0.path.hasSuffix(".yaml") }
        guard let texts = try? await git.blobs(files.map(\.object)) else { return WorkflowTriggers() }
        return WorkflowTriggers.parse(files: zip(files, texts).map { ($0.path, $1) })
    }

    /// Pull requests are opened against the remote's target branch: the local one must not hold
    /// commits the remote lacks. Reads the remote's tip and fetches its commits without writing a
    /// ref, so a refusal here leaves every ref as it was; returns that tip.
    func remoteTargetTip(git: Git, remote: String, target: String) async throws(SetupError) -> String {
        let advice = "push `\(target)` to \(remote) first (pull requests are opened against it)"
        do {
            guard let tip = try await git.remoteReference("refs/heads/" + target, at: remote) else {
                throw SetupError.github("\(remote) has no branch `\(target)`; \(advice)")
            }
            try await git.fetchObjects(of: "refs/heads/" + target, from: remote)
            guard try await git.resolve(tip) != nil else {
                throw SetupError.github("`\(target)` on \(remote) moved while choo was reading it; run again")
            }
            guard let local = try await git.resolve("refs/heads/" + target) else {
                throw SetupError.unknownTargetBranch(target)
            }
            if try await !git.isAncestor(local, of: tip) {
                let ahead = try await git.log(tip + ".." + local).count
                throw SetupError.github(
                    "the local `\(target)` has \(ahead) commit(s) that \(remote) does not; pull requests are opened "
                        + "against \(remote)'s `\(target)`, so push them first (git push \(remote) \(target))"
                )
            }
            return tip
        } catch let error as SetupError {
            throw error
        } catch {
            throw .github(
                "could not read `\(target)` from \(remote): \(error). Check the remote's address and your access; \(advice)."
            )
        }
    }

    /// Moves the remote-tracking ref to `tip` and fast-forwards the local target (with its
    /// checkout) to it: done last, once every check passed and the run holds its lock.
    func fastForwardTarget(to tip: String, git: Git, remote: String, target: String) async throws(SetupError) {
        do {
            try await git.updateReference("refs/remotes/\(remote)/\(target)", to: tip)
            guard let local = try await git.resolve("refs/heads/" + target), local != tip else { return }
            try await git.advanceBranch(target, from: local, to: tip)
        } catch {
            throw .git("fast-forwarding `\(target)` to \(remote)'s tip failed: \(error)")
        }
    }
}
