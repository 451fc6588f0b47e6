import Foundation

/// The run's webhooks (`notify:`), as a sink of its events. Receiving only queues the event for
/// each hook that wants it, so a slow or hanging hook never holds up the bus, a unit or the run;
/// each hook has a worker that delivers its queue in order (``WebhookDelivery``) and records every
/// result. A delivery never fails the run. At the end, ``drain(within:)`` gives what is in flight a
/// bounded time, then gives up on it.
public final class WebhookSink: EventSink {
    private struct Job: Sendable {
        var event: Event
        var sequence: Int
    }

    private let hooks: [ChooConfig.Webhook]
    private let queues: [AsyncStream<Job>.Continuation]
    private let workers: [Task<Void, Never>]

    /// Delivers to `hooks` through `delivery`; `repository` names the repository in Slack lines;
    /// `record` gets every delivery's result (the journal).
    public init(
        hooks: [ChooConfig.Webhook],
        delivery: WebhookDelivery,
        repository: String,
        record: @escaping @Sendable (WebhookDelivery.Result) -> Void
    ) {
        self.hooks = hooks
        var queues: [AsyncStream<Job>.Continuation] = []
        var workers: [Task<Void, Never>] = []
        for (index, hook) in hooks.enumerated() {
            let (stream, queue) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .unbounded)
            queues.append(queue)
            workers.append(
                Task {
                    for await job in stream {
                        // Past the end-of-run drain: what is still queued is given up, and recorded so.
                        if Task.isCancelled {
                            var dropped = WebhookDelivery.Result(
                                hook: index,
                                eventType: job.event.typeName,
                                sequence: job.sequence,
                                delivered: false,
                                attempts: 0
                            )
                            dropped.error = "the run ended before it could be sent"
                            record(dropped)
                            continue
                        }
                        let body = WebhookMessage.body(for: job.event, format: hook.format, repository: repository)
                        let result = await delivery.send(
                            body,
                            to: hook,
                            index: index,
                            eventType: job.event.typeName,
                            sequence: job.sequence
                        )
                        record(result)
                    }
                }
            )
        }
        self.queues = queues
        self.workers = workers
    }

    public func receive(_ event: Event, sequence: Int) {
        guard let type = event.type else { return }
        for (index, hook) in hooks.enumerated() where hook.events.contains(type) {
            queues[index].yield(Job(event: event, sequence: sequence))
        }
    }

    public func finish() {
        for queue in queues { queue.finish() }
    }

    /// Waits for every queued delivery (call after the bus closed), at most `limit`; what is still
    /// under way or queued then is given up, each recorded so.
    public func drain(within limit: Duration) async {
        finish()
        let workers = self.workers
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for worker in workers { await worker.value }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            // Awaiting a worker does not end on cancellation: the workers themselves are cancelled,
            // and record what they still hold without sending it.
            for worker in workers { worker.cancel() }
            group.cancelAll()
        }
        // They record quickly once their delivery in flight has noticed the cancellation; a bounded
        // wait, so a delivery that does not notice cannot hold the process.
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for worker in workers { await worker.value }
            }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
    }

    deinit {
        for queue in queues { queue.finish() }
    }
}
