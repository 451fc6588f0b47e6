import Foundation

extension Orchestrator {
    /// In GitHub mode: finds the repository (from `origin`, or `github.owner`/`github.repo`), the
    /// token (`GITHUB_TOKEN`, `GH_TOKEN`, then `gh auth token`), and makes sure the local target
    /// branch is the remote's or behind it, without changing anything. `nil` in local mode.
    func gitHubMode(git: Git, target: String, bus: EventBus) async throws(SetupError) -> GitHubMode? {
        let config = workspace.config
        guard config.merge.mode == .github else { return nil }
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
        bus.redact(with: { token.redact($0) })
        var client = GitHubClient(
            apiURL: repository.apiURL(override: config.github.apiURL?.absoluteString),
            repository: repository,
            token: token,
            transport: effects.http,
            clock: effects.clock
        )
        client.onWait = { reason, duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            bus.publish(Event(.githubWaiting(.init(reason: reason, seconds: seconds))))
        }
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
        return mode
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
