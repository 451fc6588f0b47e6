import Synchronization
import Testing

@testable import ChooCore

struct AsyncLockTests {
    final class Tally: Sendable {
        let counts = Mutex((current: 0, most: 0, total: 0))
    }

    @Test("bodies never overlap, and every caller gets its turn")
    func mutualExclusion() async {
        let lock = AsyncLock()
        let tally = Tally()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 50 {
                group.addTask {
                    await lock.withLock {
                        tally.counts.withLock {
                            $0.current += 1
                            $0.most = max($0.most, $0.current)
                        }
                        await Task.yield()
                        tally.counts.withLock {
                            $0.current -= 1
                            $0.total += 1
                        }
                    }
                }
            }
        }
        #expect(tally.counts.withLock { $0.most } == 1)
        #expect(tally.counts.withLock { $0.total } == 50)
    }

    @Test("an error in the body releases the lock")
    func releasesOnError() async {
        struct Boom: Error {}
        let lock = AsyncLock()
        await #expect(throws: Boom.self) { try await lock.withLock { throw Boom() } }
        #expect(await lock.withLock { 42 } == 42)
    }
}
