import Foundation

extension Orchestrator {
    /// In GitHub mode: finds the repository (from `origin`, or `github.owner`/`github.repo`), the
    /// token (`GITHUB_TOKEN`, `GH_TOKEN`, then `gh auth token`), and makes sure the local target
    /// branch is the remote's or behind it (then fast-forwards it). `nil` in local mode.
    func gitHubMode(git: Git, target: String, bus: EventBus) async throws(SetupError) -> GitHubMode? {
        let config = workspace.config
        guard config.merge.mode == .github else { return nil }
        let remote = "origin"
        let url =
            (try? await git.run(["config", "--get", "remote.\(remote).url"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let detected = GitHubRepository.parse(remoteURL: url)
        let owner = config.github.owner == "auto" ? detected?.owner : config.github.owner
        let name = config.github.repo == "auto" ? detected?.name : config.github.repo
        guard let owner, let name else {
            let found = url.isEmpty ? "there is no `\(remote)` remote" : "`\(remote)` is \(url), not a GitHub address"
            throw .github(
                "merge.mode is github, but \(found); add the GitHub repository as `\(remote)` (git remote add "
                    + "\(remote) https://github.com/OWNER/REPO.git), or set github.owner and github.repo in .choo.yaml"
            )
        }
        if url.isEmpty {
            throw .github(
                "merge.mode is github, but there is no `\(remote)` remote to push unit branches to; add it with "
                    + "git remote add \(remote) <url>"
            )
        }
        let repository = GitHubRepository(host: detected?.host ?? "github.com", owner: owner, name: name)
        guard let token = await GitHubToken.discover(environment: environment, runner: runner) else {
            throw .github(
                "merge.mode is github, but no GitHub token was found: set GITHUB_TOKEN or GH_TOKEN, or log in with "
                    + "`gh auth login` so that `gh auth token` prints one"
            )
        }
        bus.redact(with: { token.redact($0) })
        var client = GitHubClient(
            apiURL: repository.apiURL(override: config.github.apiURL?.absoluteString),
            repository: repository,
            token: token,
            transport: transport
        )
        client.onWait = { reason, duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            bus.publish(
                Event(.githubWaiting, payload: ["reason": .string(reason), "seconds": .double(seconds)])
            )
        }
        try await syncTargetWithRemote(git: git, remote: remote, target: target)
        return GitHubMode(
            client: client,
            repository: repository,
            remote: remote,
            skipReview: skipReview,
            redact: { token.redact($0) }
        )
    }

    /// Pull requests are opened against the remote's target branch: the local one must not hold
    /// commits the remote lacks. When it is behind, it is fast-forwarded (with its checkout).
    private func syncTargetWithRemote(git: Git, remote: String, target: String) async throws(SetupError) {
        let tracking = "refs/remotes/\(remote)/\(target)"
        do {
            try await git.run(["fetch", "--quiet", remote, "+refs/heads/\(target):\(tracking)"])
        } catch {
            throw .github(
                "could not fetch `\(target)` from \(remote): \(error). Push `\(target)` to \(remote) first (pull "
                    + "requests are opened against it), or check the remote's address and your access."
            )
        }
        do {
            guard let remoteTip = try await git.resolve(tracking),
                let local = try await git.resolve("refs/heads/" + target)
            else { throw SetupError.github("\(remote) has no branch `\(target)`; push it first") }
            if local == remoteTip { return }
            guard try await git.isAncestor(local, of: remoteTip) else {
                let ahead = try await git.log(remoteTip + ".." + local).count
                throw SetupError.github(
                    "the local `\(target)` has \(ahead) commit(s) that \(remote) does not; pull requests are opened "
                        + "against \(remote)'s `\(target)`, so push them first (git push \(remote) \(target))"
                )
            }
            if let checkout = try await git.worktrees().first(where: { $0.branch == target }) {
                try await Git(repository: checkout.path, runner: runner).run([
                    "merge", "--ff-only", "--quiet", remoteTip,
                ])
            } else {
                try await git.run(["update-ref", "refs/heads/" + target, remoteTip, local])
            }
        } catch let error as SetupError {
            throw error
        } catch {
            throw .git("\(error)")
        }
    }
}
