import ChooCore
import ChooTesting
import Foundation
import Testing

@Suite(.temporaryDirectory)
struct ExecutableLookupTests {
    @Test("PATH is split in order, without empty entries or repeats")
    func searchPath() {
        let folders = ExecutableLookup.searchPath(environment: ["PATH": "/a::/b:/a:/c/"])
        #expect(folders == ["/a", "/b", "/c/"])
        #expect(ExecutableLookup.searchPath(environment: [:]).contains("/usr/bin"))
    }

    @Test("names are found on PATH; paths are checked as given")
    func find() throws {
        let folder = TemporaryDirectory.current.path
        let tool = folder + "/tool"
        try "#!/bin/sh\n".write(toFile: tool, atomically: true, encoding: .utf8)
        let environment = ["PATH": "/nonexistent:" + folder]
        #expect(ExecutableLookup.find("tool", environment: environment) == nil)  // not executable yet
        chmod(tool, 0o755)
        #expect(ExecutableLookup.find("tool", environment: environment) == tool)
        #expect(ExecutableLookup.find(tool, environment: [:]) == tool)
        #expect(ExecutableLookup.find("sh", environment: ["PATH": "/bin"]) == "/bin/sh")
        #expect(ExecutableLookup.find("tool", environment: ["PATH": "/nonexistent"]) == nil)
        #expect(ExecutableLookup.find(folder, environment: [:]) == nil)  // a folder is not an executable
    }
}
