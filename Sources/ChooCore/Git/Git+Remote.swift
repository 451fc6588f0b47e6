extension Git {
    /// The address of `remote` as configured (`remote.<name>.url`), or `nil` when there is none.
    public func remoteURL(_ remote: String) async throws(GitError) -> String? {
        try await config("remote.\(remote).url")
    }

    /// The commit `reference` (`refs/heads/main`) names on `remote`, asked with `ls-remote`, which
    /// fetches nothing and writes nothing; `nil` when the remote has no such ref.
    public func remoteReference(_ reference: String, at remote: String) async throws(GitError) -> String? {
        let output = try await run(["ls-remote", "--end-of-options", remote, reference])
        // `<object> TAB <ref>`, a line each; the pattern also matches refs ending the same way.
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2, fields[1] == reference { return String(fields[0]) }
        }
        return nil
    }

    /// Fetches `refspec` from `remote` (`+refs/heads/x:refs/remotes/origin/x` updates that
    /// remote-tracking ref, whatever it held).
    public func fetch(_ refspec: String, from remote: String) async throws(GitError) {
        try await run(["fetch", "--quiet", remote, refspec])
    }

    /// Fetches the commits of `reference` on `remote` into the object store only: no ref moves and
    /// no `FETCH_HEAD` is written, so refusing afterwards leaves every ref as it was.
    public func fetchObjects(of reference: String, from remote: String) async throws(GitError) {
        try await run(["fetch", "--quiet", "--no-write-fetch-head", "--refmap=", remote, reference])
    }

    /// Pushes `refspec` (`HEAD:refs/heads/ralph/core`) to `remote`, overwriting the destination on
    /// the remote only while it is at `expected` (`nil`: only while it does not exist), so commits
    /// someone else pushed since are never lost (`--force-with-lease=<ref>:<expected>`). A refusal
    /// (the lease did not hold, a hook said no) throws
    /// ``GitError/pushRejected(remote:reference:reason:)``.
    public func push(remote: String, refspec: String, forceWithLease expected: String?) async throws(GitError) {
        let destination = String(refspec.split(separator: ":", omittingEmptySubsequences: false).last ?? "")
        let arguments = [
            "push", "--quiet", "--porcelain", "--force-with-lease=\(destination):\(expected ?? "")", remote, refspec,
        ]
        let result = try await execute(arguments)
        guard result.outcome.termination != .exited(0) else { return }
        // `--porcelain`: a line per ref, `!` TAB <refspec> TAB `[rejected] (<reason>)` when refused.
        for line in result.outcome.output.split(separator: "\n") where line.hasPrefix("!\t") {
            let fields = line.split(separator: "\t")
            guard fields.count >= 3 else { continue }
            var reason = fields[2].trimmingCharacters(in: .whitespaces)
            if let open = reason.firstIndex(of: "("), reason.hasSuffix(")") {
                reason = String(reason[reason.index(after: open) ..< reason.index(before: reason.endIndex)])
            }
            throw .pushRejected(remote: remote, reference: destination, reason: reason)
        }
        throw failure(result)
    }
}
