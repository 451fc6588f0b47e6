import ChooCore
import ChooTesting
import Foundation
import Testing

@Suite(.temporaryDirectory)
struct RunLockTests {
    @Test("the lock records when its run started, by the time it is given, and a second taker is told")
    func recordsItsStart() throws {
        let folder = TemporaryDirectory.current.path
        let started = ManualWaitClock().now()
        let lock = try RunLock(in: folder, startedAt: started, command: "choo run -p 2")
        defer { lock.release() }
        let holder = try #require(RunLock.holder(in: folder))
        #expect(holder.contains("started \(Timestamp(started).description): choo run -p 2"))
        #expect(throws: RunLock.LockError.self) { try RunLock(in: folder, startedAt: started) }
    }

    @Test("a folder that does not exist is not created: the lock is unavailable")
    func folderMustExist() {
        let missing = TemporaryDirectory.current("no/such/folder")
        #expect(throws: RunLock.LockError.self) { try RunLock(in: missing, startedAt: Date(timeIntervalSince1970: 0)) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
