import ChooCore
import ChooTesting
import Foundation
import Testing

/// `choo run` end to end with spec files that are not regular files: it refuses them as `validate` does.
@Suite(.temporaryDirectory)
struct SpecialSpecFileRunTests {
    @Test("run refuses a task file linked to /dev/zero, or replaced by a FIFO: exit 2 naming it, nothing created")
    func runRefusesSpecialFiles() async throws {
        let fixture = try await RunFixture(.completeNextTask) { specs in
            try specs.unit("u", tasks: [.init(1, backpressure: workCheck("u", 1))])
            try specs.write("specs/tasks/u/02-task-2.md", SpecFixture.Task(2).text)
            try specs.makeSymbolicLink("specs/tasks/u/03-zero.md", to: "/dev/zero")
        }
        let before = FileTreeSnapshot.take(fixture.repository.path)
        let linked = try await fixture.choo("run")
        #expect(linked.exitCode == 2, "\(linked.stdout)\(linked.stderr)")
        #expect(linked.stderr.contains("specs/tasks/u/03-zero.md"), "\(linked.stderr)")
        #expect(linked.stderr.contains("symbolic link to `/dev/zero`, a character device"))
        #expect(FileTreeSnapshot.take(fixture.repository.path) == before)

        try fixture.specs.makeFIFO("specs/tasks/u/02-task-2.md")
        let piped = try await fixture.choo("run")
        #expect(piped.exitCode == 2, "\(piped.stdout)\(piped.stderr)")
        #expect(piped.stderr.contains("specs/tasks/u/02-task-2.md"), "\(piped.stderr)")
        #expect(piped.stderr.contains("named pipe (FIFO)"))
        #expect(!FileManager.default.fileExists(atPath: fixture.repository.path + "/.ralph"))
    }
}
