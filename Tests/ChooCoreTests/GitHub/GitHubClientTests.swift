import ChooCore
import ChooTesting
import Foundation
import Testing

/// Every endpoint, through real HTTP against the fake GitHub over a real bare repository.
@Suite(.temporaryDirectory)
struct GitHubClientTests {
    @Test("a pull request is found, opened, read, edited, commented on, merged, and its branch deleted")
    func pullRequestLifecycle() async throws {
        let bed = try await GitHubTestbed()
        let head = try await bed.push("ralph/unit-a", files: ["a.txt": "a\n"])
        try await bed.run { fake, client in
            #expect(try await client.openPullRequest(head: "ralph/unit-a", base: "main") == nil)

            let created = try await client.createPullRequest(
                title: "Unit a",
                body: "Does a.",
                head: "ralph/unit-a",
                base: "main"
            )
            #expect(created.number == 1)
            #expect(created.isOpen)
            #expect(created.head == PullRequest.Ref(ref: "ralph/unit-a", sha: head))
            #expect(created.base.ref == "main")
            #expect(created.user?.login == "choo-bot")
            #expect(created.htmlURL.hasSuffix("/octo/widgets/pull/1"))

            let found = try #require(try await client.openPullRequest(head: "ralph/unit-a", base: "main"))
            #expect(found.number == 1)
            #expect(found.merged == false)
            #expect(found.mergeable == nil)  // lists leave it out, as GitHub does
            #expect(try await client.openPullRequest(head: "ralph/unit-a", base: "other") == nil)

            let read = try await client.pullRequest(1)
            #expect(read.mergeable == true)
            #expect(read.mergeableState == "clean")
            #expect(read.body == "Does a.")

            let edited = try await client.updatePullRequest(1, title: "Unit a, again", body: nil)
            #expect(edited.title == "Unit a, again")
            #expect(edited.body == "Does a.")

            let comment = try await client.addComment(1, body: "choo is on it")
            #expect(comment.body == "choo is on it")
            #expect(comment.user?.login == "choo-bot")

            let outcome = try await client.merge(1, sha: head, method: "squash")
            #expect(outcome.merged)
            #expect(outcome.message == "Pull Request successfully merged")
            #expect(try await bed.originTip("main") == outcome.sha)
            let merged = try await client.pullRequest(1)
            #expect(merged.merged)
            #expect(merged.state == "closed")
            #expect(!merged.isOpen)
            #expect(try await client.openPullRequest(head: "ralph/unit-a", base: "main") == nil)

            try await client.deleteBranch("ralph/unit-a")
            #expect(try await bed.originTip("ralph/unit-a") == nil)
            try await client.deleteBranch("ralph/unit-a")  // already gone: fine

            let posted = try #require(fake.requests.last { $0.method == "POST" })
            #expect(posted.header("Content-Type") == "application/json")
        }
    }

