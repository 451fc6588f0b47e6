import Testing

@testable import ChooCore

struct YAMLPreScanTests {
    static let accepted: [String] = [
        "task: 1\nstatus: pending\nbackpressure: make && make test\ndepends_on: [1, 2]\n",
        "backpressure: ls *.md & echo [x] {y} ? z\n",
        "backpressure: 'it''s [ & * ? fine'\n# a comment with [[[[ and ? key\n",
        "backpressure: \"quoted \\\" [ { ? *x\"\n",
        "depends_on: &deps [a, b]\nother: *deps\n",
        "defaults: &d {command: x}\nmerged:\n  <<: *d\n",
        "[a, b]: complex key without anchors\n? explicit\n: key\n",
        "notes: |\n  ? not a key\n  [[[[[[\n  &anchor\ntask: 1\n",
        "url: [http://example.com:80/x, 'a:b']\n",
        "list:\n  - - - nested: fine\n",
        String(repeating: "[", count: YAMLPreScan.depthLimit) + String(repeating: "]", count: YAMLPreScan.depthLimit),
    ]

    @Test("ordinary YAML passes the scan", arguments: accepted)
    func accepts(_ yaml: String) {
        #expect(YAMLPreScan.check(yaml) == nil)
    }

    static let refused: [(String, YAMLPreScan.Problem)] = [
        ("x: " + String(repeating: "[", count: 100_000), .tooDeep(line: 1)),
        ("a: 1\nx: " + String(repeating: "{a: ", count: 300), .tooDeep(line: 2)),
        ("x:\n" + String(repeating: "- ", count: 300) + "a", .tooDeep(line: 2)),
        ("a: &a [x, x]\n? *a\n: y\n", .complexKeyWithAnchor(line: 2, anchorLine: 1)),
        ("a: &a [x, x]\n[*a, *a]: y\n", .complexKeyWithAnchor(line: 2, anchorLine: 1)),
        ("a: &a [x, x]\n*a : y\n", .complexKeyWithAnchor(line: 2, anchorLine: 1)),
        ("m: {[*a]: y}\na: &a [x]\n", .complexKeyWithAnchor(line: 1, anchorLine: 2)),
        ("a: &a [x, x]\n[*a,\n *a]: y\n", .complexKeyWithAnchor(line: 3, anchorLine: 1)),
    ]

    @Test("too deep nesting and aliased complex keys are refused with their line", arguments: refused)
    func refuses(_ yaml: String, _ problem: YAMLPreScan.Problem) {
        #expect(YAMLPreScan.check(yaml) == problem)
    }
}
