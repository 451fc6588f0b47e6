import ChooCore
import ChooTesting
import Testing

struct FailingHTTPTransportTests {
    @Test("the default HTTP double records an issue and throws instead of sending anything")
    func failsLoudly() async {
        await withKnownIssue {
            let request = HTTPRequest(method: "GET", url: "https://api.github.com/user")
            await #expect(throws: FailingHTTPTransport.Refusal.self) {
                try await FailingHTTPTransport().send(request, timeout: .seconds(1))
            }
        }
    }
}
