import ChooCore
import ChooTesting
import Foundation
import Testing

/// The test doubles every test starts from fail loudly: each use records a test failure that says
/// what was asked for, and nothing happens.
struct FailingEffectsTests {
    /// Matches a recorded failure whose message mentions `text`.
    static func says(_ text: String) -> @Sendable (Issue) -> Bool {
        { issue in issue.comments.contains { $0.rawValue.contains(text) } }
    }

    @Test("the failing clock records an issue when asked the time and refuses to wait")
    func clock() async {
        await withKnownIssue {
            #expect(FailingWaitClock().now() == FailingWaitClock.moment)
            let refusal = await #expect(throws: FailingWaitClock.Refusal.self) {
                try await FailingWaitClock().sleep(for: .seconds(90))
            }
            #expect(refusal?.duration == .seconds(90))
        } matching: { issue in
            Self.says("FailingWaitClock was asked the time")(issue) || Self.says("refused to wait 90")(issue)
        }
    }

    /// One operation of ``FileAccess``, to try on the failing double.
    enum FileOperation: String, CaseIterable, Sendable {
        case read, write, createDirectory, move, remove, list, link, look

        /// Does it; what the failure should say.
        func perform(on files: any FileAccess, path: String) throws(FileError) -> String {
            switch self {
            case .read: _ = try files.readText(path)
            case .write: try files.write("x", to: path)
            case .createDirectory: try files.createDirectory(path)
            case .move: try files.move(path, to: path + ".moved")
            case .remove: try files.remove(path)
            case .list: _ = try files.names(in: path)
            case .link: try files.createSymbolicLink(at: path, to: "elsewhere")
            case .look: #expect(!files.exists(path))
            }
            return [
                .read: "read", .write: "write", .createDirectory: "create the folder", .move: "move",
                .remove: "remove", .list: "list", .link: "create the symbolic link", .look: "look at",
            ][self, default: ""]
        }
    }

    @Test(
        "failing file access records an issue naming the operation and the path, and throws",
        arguments: FileOperation.allCases
    )
    func files(operation: FileOperation) {
        let path = "/nonexistent/choo-\(operation.rawValue)"
        withKnownIssue {
            do throws(FileError) {
                let said = try operation.perform(on: FailingFileAccess(), path: path)
                #expect(operation == .look, "\(said) did not throw")
            } catch {
                #expect(error.path == path)
                #expect(error.description.contains("FailingFileAccess"))
            }
        } matching: { issue in
            Self.says("FailingFileAccess was asked to")(issue) && Self.says(path)(issue)
        }
    }

    @Test("Effects.failing is made of failing doubles; with(...) replaces only the members it names")
    func failingEffects() async throws {
        let effects = Effects.failing
        #expect(effects.runner is FailingProcessRunner)
        #expect(effects.http is FailingHTTPTransport)
        #expect(effects.clock is FailingWaitClock)
        #expect(effects.files is FailingFileAccess)
        let clock = ManualWaitClock()
        let some = effects.with(clock: clock, files: SystemFileAccess())
        #expect(some.runner is FailingProcessRunner)
        #expect(some.http is FailingHTTPTransport)
        #expect((some.clock as? ManualWaitClock) === clock)
        #expect(some.files is SystemFileAccess)
        await withKnownIssue {
            let spec = ProcessSpec(executable: "git", arguments: ["status"], workingDirectory: "/")
            await #expect(throws: ProcessError.self) { try await some.runner.run(spec) }
        } matching: { issue in
            Self.says("asked to run `git status`")(issue)
        }
    }

    @Test("the local test effects run processes and touch files for real, on a manual clock, and send no HTTP")
    func localEffects() {
        let effects = Effects.local()
        #expect(effects.runner is SystemProcessRunner)
        #expect(effects.files is SystemFileAccess)
        #expect(effects.clock is ManualWaitClock)
        #expect(effects.http is FailingHTTPTransport)
    }
}
