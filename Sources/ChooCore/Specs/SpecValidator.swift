/// Checks the rules of the spec format that span files: task numbering, backpressure, task and
/// unit dependencies, cycles, unit names and providers.
///
/// Problems found while reading single files are already in ``SpecTree/diagnostics``; this adds
/// the rest, so that together they are every problem, found in one pass.
public struct SpecValidator: Sendable {
    /// Agent names a unit's `provider:` may use.
    public var knownProviders: Set<String>

    /// Creates a validator accepting `knownProviders` in `provider:` keys.
    public init(knownProviders: Set<String> = ["claude", "codex"]) {
        self.knownProviders = knownProviders
    }

    /// Every problem in `tree`: those found reading it, then the cross-file rules.
    public func validate(_ tree: SpecTree) -> [Diagnostic] {
        var diagnostics = tree.diagnostics
        let unitIDs = Set(tree.units.map(\.id))
        for unit in tree.units {
            diagnostics += checkName(of: unit)
            diagnostics += checkProvider(of: unit)
            diagnostics += checkDependencies(of: unit, unitIDs: unitIDs)
            diagnostics += checkTasks(of: unit, in: tree)
        }
        diagnostics += checkUnitCycles(tree)
        return diagnostics
    }

    // MARK: Units

    /// Why `id` cannot be used as a git branch name component or a path component, if it cannot.
    public static func unsafeNameReason(_ id: String) -> String? {
        if id.isEmpty { return "it is empty" }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it contains control characters"
        }
        if id.contains(where: \.isWhitespace) { return "it contains spaces" }
        if id.contains("..") { return "it contains `..`" }
        if id.hasPrefix("-") { return "it starts with `-`" }
        if id.hasPrefix(".") { return "it starts with `.`" }
        if id.hasSuffix(".") { return "it ends with `.`" }
        if id.hasSuffix(".lock") { return "it ends with `.lock`" }
        if id.contains("@{") { return "it contains `@{`" }
        if let bad = id.first(where: { "~^:?*[\\/".contains($0) }) {
            return "it contains `\(bad)`, which git does not allow in branch names"
        }
        return nil
    }

    private func checkName(of unit: Unit) -> [Diagnostic] {
        var result: [Diagnostic] = []
        if let reason = Self.unsafeNameReason(unit.id) {
            result.append(
                Diagnostic(
                    .error,
                    .unsafeUnitName,
                    "the unit folder name `\(unit.id)` cannot be used as a git branch or path: \(reason)",
                    hint: "rename the folder using letters, digits, `-` and `_`, like `app-shell`",
                    file: unit.directory,
                    unit: unit.id
                )
            )
        }
        if let declared = unit.declaredName, declared != unit.id {
            result.append(
                Diagnostic(
                    .warning,
                    .unitNameMismatch,
                    "`unit: \(declared)` differs from the folder name; the folder name `\(unit.id)` is used",
                    hint: "set `unit: \(unit.id)` or rename the folder",
                    file: unit.planFile,
                    line: unit.keyLines["unit"],
                    unit: unit.id
                )
            )
        }
        return result
    }

    private func checkProvider(of unit: Unit) -> [Diagnostic] {
        guard let provider = unit.provider, !knownProviders.contains(provider) else { return [] }
        return [
            Diagnostic(
                .error,
                .unknownProvider,
                "provider `\(provider)` is not configured",
                hint: "use one of \(knownProviders.sorted().joined(separator: ", ")), or declare it in "
                    + ".choo.yaml under provider.providers.\(provider) with a command",
                file: unit.planFile,
                line: unit.keyLines["provider"],
                unit: unit.id
            )
        ]
    }

    private func checkDependencies(of unit: Unit, unitIDs: Set<String>) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for dependency in unit.dependsOn where !unitIDs.contains(dependency) {
            let similar = Self.closest(to: dependency, in: unitIDs)
            let hint = similar.map { "did you mean `\($0)`?" } ?? "create the unit or remove it from depends_on"
            if unit.isComplete {
                result.append(
                    Diagnostic(
                        .warning,
                        .unknownUnitDependency,
                        "depends on unit `\(dependency)`, which does not exist; the unit is complete, so this "
                            + "does not stop a run",
                        hint: hint,
                        file: unit.planFile,
                        line: unit.keyLines["depends_on"],
                        unit: unit.id
                    )
                )
            } else {
                result.append(
                    Diagnostic(
                        .error,
                        .unknownUnitDependency,
                        "depends on unit `\(dependency)`, which does not exist",
                        hint: hint,
                        file: unit.planFile,
                        line: unit.keyLines["depends_on"],
                        unit: unit.id
                    )
                )
            }
        }
        return result
    }

    private func checkUnitCycles(_ tree: SpecTree) -> [Diagnostic] {
        var dependencies: [String: [String]] = [:]
        for unit in tree.units { dependencies[unit.id] = unit.dependsOn }
        let graph = DependencyGraph(dependencies: dependencies)
        return graph.cycles().map { cycle in
            let first = cycle[0]
            let unit = tree.unit(first)
            let rule: Diagnostic.Rule = cycle.count == 2 ? .unitSelfDependency : .unitCycle
            let message =
                cycle.count == 2
                ? "unit `\(first)` depends on itself"
                : "units depend on each other in a cycle: \(cycle.joined(separator: " -> "))"
            return Diagnostic(
                .error,
                rule,
                message,
                hint: "remove one of these dependencies so the units can run in some order",
                file: unit?.planFile,
                line: unit?.keyLines["depends_on"],
                unit: first
            )
        }
    }

    // MARK: Tasks

    private func checkTasks(of unit: Unit, in tree: SpecTree) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let readable = unit.tasks.filter { !tree.unreadableFiles.contains($0.file) }

        for task in readable {
            if task.number == nil, !tree.invalidKeys.contains("\(task.file):task") {
                let guess = task.fileNumber.map { " (the file name suggests `task: \($0)`)" } ?? ""
                result.append(
                    Diagnostic(
                        .error,
                        .missingTaskNumber,
                        "the task has no `task` number\(guess)",
                        hint: "add `task: N` to the frontmatter",
                        file: task.file,
                        line: 1,
                        unit: unit.id
                    )
                )
            }
            let command = task.backpressure?.trimmingWhitespace() ?? ""
            if command.isEmpty, !tree.invalidKeys.contains("\(task.file):backpressure") {
                result.append(
                    Diagnostic(
                        .error,
                        .missingBackpressure,
                        "the task has no backpressure command",
                        hint: misspelledBackpressure(task).map { "did you mean `backpressure`? the key is `\($0)`" }
                            ?? "add `backpressure: \"<shell command that exits 0 when the task is done>\"`",
                        file: task.file,
                        line: task.keyLines["backpressure"] ?? misspelledBackpressure(task).flatMap {
                            task.keyLines[$0]
                        } ?? 1,
                        unit: unit.id,
                        task: task.number
                    )
                )
            }
        }

        // Numbering: 1..n, no repeats, no gaps.
        var byNumber: [Int: [TaskSpec]] = [:]
        for task in unit.tasks { if let number = task.number { byNumber[number, default: []].append(task) } }
        for (number, tasks) in byNumber.sorted(by: { $0.key < $1.key }) where tasks.count > 1 {
            let files = tasks.map(\.fileName).joined(separator: ", ")
            for task in tasks {
                result.append(
                    Diagnostic(
                        .error,
                        .duplicateTaskNumber,
                        "task number \(number) is used by more than one file: \(files)",
                        hint: "give each task its own number, 1 to n",
                        file: task.file,
                        line: task.keyLines["task"],
                        unit: unit.id,
                        task: number
                    )
                )
            }
        }
        let numbers = byNumber.keys.sorted()
        if let first = numbers.first, first != 1, let task = byNumber[first]?.first {
            result.append(
                Diagnostic(
                    .error,
                    .taskNumberGap,
                    "task numbers start at \(first); they must start at 1",
                    hint: "renumber the tasks 1 to n",
                    file: task.file,
                    line: task.keyLines["task"],
                    unit: unit.id,
                    task: first
                )
            )
        }
        for (previous, next) in zip(numbers, numbers.dropFirst()) where next > previous + 1 {
            let missing = (previous + 1 ..< next).map { "#\($0)" }.joined(separator: ", ")
            let task = byNumber[next]?.first
            result.append(
                Diagnostic(
                    .error,
                    .taskNumberGap,
                    "task numbers jump from #\(previous) to #\(next): \(missing) \(next - previous > 2 ? "are" : "is") missing",
                    hint: "renumber the tasks 1 to n without gaps",
                    file: task?.file,
                    line: task?.keyLines["task"],
                    unit: unit.id,
                    task: next
                )
            )
        }

        // Dependencies between tasks.
        let known = Set(numbers)
        for task in readable {
            guard let number = task.number else { continue }
            for dependency in task.dependsOn {
                if dependency == number {
                    result.append(
                        Diagnostic(
                            .error,
                            .taskSelfDependency,
                            "task #\(number) depends on itself",
                            hint: "remove \(number) from depends_on",
                            file: task.file,
                            line: task.keyLines["depends_on"],
                            unit: unit.id,
                            task: number
                        )
                    )
                } else if !known.contains(dependency) {
                    result.append(
                        Diagnostic(
                            .error,
                            .unknownTaskDependency,
                            "depends on task #\(dependency), which does not exist in unit `\(unit.id)`",
                            hint: "the unit's tasks are \(numbers.map { "#\($0)" }.joined(separator: ", "))",
                            file: task.file,
                            line: task.keyLines["depends_on"],
                            unit: unit.id,
                            task: number
                        )
                    )
                }
            }
        }
        var dependencies: [Int: [Int]] = [:]
        for task in unit.tasks {
            guard let number = task.number else { continue }
            dependencies[number, default: []] += task.dependsOn.filter { $0 != number }
        }
        for cycle in DependencyGraph(dependencies: dependencies).cycles() {
            let task = byNumber[cycle[0]]?.first
            result.append(
                Diagnostic(
                    .error,
                    .taskCycle,
                    "tasks depend on each other in a cycle: \(cycle.map { "#\($0)" }.joined(separator: " -> "))",
                    hint: "remove one of these dependencies so the tasks can run in some order",
                    file: task?.file,
                    line: task?.keyLines["depends_on"],
                    unit: unit.id,
                    task: cycle[0]
                )
            )
        }
        return result
    }

    /// The name in `candidates` closest to `name`, when it is within two edits.
    static func closest(to name: String, in candidates: Set<String>) -> String? {
        candidates.map { ($0, Suggestion.editDistance(name, $0)) }
            .filter { $0.1 <= 2 }
            .min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    /// A frontmatter key of `task` that looks like a misspelled `backpressure` (two letters off).
    private func misspelledBackpressure(_ task: TaskSpec) -> String? {
        task.keyLines.keys.sorted().first { key in
            key != "backpressure" && Suggestion.editDistance(key, "backpressure") <= 2
        }
    }
}
