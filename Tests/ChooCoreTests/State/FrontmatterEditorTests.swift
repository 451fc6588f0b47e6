import Testing

@testable import ChooCore

struct FrontmatterEditorTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        var name: String
        var before: String
        var values: [(String, String?)]
        var after: String
        var testDescription: String { name }
    }

    static let goldens: [Golden] = [
        Golden(
            name: "changes only the status line",
            before:
                "---\ntask: 2\nstatus: pending\nbackpressure: 'make  test'   # keep\ndepends_on: [1]\n---\n# T\nbody\n",
            values: [("status", "complete")],
            after:
                "---\ntask: 2\nstatus: complete\nbackpressure: 'make  test'   # keep\ndepends_on: [1]\n---\n# T\nbody\n"
        ),
        Golden(
            name: "keeps comments, unknown keys and odd quoting; appends a missing key at the end",
            before: """
                ---
                # === Author-provided ===
                unit: gitops
                depends_on: []
                x-owner: "Ada"   # unknown key
                # orch_status: pending
                ---

                # Plan
                """,
            values: [("orch_status", "in_progress"), ("orch_branch", "ralph/gitops")],
            after: """
                ---
                # === Author-provided ===
                unit: gitops
                depends_on: []
                x-owner: "Ada"   # unknown key
                # orch_status: pending
                orch_status: in_progress
                orch_branch: ralph/gitops
                ---

                # Plan
                """
        ),
        Golden(
            name: "CRLF stays CRLF, including appended lines",
            before: "---\r\ntask: 1\r\nstatus: pending\r\n---\r\n# T\r\n",
            values: [("status", "complete"), ("orch_started_at", "2025-01-31T09:30:00Z")],
            after: "---\r\ntask: 1\r\nstatus: complete\r\norch_started_at: 2025-01-31T09:30:00Z\r\n---\r\n# T\r\n"
        ),
        Golden(
            name: "a byte order mark is kept",
            before: "\u{FEFF}---\nstatus: pending\n---\n",
            values: [("status", "failed")],
            after: "\u{FEFF}---\nstatus: failed\n---\n"
        ),
        Golden(
            name: "a trailing comment on the edited key is kept",
            before: "---\nstatus: pending  # set by choo\n---\n",
            values: [("status", "in_progress")],
            after: "---\nstatus: in_progress  # set by choo\n---\n"
        ),
        Golden(
            name: "a file without frontmatter gets a block; the body is untouched",
            before: "# Just a body\n\ntext\n",
            values: [("status", "complete")],
            after: "---\nstatus: complete\n---\n# Just a body\n\ntext\n"
        ),
        Golden(
            name: "a multi-line old value is replaced whole",
            before: "---\norch_branch:\n  - a\n  - b\nunit: u\n---\n",
            values: [("orch_branch", "ralph/u")],
            after: "---\norch_branch: ralph/u\nunit: u\n---\n"
        ),
        Golden(
            name: "values YAML would misread are quoted; nil writes null",
            before: "---\nunit: u\norch_pr_number: 12\n---\n",
            values: [("orch_worktree", "has: colon # and hash"), ("orch_status", "no"), ("orch_pr_number", nil)],
            after:
                "---\nunit: u\norch_pr_number: null\norch_worktree: \"has: colon # and hash\"\norch_status: \"no\"\n---\n"
        ),
        Golden(
            name: "paths with a leading dot stay plain; YAML's special floats are quoted",
            before: "---\nunit: u\n---\n",
            values: [("orch_worktree", ".ralph/worktrees/u"), ("x", ".inf")],
            after: "---\nunit: u\norch_worktree: .ralph/worktrees/u\nx: \".inf\"\n---\n"
        ),
        Golden(
            name: "an empty frontmatter gets the key",
            before: "---\n---\nbody\n",
            values: [("status", "complete")],
            after: "---\nstatus: complete\n---\nbody\n"
        ),
        Golden(
            name: "a nested key with the same name is not touched",
            before: "---\nmeta:\n  status: keep\nstatus: pending\n---\n",
            values: [("status", "complete")],
            after: "---\nmeta:\n  status: keep\nstatus: complete\n---\n"
        ),
    ]

    @Test("golden edits are byte for byte", arguments: goldens)
    func golden(_ golden: Golden) throws {
        #expect(try FrontmatterEditor.set(golden.values, in: golden.before) == golden.after)
    }

    @Test("edited files still load with the new values")
    func reloads() throws {
        let edited = try FrontmatterEditor.set(
            [("status", "complete"), ("orch_started_at", "2025-01-31T09:30:00Z")],
            in: "---\ntask: 3\nstatus: pending\nbackpressure: \"true\"\n---\n# T\n"
        )
        let frontmatter = try Frontmatter.split(edited)
        var fields = FrontmatterFields(frontmatter, context: .init(file: "f"))
        #expect(fields.string("status") == "complete")
        #expect(fields.timestamp("orch_started_at") == Timestamp(rfc3339: "2025-01-31T09:30:00Z"))
        #expect(fields.int("task") == 3)
        #expect(fields.diagnostics.isEmpty)
    }

    @Test("unclosed frontmatter is refused")
    func unclosed() {
        #expect(throws: FrontmatterEditor.EditError.unclosedFrontmatter) {
            try FrontmatterEditor.set([("status", "complete")], in: "---\nstatus: pending\n")
        }
    }
}
