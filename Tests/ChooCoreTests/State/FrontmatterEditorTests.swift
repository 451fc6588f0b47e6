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

    struct RemovalGolden: Sendable, CustomTestStringConvertible {
        var name: String
        var before: String
        var keys: [String]
        var after: String
        var testDescription: String { name }
    }

    static let removalGoldens: [RemovalGolden] = [
        RemovalGolden(
            name: "removes only the named keys' lines; comments, order, quoting and body stay",
            before: """
                ---
                # === Author-provided ===
                unit: gitops
                depends_on: [words]   # keep this comment
                x-owner: 'Ada'
                # === choo ===
                orch_status: complete  # set by choo
                orch_branch: "ralph/gitops"
                orch_started_at: 2025-01-31T09:30:00Z
                ---

                # Plan

                orch_status: complete (in the body, not frontmatter)
                """,
            keys: ["orch_status", "orch_branch", "orch_started_at", "orch_pr_number"],
            after: """
                ---
                # === Author-provided ===
                unit: gitops
                depends_on: [words]   # keep this comment
                x-owner: 'Ada'
                # === choo ===
                ---

                # Plan

                orch_status: complete (in the body, not frontmatter)
                """
        ),
        RemovalGolden(
            name: "CRLF and a byte order mark stay",
            before: "\u{FEFF}---\r\nunit: u\r\norch_status: failed\r\ndepends_on: []\r\n---\r\n# U\r\n",
            keys: ["orch_status"],
            after: "\u{FEFF}---\r\nunit: u\r\ndepends_on: []\r\n---\r\n# U\r\n"
        ),
        RemovalGolden(
            name: "a multi-line value goes whole, with blank lines inside it; a blank line after it stays",
            before: "---\norch_worktree: |\n  one\n\n  two\n\nunit: u\norch_branch:\n- a\n- b\n---\n",
            keys: ["orch_worktree", "orch_branch"],
            after: "---\n\nunit: u\n---\n"
        ),
        RemovalGolden(
            name: "absent keys and a file without frontmatter are left exactly as they are",
            before: "---\nunit: u\n# orch_status: pending\nmeta:\n  orch_status: nested\n---\n",
            keys: ["orch_status"],
            after: "---\nunit: u\n# orch_status: pending\nmeta:\n  orch_status: nested\n---\n"
        ),
        RemovalGolden(
            name: "no frontmatter: unchanged",
            before: "# Just a body\norch_status: complete\n",
            keys: ["orch_status"],
            after: "# Just a body\norch_status: complete\n"
        ),
        RemovalGolden(
            name: "the only key goes, leaving an empty block; a final line without newline is kept",
            before: "---\norch_pr_number: 12\n---\nbody",
            keys: ["orch_pr_number"],
            after: "---\n---\nbody"
        ),
        RemovalGolden(
            name: "a key written twice goes both times",
            before: "---\norch_status: a\nunit: u\norch_status: b\n---\n",
            keys: ["orch_status"],
            after: "---\nunit: u\n---\n"
        ),
    ]

    @Test("golden removals are byte for byte", arguments: removalGoldens)
    func removalGolden(_ golden: RemovalGolden) throws {
        #expect(try FrontmatterEditor.remove(golden.keys, in: golden.before) == golden.after)
    }

    @Test("removing from unclosed frontmatter is refused")
    func removeUnclosed() {
        #expect(throws: FrontmatterEditor.EditError.unclosedFrontmatter) {
            try FrontmatterEditor.remove(["orch_status"], in: "---\norch_status: complete\n")
        }
    }

    @Test("unclosed frontmatter is refused")
    func unclosed() {
        #expect(throws: FrontmatterEditor.EditError.unclosedFrontmatter) {
            try FrontmatterEditor.set([("status", "complete")], in: "---\nstatus: pending\n")
        }
    }
}
