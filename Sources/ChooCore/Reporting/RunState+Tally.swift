extension RunState {
    /// What a state keeps beside its units so that finding a unit, counting units by state and
    /// summing the run's spend cost the same whatever the number of units: where each unit is in
    /// ``RunState/units``, and the run's counts and spend, updated as each unit changes.
    ///
    /// It is derived from the units alone, so it takes no part in equality or hashing: two states
    /// with the same units are equal. (The dollars are kept by adding each change, so they may
    /// differ from a sum over the units in the last digits; the tokens and counts are exact.)
    struct Tally: Sendable, Hashable {
        /// Each unit's position in ``RunState/units``, by ID.
        var index: [String: Int] = [:]
        /// How many units are in each state.
        private var states: [UnitState.State: Int] = [:]
        /// How many tasks' work was committed, over every unit.
        private(set) var committedTasks = 0
        /// The tokens every unit's agents used.
        private var tokens = TokenUsage()
        /// The dollars of every unit's priced invocations.
        private var costUSD: Double = 0
        /// How many units have a cost from choo's price table.
        private var estimatedUnits = 0
        /// How many invocations used tokens without a known cost, over every unit.
        private var unpriced = 0

        /// The number of units in `state`.
        func count(_ state: UnitState.State) -> Int { states[state] ?? 0 }

        /// What every unit's agents spent.
        var spend: Spend {
            var spend = Spend()
            spend.tokens = tokens
            spend.costUSD = costUSD
            spend.estimated = estimatedUnits > 0
            spend.unpriced = unpriced
            return spend
        }

        /// Counts `unit`, which joined the run.
        mutating func add(_ unit: UnitState) {
            count(unit, spend: unit.spend, sign: 1)
        }

        /// `before` became `after`.
        mutating func replace(_ before: UnitState, with after: UnitState) {
            // Only turns carry spend; unchanged turns (the usual case) are told apart at once.
            let spends = before.turns == after.turns ? nil : (before.spend, after.spend)
            count(before, spend: spends?.0, sign: -1)
            count(after, spend: spends?.1, sign: 1)
        }

        private mutating func count(_ unit: UnitState, spend: Spend?, sign: Int) {
            states[unit.state, default: 0] += sign
            committedTasks += sign * unit.committedTasks.count
            guard let spend else { return }
            tokens = TokenUsage(
                input: tokens.input + sign * spend.tokens.input,
                output: tokens.output + sign * spend.tokens.output,
                cacheRead: tokens.cacheRead + sign * spend.tokens.cacheRead,
                cacheWrite: tokens.cacheWrite + sign * spend.tokens.cacheWrite
            )
            costUSD += Double(sign) * spend.costUSD
            if spend.estimated { estimatedUnits += sign }
            unpriced += sign * spend.unpriced
        }

        /// Always equal: a tally follows the units, which are compared.
        static func == (lhs: Tally, rhs: Tally) -> Bool { true }

        /// Nothing: a tally follows the units, which are hashed.
        func hash(into hasher: inout Hasher) {}
    }
}
