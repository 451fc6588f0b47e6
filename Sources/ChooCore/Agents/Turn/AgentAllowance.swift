import Foundation
import Synchronization

/// What a run allows its agents, shared by every unit: the usage-limit pauses of each provider,
/// what agents spent against the budgets, and the way a unit asks the whole run to stop gracefully
/// (a budget reached, a limit too long to wait for).
///
/// A pause is per provider: when one unit's agent meets the limit, every unit using that provider
/// waits before its next turn (other providers go on). With a known reset, all of them go on at
/// the reset; without one, after `limits.default_wait` a single turn tries first, and the others
/// follow once it got past the limit.
public final class AgentAllowance: Sendable {
    /// One provider's pause.
    public struct Pause: Sendable, Hashable {
        /// When its units may go on.
        public var until: Date
        /// Whether the CLI said when the limit resets.
        public var resetKnown: Bool
        /// Which limit, when known.
        public var window: String?
        /// What the CLI said.
        public var message: String?
        /// Changes with every new pause, so waiters notice one that replaced theirs.
        var generation = 0
        /// Whether a unit is trying a turn after a pause without a known reset.
        var probing = false
    }

    /// A budget reached: the setting, its value, and what was spent.
    public struct BudgetExceeded: Sendable, Hashable {
        /// The setting, e.g. `budget.max_cost_usd`.
        public var key: String
        /// Its value.
        public var limit: Double
        /// What was spent, in the setting's terms.
        public var spent: Double
        /// Whether it counts dollars (else tokens).
        public var dollars: Bool

        /// `budget.max_cost_usd ($5.00) reached: $5.12 spent`.
        public var description: String {
            let show: (Double) -> String = { dollars ? Spend.dollars($0) : Spend.tokens(Int($0)) + " tokens" }
            return "\(key) (\(show(limit))) reached: \(show(spent)) spent"
        }
    }

    private struct State {
        var pauses: [String: Pause] = [:]
        var generation = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var run = Spend()
        var units: [String: Spend] = [:]
        var stopReason: String?
    }

    /// The run's settings for limits and budgets.
    public let limits: ChooConfig.LimitSettings
    public let budget: ChooConfig.BudgetSettings
    /// Raised when the run stops gracefully: waits for a limit end then.
    public let shutdown: ShutdownFlag
    /// Graceful stops the units ask for; the run merges them with Ctrl-C.
    public let stopRequests: AsyncStream<ShutdownRequest>
    private let stopContinuation: AsyncStream<ShutdownRequest>.Continuation
    private let state = Mutex(State())

    /// An allowance with `config`'s limits and budgets, and `shutdown` as the run's stop flag.
    public init(config: ChooConfig, shutdown: ShutdownFlag = ShutdownFlag()) {
        limits = config.limits
        budget = config.budget
        self.shutdown = shutdown
        (stopRequests, stopContinuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    // MARK: Usage limits

    /// `provider`'s pause, when its units wait.
    public func pause(of provider: String) -> Pause? { state.withLock { $0.pauses[provider] } }

    /// `provider`'s pause and the generation of the pauses, read together.
    func snapshot(_ provider: String) -> (Pause?, Int) {
        state.withLock { ($0.pauses[provider], $0.generation) }
    }

    /// Every pause, by provider.
    public var pauses: [String: Pause] { state.withLock { $0.pauses } }

    /// Pauses `provider` until `until` (a later pause already in place stays); the pause in force.
    @discardableResult
    public func pause(_ provider: String, until: Date, resetKnown: Bool, window: String? = nil, message: String? = nil)
        -> Pause
    {
        let (pause, waiters) = state.withLock { state -> (Pause, [CheckedContinuation<Void, Never>]) in
            if let existing = state.pauses[provider], existing.until >= until, !existing.probing {
                return (existing, [])
            }
            state.generation += 1
            let pause = Pause(
                until: until,
                resetKnown: resetKnown,
                window: window,
                message: message,
                generation: state.generation
            )
            state.pauses[provider] = pause
            return (pause, takeWaiters(&state))
        }
        for waiter in waiters { waiter.resume() }
        return pause
    }

    /// Ends `provider`'s pause (a turn got past the limit); whether there was one.
    @discardableResult
    public func clear(_ provider: String) -> Bool {
        let (cleared, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard state.pauses.removeValue(forKey: provider) != nil else { return (false, []) }
            state.generation += 1
            return (true, takeWaiters(&state))
        }
        for waiter in waiters { waiter.resume() }
        return cleared
    }

    /// Claims the single try after `provider`'s pause without a known reset; `false` when another
    /// unit has it (or the pause changed).
    func claimProbe(_ provider: String, generation: Int) -> Bool {
        state.withLock { state in
            guard var pause = state.pauses[provider], pause.generation == generation, !pause.probing else {
                return false
            }
            pause.probing = true
            state.pauses[provider] = pause
            return true
        }
    }

    /// Gives up the try claimed with ``claimProbe(_:generation:)`` without an answer (the unit
    /// stopped): another unit may try.
    func releaseProbe(_ provider: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var pause = state.pauses[provider], pause.probing else { return [] }
            pause.probing = false
            state.generation += 1
            pause.generation = state.generation
            state.pauses[provider] = pause
            return takeWaiters(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once any pause changed after `generation` (at once if one did), or the task is
    /// cancelled.
    func changed(since generation: Int) async {
        let id = state.withLock { state -> Int? in
            guard state.generation <= generation else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation > generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// The generation of the pauses now.
    var generation: Int { state.withLock { $0.generation } }

    private func takeWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { state.waiters = [:] }
        return Array(state.waiters.values)
    }

    // MARK: Budgets

    /// Adds what one invocation of `unit` spent.
    public func record(_ spend: Spend, unit: String) {
        state.withLock { state in
            state.run = state.run + spend
            state.units[unit, default: Spend()] = state.units[unit, default: Spend()] + spend
        }
    }

    /// What the run's agents spent, as recorded.
    public var spent: Spend { state.withLock { $0.run } }

    /// The first budget `unit`'s next turn would go past, when one is reached.
    public func budgetReached(unit: String) -> BudgetExceeded? {
        let (run, own) = state.withLock { ($0.run, $0.units[unit] ?? Spend()) }
        let checks: [(String, Double?, Double, Bool)] = [
            ("budget.max_cost_usd", budget.maxCostUSD, run.costUSD, true),
            ("budget.max_tokens", budget.maxTokens.map(Double.init), Double(run.tokens.total), false),
            ("budget.per_unit.max_cost_usd", budget.unitMaxCostUSD, own.costUSD, true),
            ("budget.per_unit.max_tokens", budget.unitMaxTokens.map(Double.init), Double(own.tokens.total), false),
        ]
        for (key, limit, spent, dollars) in checks {
            if let limit, spent >= limit {
                return BudgetExceeded(key: key, limit: limit, spent: spent, dollars: dollars)
            }
        }
        return nil
    }

    // MARK: Stopping

    /// Asks the run to stop gracefully for `reason` (the first reason is kept): no new unit or
    /// turn starts, running turns finish, and the run can be resumed.
    public func requestStop(_ reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil else { return false }
            state.stopReason = reason
            return true
        }
        if first { stopContinuation.yield(.graceful) }
    }

    /// Why a unit asked the run to stop, when one did.
    public var stopReason: String? { state.withLock { $0.stopReason } }
}
