import Foundation
import GRDB

extension RunJournal {
    /// The usage-limit pauses earlier runs (before run `run`) recorded and did not see end, which
    /// still last at `now`, by provider: what a rerun after Ctrl-C, a crash or a stop for a long
    /// wait must wait out before its first turn.
    public func pendingLimits(before run: Int64, now: Date) throws -> [String: Event.AgentLimit] {
        let rows = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT type, payload FROM events WHERE runsId < ? AND type IN (?, ?) ORDER BY runsId, seq",
                arguments: [run, EventType.agentLimit.rawValue, EventType.agentLimitOver.rawValue]
            )
        }
        var pending: [String: Event.AgentLimit] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            let type: String = row["type"]
            guard let payload: String = row["payload"] else { continue }
            let data = Data(payload.utf8)
            if type == EventType.agentLimit.rawValue, let limit = try? decoder.decode(Event.AgentLimit.self, from: data)
            {
                pending[limit.provider] = limit
            } else if let over = try? decoder.decode(Event.AgentLimitOver.self, from: data) {
                pending[over.provider] = nil
            }
        }
        return pending.filter { $0.value.until.date > now }
    }
}
