import ChooCore
import Foundation
import Hummingbird

extension WebServer {
    /// `GET /api/runs/<id>/stream`: server-sent events. Every journal event after `after` (the
    /// `Last-Event-ID` a reconnecting browser sends, else `?after=`) once, in order, as an
    /// `event: journal` message whose `id` is its sequence number; after each batch an
    /// `event: state` message (no id) with the run's header and the units that changed (every unit
    /// in the first), at most once per push interval; a `: heartbeat` comment when nothing happened
    /// for a while. Ends when the
    /// server stops or the client goes.
    func stream(run id: Int64, after: Int) -> Response {
        let body = ResponseBody { [self] writer in
            var cursor = after
            var seen = watcher.version
            var state = try Self.state(of: id, upTo: after, journal: journal)
            // The unit details last sent, in the order of the state's units; `nil` before the first.
            var sent: [WebJSON.UnitDetail]?
            // The units changed since then, by their place in the state's units.
            var changed = Set<Int>()
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            while !Task.isCancelled {
                // Looked at before the journal is read: once the server stops (the run ended), this
                // last pass still sends what the journal held by then, batched or not.
                let stopping = watcher.isStopped
                let newer = try journal.events(run: id, after: cursor, limit: 500)
                var chunk = ""
                for stored in newer {
                    for unit in state.apply(stored.event).units { changed.insert(unit.index) }
                    chunk += "id: \(stored.seq)\nevent: journal\ndata: \(Self.eventJSON(stored))\n\n"
                    cursor = stored.seq
                }
                if !newer.isEmpty || sent == nil {
                    let live = try journal.run(id: id).map(isLive) ?? false
                    let detail = WebJSON.run(
                        id: id,
                        state: state,
                        lastSeq: cursor,
                        live: live,
                        catalog: catalog,
                        now: Date(),
                        reusing: sent.map { (details: $0, changed: changed) }
                    )
                    // Every unit is looked at when units were added (their dependencies may have changed).
                    let units = sent.map { sent in
                        let candidates =
                            sent.count == detail.units.count ? changed.sorted() : Array(detail.units.indices)
                        return candidates.filter { $0 >= sent.count || sent[$0] != detail.units[$0] }.map {
                            detail.units[$0]
                        }
                    }
                    let update = StateUpdate(run: detail.run, units: units ?? detail.units, full: sent == nil)
                    chunk += "event: state\ndata: \(WebJSON.text(update))\n\n"
                    sent = detail.units
                    changed = []
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(string: redactor.redact(chunk))) }
                // A full batch: there may be more at once.
                if newer.count == 500 { continue }
                if stopping { break }
                // The next state message no sooner than the push interval: what comes meanwhile is batched.
                if !chunk.isEmpty { try? await Task.sleep(for: configuration.pushInterval) }
                if watcher.isStopped { continue }
                let version = await nextChange(after: seen)
                if let version {
                    seen = version
                } else {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8",
                .cacheControl: "no-store",
                .connection: "keep-alive",
            ],
            body: body
        )
    }

    /// One `event: state` message.
    struct StateUpdate: Encodable {
        var run: WebJSON.RunHeader
        var units: [WebJSON.UnitDetail]
        /// Whether `units` is every unit (the first message of a stream).
        var full: Bool
    }

    /// The journal's next change after `seen`, or `nil` when a heartbeat is due first.
    private func nextChange(after seen: Int) async -> Int? {
        let watcher = self.watcher
        let heartbeat = configuration.heartbeat
        return await withTaskGroup(of: Int?.self) { group in
            group.addTask { await watcher.changed(after: seen) }
            group.addTask {
                try? await Task.sleep(for: heartbeat)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Run `id`'s state after its event `seq`.
    static func state(of id: Int64, upTo seq: Int, journal: RunJournal) throws -> RunState {
        guard seq > 0 else { return RunState() }
        // Read as many rows as the sequence number: every event up to it is among them.
        return RunState(events: try journal.events(run: id, after: 0, limit: seq).filter { $0.seq <= seq }.map(\.event))
    }
}
