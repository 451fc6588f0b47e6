/// One page of `GET /repos/{o}/{r}/commits/{ref}/check-runs`.
struct CheckRunPage: Decodable {
    /// How many check runs there are on all pages.
    var totalCount: Int
    /// This page's check runs.
    var checkRuns: [CheckRun]

    private enum CodingKeys: String, CodingKey {
        case totalCount = "total_count"
        case checkRuns = "check_runs"
    }
}