    @Test("reviews, review comments, conversation comments and reactions come back as people left them")
    func feedback() async throws {
        let bed = try await GitHubTestbed()
        let head = try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            try await fake.addReview(pr: 1, state: "CHANGES_REQUESTED", body: "Rename it.", user: "alice")
            try await fake.addReview(pr: 1, state: "APPROVED", user: "bob")
            try await fake.addReviewComment(pr: 1, body: "Typo here", path: "f.txt", line: 1, user: "alice")
            try fake.addIssueComment(pr: 1, body: "Looks close", user: "carol")
            try fake.addReaction(pr: 1, content: "+1", user: "dave")
            try fake.addReaction(pr: 1, content: "eyes", user: "erin")

            let reviews = try await client.reviews(1)
            #expect(reviews.map(\.state) == ["CHANGES_REQUESTED", "APPROVED"])
            #expect(reviews.map(\.user?.login) == ["alice", "bob"])
            #expect(reviews[0].body == "Rename it.")
            #expect(reviews[0].commitID == head)
            #expect(reviews[0].submittedAt != nil)

            let comments = try await client.reviewComments(1)
            #expect(comments.count == 1)
            #expect(comments.first?.path == "f.txt")
            #expect(comments.first?.line == 1)
            #expect(comments.first?.body == "Typo here")

            let conversation = try await client.issueComments(1)
            #expect(conversation.map(\.body) == ["Looks close"])
            #expect(conversation.first?.user?.login == "carol")

            let reactions = try await client.reactions(1)
            #expect(reactions.map(\.content) == ["+1", "eyes"])
            #expect(reactions.map(\.user?.login) == ["dave", "erin"])

            await #expect(throws: GitHubError.self) { try await client.reviews(99) }
        }
    }

    @Test("check runs and the combined status of a commit")
    func ciResults() async throws {
        let bed = try await GitHubTestbed()
        let head = try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            #expect(try await client.checkRuns(ref: head).isEmpty)  // a repository without CI
            let status = try await client.combinedStatus(ref: head)
            #expect(status.state == "pending")
            #expect(status.statuses.isEmpty)

            fake.setCheckRun(
                sha: head,
                name: "build",
                status: "completed",
                conclusion: "failure",
                summary: "2 tests failed"
            )
            fake.setCheckRun(sha: head, name: "lint", status: "in_progress", conclusion: nil)
            fake.setStatus(sha: head, context: "ci/legacy", state: "success", description: "ok")
            fake.setStatus(sha: head, context: "ci/other", state: "failure", description: "broke")

            let runs = try await client.checkRuns(ref: "feature")  // a branch name works too
            #expect(runs.map(\.name) == ["build", "lint"])
            #expect(runs[0].conclusion == "failure")
            #expect(runs[0].output?.summary == "2 tests failed")
            #expect(runs[1].status == "in_progress")
            #expect(runs[1].conclusion == nil)

            let combined = try await client.combinedStatus(ref: head)
            #expect(combined.state == "failure")
            #expect(combined.statuses.map(\.context) == ["ci/legacy", "ci/other"])
            #expect(combined.statuses[1].description == "broke")
        }
    }

    @Test("the CI hook decides each new commit's check runs once: the first head fails, later ones pass")
    func ciHook() async throws {
        let bed = try await GitHubTestbed()
        let first = try await bed.push("feature", files: ["f.txt": "1\n"])
        try await bed.run { fake, client in
            fake.checks = { sha in
                sha == first ? [.failing("build", summary: "test_a failed")] : [.passing("build")]
            }
            let failing = try await client.checkRuns(ref: first)
            #expect(failing.map(\.conclusion) == ["failure"])
            #expect(failing.first?.output?.summary == "test_a failed")
            let second = try await bed.push("feature", files: ["f.txt": "2\n"])
            #expect(try await client.checkRuns(ref: second).map(\.conclusion) == ["success"])
            #expect(try await client.checkRuns(ref: first).map(\.conclusion) == ["failure"])
        }
    }

    @Test("250 comments arrive over three pages, in order, following Link headers")
    func pagination() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            for index in 1 ... 250 { try fake.addIssueComment(pr: 1, body: "comment \(index)") }

            let comments = try await client.issueComments(1)
            #expect(comments.count == 250)
            #expect(comments.map(\.body) == (1 ... 250).map { "comment \($0)" })

            let pages = fake.requests.filter { $0.pathWithoutQuery == "/repos/octo/widgets/issues/1/comments" }
            #expect(pages.count == 3)
            #expect(pages.allSatisfy { $0.path.contains("per_page=100") })
            #expect(pages.map { $0.path.contains("page=2") } == [false, true, false])
            #expect(pages.last?.path.contains("&page=3") == true)
        }
    }

    @Test("a list whose full last page is answered 304 still finds items added on a new page")
    func fullPageThen304() async throws {
        let bed = try await GitHubTestbed()
        try await bed.push("feature", files: ["f.txt": "f\n"])
        try await bed.run { fake, client in
            _ = try await client.createPullRequest(title: "F", body: "", head: "feature", base: "main")
            for index in 1 ... 100 { try fake.addIssueComment(pr: 1, body: "comment \(index)") }
            #expect(try await client.issueComments(1).count == 100)
            try fake.addIssueComment(pr: 1, body: "comment 101")
            let comments = try await client.issueComments(1)
            #expect(comments.count == 101)
            #expect(comments.last?.body == "comment 101")
            let pages = fake.requests.filter { $0.pathWithoutQuery.hasSuffix("/issues/1/comments") }
            #expect(pages.map(\.status) == [200, 200, 304, 200])
        }
    }

    @Test("merging by merge commit and by rebase, and what GitHub refuses to merge")
    func mergeMethodsAndRefusals() async throws {
        let bed = try await GitHubTestbed()
        let one = try await bed.push("one", files: ["one.txt": "1\n"])
        try await bed.push("two", files: ["two.txt": "2\n"])
        try await bed.push("two", files: ["two.txt": "2b\n"])
        try await bed.push("clash", files: ["README.md": "clash\n"])
        try await bed.run { fake, client in
            for branch in ["one", "two", "clash"] {
                _ = try await client.createPullRequest(title: branch, body: "", head: branch, base: "main")
            }
            let stale = try await bed.originTip("main")
            let moved = try await #require(throws: GitHubError.self) {
                try await client.merge(1, sha: String(repeating: "0", count: 40), method: "merge")
            }
            #expect(moved.status == 409)
            #expect(moved.description.contains("Head branch was modified"))

            let merged = try await client.merge(1, sha: one, method: "merge")
            #expect(
                try await bed.originGit("rev-list", "--parents", "-n", "1", merged.sha).split(separator: " ").count == 3
            )

            let behind = try await client.pullRequest(2)
            #expect(behind.mergeableState == "behind")
            let rebased = try await client.merge(2, sha: behind.head.sha, method: "rebase")
            let replayed = try await bed.originGit("rev-list", "--count", "\(merged.sha)..\(rebased.sha)")
            #expect(replayed == "2")
            #expect(try await bed.originGit("show", "\(rebased.sha):two.txt") == "2b")
            #expect(try await bed.originGit("show", "\(rebased.sha):one.txt") == "1")
            #expect(stale != rebased.sha)

            try await bed.repository.git("fetch", "--quiet", "origin")
            try await bed.push("main-moves", from: "origin/main", files: ["README.md": "main changed\n"])
            try await bed.originGit("update-ref", "refs/heads/main", "refs/heads/main-moves")
            let clash = try await client.pullRequest(3)
            #expect(clash.mergeable == false)
            #expect(clash.mergeableState == "dirty")
            let refused = try await #require(throws: GitHubError.self) {
                try await client.merge(3, sha: clash.head.sha, method: "squash")
            }
            #expect(refused.status == 405)
            let closedAgain = try await #require(throws: GitHubError.self) {
                try await client.merge(1, sha: one, method: "merge")
            }
            #expect(closedAgain.status == 405)
            #expect(fake.pullRequests.map(\.merged) == [true, true, false])
        }
    }
}
