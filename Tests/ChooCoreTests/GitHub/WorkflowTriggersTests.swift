import Testing

@testable import ChooCore

/// Whether a repository's workflows run CI for a pull request's head, read from `on:`.
struct WorkflowTriggersTests {
    static func runs(_ yaml: String, head: String = "ralph/a", base: String = "main") -> Bool {
        !WorkflowTriggers.parse(files: [(".github/workflows/ci.yml", yaml)]).running(head: head, base: base).isEmpty
    }

    @Test(
        "workflows that run for the pull request",
        arguments: [
            "on: pull_request\njobs: {}\n",
            "on: [push, pull_request]\n",
            "on: push\n",
            "on:\n  pull_request:\n    branches: [main]\n",
            "on:\n  pull_request:\n    branches: ['release/**', 'ma*']\n",
            "on:\n  pull_request:\n    types: [opened, synchronize]\n",
            "on:\n  push:\n    branches: ['ralph/*']\n",
            "'on':\n  pull_request:\n",
            "on:\n  pull_request:\n    branches-ignore: [gh-pages]\n",
        ]
    )
    func running(yaml: String) {
        #expect(Self.runs(yaml))
    }

    @Test(
        "workflows that do not, or may not, run for it",
        arguments: [
            "on: workflow_dispatch\n",
            "on:\n  push:\n    branches: [main]\n",
            "on:\n  pull_request:\n    branches: [develop]\n",
            "on:\n  pull_request:\n    branches: ['*', '!main']\n",
            "on:\n  pull_request:\n    branches-ignore: [main]\n",
            "on:\n  pull_request:\n    paths: ['docs/**']\n",
            "on:\n  push:\n    tags: ['v*']\n",
            "on: [schedule]\n",
            "name: no trigger\njobs: {}\n",
            "not: [valid yaml\n",
        ]
    )
    func notRunning(yaml: String) {
        #expect(!Self.runs(yaml))
    }

    @Test("the files that run are named")
    func names() {
        let triggers = WorkflowTriggers.parse(files: [
            (".github/workflows/ci.yml", "on: pull_request\n"),
            (".github/workflows/release.yml", "on:\n  push:\n    tags: ['v*']\n"),
            (".github/workflows/lint.yaml", "on: push\n"),
        ])
        #expect(
            triggers.running(head: "ralph/a", base: "main") == [
                ".github/workflows/ci.yml", ".github/workflows/lint.yaml",
            ]
        )
    }
}
