import Testing

@testable import ChooCore

struct DependencyGraphTests {
    @Test("a chain has one node per level and is its own critical path")
    func chain() throws {
        let graph = DependencyGraph(dependencies: ["a": [], "b": ["a"], "c": ["b"]])
        #expect(graph.cycles().isEmpty)
        #expect(graph.levels() == ["a": 1, "b": 2, "c": 3])
        #expect(graph.topologicalOrder() == ["a", "b", "c"])
        let critical = try #require(graph.criticalPath { _ in 2 })
        #expect(critical.path == ["a", "b", "c"])
        #expect(critical.weight == 6)
    }

    @Test("a diamond has three levels; the heavier side is the critical path")
    func diamond() throws {
        let graph = DependencyGraph(dependencies: [
            "top": [], "left": ["top"], "right": ["top"], "bottom": ["left", "right"],
        ])
        #expect(graph.levels() == ["top": 1, "left": 2, "right": 2, "bottom": 3])
        #expect(graph.topologicalOrder() == ["top", "left", "right", "bottom"])
        let weights = ["top": 1, "left": 1, "right": 5, "bottom": 1]
        let critical = try #require(graph.criticalPath { weights[$0] ?? 0 })
        #expect(critical.path == ["top", "right", "bottom"])
        #expect(critical.weight == 7)
        #expect(graph.downstreamWeights { weights[$0] ?? 0 }?["left"] == 2)
    }

    @Test("independent nodes share level 1, in name order; ties in weight go to the first name")
    func independent() throws {
        let graph = DependencyGraph(dependencies: ["c": [], "a": [], "b": []])
        #expect(graph.levels() == ["a": 1, "b": 1, "c": 1])
        #expect(graph.topologicalOrder() == ["a", "b", "c"])
        #expect(graph.criticalPath { _ in 1 }?.path == ["a"])
    }

    @Test("edges to nodes outside the graph are ignored")
    func outsideEdges() {
        let graph = DependencyGraph(dependencies: ["a": ["done-elsewhere"], "b": ["a"]])
        #expect(graph.levels() == ["a": 1, "b": 2])
        #expect(graph.dependencies(of: "a").isEmpty)
    }

    @Test("cycles are found and printed from their smallest node")
    func cycles() {
        let graph = DependencyGraph(dependencies: [
            "a": ["b"], "b": ["a"], "c": ["d"], "d": ["e"], "e": ["c"], "f": ["f"], "g": ["a"],
        ])
        #expect(graph.cycles() == [["a", "b", "a"], ["c", "d", "e", "c"], ["f", "f"]])
        #expect(graph.levels() == nil)
        #expect(graph.topologicalOrder() == nil)
        #expect(graph.criticalPath { _ in 1 } == nil)
    }

    @Test("a cycle inside a larger tangle is reported as one real closed path")
    func tangledCycle() throws {
        let graph = DependencyGraph(dependencies: [1: [2, 3], 2: [3], 3: [1, 4], 4: [2]])
        let cycle = try #require(graph.cycles().first)
        #expect(graph.cycles().count == 1)
        #expect(cycle.first == 1)
        #expect(cycle.last == 1)
        for (from, to) in zip(cycle, cycle.dropFirst()) {
            #expect(graph.dependencies(of: from).contains(to), "\(from) -> \(to) is not an edge")
        }
    }

    @Test("a chain of 100,000 nodes does not overflow the stack")
    func deepChain() {
        var dependencies: [Int: [Int]] = [0: []]
        for node in 1 ..< 100_000 { dependencies[node] = [node - 1] }
        let graph = DependencyGraph(dependencies: dependencies)
        #expect(graph.cycles().isEmpty)
        #expect(graph.levels()?[99_999] == 100_000)
    }
}
