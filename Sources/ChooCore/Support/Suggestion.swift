/// "Did you mean": the known name a mistyped one most likely stands for.
public enum Suggestion {
    /// The name in `candidates` that `name` most likely means, or `nil` when none is close:
    /// - the only candidate that starts with `name` (`stat` for `status`);
    /// - else the nearest within two edits, when that is fewer edits than `name` has letters (`statsu`);
    /// - else, for a name of five letters or more, the candidate whose beginning is nearest within two
    ///   edits (a misspelled abbreviation: `paralel` for `parallelism`).
    ///
    /// Ties go to the candidate listed first; `name` itself being a candidate is no mistake, so `nil`.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        guard !name.isEmpty, !candidates.contains(name) else { return nil }
        let prefixed = candidates.filter { $0.hasPrefix(name) }
        if prefixed.count == 1 { return prefixed[0] }
        if let near = nearest(candidates.map { ($0, editDistance(name, $0)) }), near.1 <= 2, near.1 < name.count {
            return near.0
        }
        guard name.count >= 5 else { return nil }
        let beginnings = candidates.map { candidate in
            let lengths = max(name.count - 1, 1) ... name.count + 1
            return (candidate, lengths.map { editDistance(name, String(candidate.prefix($0))) }.min() ?? Int.max)
        }
        guard let near = nearest(beginnings), near.1 <= 2 else { return nil }
        return near.0
    }

    /// The pair with the smallest distance, the first of equals.
    private static func nearest(_ scored: [(String, Int)]) -> (String, Int)? {
        scored.min { $0.1 < $1.1 }
    }

    /// The Levenshtein distance between two strings: the fewest one-character insertions, deletions
    /// and substitutions that turn one into the other.
    public static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0 ... right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for (i, leftCharacter) in left.enumerated() {
            current[0] = i + 1
            for (j, rightCharacter) in right.enumerated() {
                let substitution = previous[j] + (leftCharacter == rightCharacter ? 0 : 1)
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
