import ChooCore
import Testing

struct SuggestionTests {
    static let commands = ["validate", "run", "status", "prompt", "logs", "history", "cleanup", "demo", "help"]
    static let runFlags = ["dry-run", "parallelism", "unit", "target", "provider", "force", "pr", "no-pr", "json"]

    @Test(
        "a typo, an abbreviation or a misspelled abbreviation finds the name it stands for",
        arguments: [
            ("statsu", commands, "status"),
            ("stat", commands, "status"),
            ("hlep", commands, "help"),
            ("valdiate", commands, "validate"),
            ("paralel", runFlags, "parallelism"),
            ("paralelism", runFlags, "parallelism"),
            ("dry-rn", runFlags, "dry-run"),
            ("prov", runFlags, "provider"),
            ("warnn", ["debug", "info", "warn", "error"], "warn"),
        ]
    )
    func finds(name: String, candidates: [String], expected: String) {
        #expect(Suggestion.closest(to: name, among: candidates) == expected)
    }

    @Test(
        "nothing is suggested for a word unlike every name, an ambiguous beginning, or a name that is there",
        arguments: [
            ("nonsense", commands),
            ("zzz", commands),
            ("p", runFlags),
            ("", commands),
            ("status", commands),
            ("loud", ["debug", "info", "warn", "error"]),
        ]
    )
    func findsNothing(name: String, candidates: [String]) {
        #expect(Suggestion.closest(to: name, among: candidates) == nil)
    }

    @Test("edit distance counts insertions, deletions and substitutions")
    func editDistance() {
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("statsu", "status") == 2)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
    }
}
