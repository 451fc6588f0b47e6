/// Which agent runs each unit, and whether its executable can be started: what `choo run` checks
/// before it starts anything, and what `choo validate` and the dry run report.
public struct UnitAgents: Sendable {
    /// One unit's agent.
    public struct Assignment: Sendable, Hashable {
        /// The unit.
        public var unit: String
        /// The provider and which setting chose it.
        public var choice: ProviderChoice
        /// How to start it; its executable is the found path when ``problem`` is `nil`.
        public var provider: AgentProvider?
        /// Why it cannot be started, when it cannot.
        public var problem: ExecutableLookup.NotFound?
    }

    /// An agent executable that cannot be started, and the units that need it.
    public struct MissingAgent: Sendable, Hashable, CustomStringConvertible {
        public var provider: String
        public var executable: String
        /// Why it cannot be run.
        public var reason: ExecutableLookup.NotFound
        public var units: [String]

        /// What is wrong and what to do, naming the executable, its provider and the units.
        public var description: String {
            let what =
                "the agent `\(executable)` (provider \(provider), needed by \(units.joined(separator: ", ")))"
            let advice =
                ". Install it, point the provider's command at it in .choo.yaml, or choose another provider "
                + "with --provider."
            switch reason {
            case .notExecutable(let path):
                let place = path == executable ? "" : " (found at \(path))"
                return what + " exists\(place) but is not executable; make it so with `chmod +x \(path)`."
            case .missingPath: return what + " does not exist" + advice
            case .notAFile: return what + " is not a file" + advice
            case .notOnPath(let searched):
                return what + " was not found; looked in: " + searched.joined(separator: ":") + advice
            }
        }
    }

    /// Every unit asked about, in the order given.
    public var assignments: [Assignment]

    /// The executables that cannot be started, each with the units needing it, by executable.
    public var missing: [MissingAgent] {
        var byExecutable: [String: MissingAgent] = [:]
        for assignment in assignments {
            guard let problem = assignment.problem, let provider = assignment.provider else { continue }
            byExecutable[
                provider.executable,
                default: MissingAgent(
                    provider: provider.name,
                    executable: provider.executable,
                    reason: problem,
                    units: []
                )
            ].units.append(assignment.unit)
        }
        return byExecutable.values.sorted { $0.executable < $1.executable }
    }

    /// The first unit whose provider is not configured, with its name; validation reports these
    /// as errors first, so a run meets one only when validation was skipped.
    public var unknownProvider: (name: String, unit: String)? {
        assignments.first { $0.provider == nil }.map { ($0.choice.name, $0.unit) }
    }

    /// The agent of each of `units`, as `config` chooses it and `environment`'s `PATH` finds it.
    public static func resolve(
        units: [String],
        tree: SpecTree,
        config: ChooConfig,
        environment: [String: String]
    ) -> UnitAgents {
        UnitAgents(
            assignments: units.map { id in
                let choice = config.providerChoice(forUnit: tree.unit(id)?.provider)
                guard var provider = AgentProvider.named(choice.name, config: config) else {
                    return Assignment(unit: id, choice: choice, provider: nil, problem: nil)
                }
                if let found = ExecutableLookup.find(provider.executable, environment: environment) {
                    provider.executable = found
                    return Assignment(unit: id, choice: choice, provider: provider, problem: nil)
                }
                let problem = ExecutableLookup.whyNotFound(provider.executable, environment: environment)
                return Assignment(unit: id, choice: choice, provider: provider, problem: problem)
            }
        )
    }
}
