/// A directed graph of nodes and the nodes each depends on, with the algorithms choo plans by:
/// cycles, levels, a deterministic topological order and the longest weighted chain.
///
/// Edges to nodes outside the graph are ignored (they are satisfied elsewhere or reported by
/// validation). Node order (`Comparable`) is the tie-break everywhere, so results are stable.
public struct DependencyGraph<Node: Hashable & Comparable & Sendable>: Sendable {
    /// The nodes, sorted.
    public let nodes: [Node]
    private let index: [Node: Int]
    /// For each node index, the indices of the nodes it depends on (sorted, unique).
    private let dependencies: [[Int]]
    /// For each node index, the indices of the nodes that depend on it (sorted, unique).
    private let dependents: [[Int]]

    /// Builds the graph from each node's dependencies.
    public init(dependencies: [Node: [Node]]) {
        let nodes = dependencies.keys.sorted()
        var index: [Node: Int] = [:]
        index.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() { index[node] = position }
        var forward = [[Int]](repeating: [], count: nodes.count)
        var backward = [[Int]](repeating: [], count: nodes.count)
        for (position, node) in nodes.enumerated() {
            let targets = Set((dependencies[node] ?? []).compactMap { index[$0] })
            forward[position] = targets.sorted()
            for target in targets { backward[target].append(position) }
        }
        self.nodes = nodes
        self.index = index
        self.dependencies = forward
        self.dependents = backward.map { $0.sorted() }
    }

    /// The in-graph dependencies of `node`, sorted.
    public func dependencies(of node: Node) -> [Node] {
        guard let position = index[node] else { return [] }
        return dependencies[position].map { nodes[$0] }
    }

    /// The in-graph nodes that depend on `node`, sorted.
    public func dependents(of node: Node) -> [Node] {
        guard let position = index[node] else { return [] }
        return dependents[position].map { nodes[$0] }
    }

    /// Every cycle, one per strongly connected component that has one, each as a closed path
    /// starting at its smallest node: `[a, b, a]`. A node depending on itself gives `[a, a]`.
    public func cycles() -> [[Node]] {
        var result: [[Node]] = []
        for component in stronglyConnectedComponents() {
            let members = Set(component)
            if component.count == 1, let only = component.first, !dependencies[only].contains(only) { continue }
            guard let start = component.min() else { continue }
            result.append(cyclePath(from: start, within: members).map { nodes[$0] })
        }
        return result.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Each node's level: 1 for nodes with no in-graph dependencies, else one more than the
    /// highest level among its dependencies. `nil` when the graph has a cycle.
    public func levels() -> [Node: Int]? {
        guard let order = topologicalIndices() else { return nil }
        var level = [Int](repeating: 1, count: nodes.count)
        for position in order {
            for dependency in dependencies[position] {
                level[position] = max(level[position], level[dependency] + 1)
            }
        }
        var result: [Node: Int] = [:]
        for (position, node) in nodes.enumerated() { result[node] = level[position] }
        return result
    }

    /// Nodes ordered by level, then by node order: every node comes after its dependencies.
    /// `nil` when the graph has a cycle.
    public func topologicalOrder() -> [Node]? {
        guard let levels = levels() else { return nil }
        return nodes.sorted { (levels[$0] ?? 0, $0) < (levels[$1] ?? 0, $1) }
    }

    /// For each node, the heaviest chain that starts at it and runs through its dependents:
    /// its own weight plus the heaviest chain of any dependent. `nil` when the graph has a cycle.
    public func downstreamWeights(_ weight: (Node) -> Int) -> [Node: Int]? {
        guard let order = topologicalIndices() else { return nil }
        var total = [Int](repeating: 0, count: nodes.count)
        for position in order.reversed() {
            let heaviest = dependents[position].map { total[$0] }.max() ?? 0
            total[position] = weight(nodes[position]) + heaviest
        }
        var result: [Node: Int] = [:]
        for (position, node) in nodes.enumerated() { result[node] = total[position] }
        return result
    }

    /// The heaviest chain of the graph, from a node with no dependencies to one with no dependents,
    /// and its total weight. Ties go to the smaller node. `nil` when the graph has a cycle.
    public func criticalPath(_ weight: (Node) -> Int) -> (path: [Node], weight: Int)? {
        guard let downstream = downstreamWeights(weight) else { return nil }
        let roots = nodes.filter { dependencies(of: $0).isEmpty }
        guard var current = roots.max(by: { Self.lighter($0, $1, downstream) }) else { return ([], 0) }
        var path = [current]
        while let next = dependents(of: current).max(by: { Self.lighter($0, $1, downstream) }) {
            path.append(next)
            current = next
        }
        return (path, downstream[path[0]] ?? 0)
    }

    /// Orders by weight, and on a tie prefers the smaller node (it sorts as "heavier").
    private static func lighter(_ lhs: Node, _ rhs: Node, _ weights: [Node: Int]) -> Bool {
        let (left, right) = (weights[lhs] ?? 0, weights[rhs] ?? 0)
        return left != right ? left < right : lhs > rhs
    }

    /// Node indices with every dependency before its dependents, or `nil` on a cycle (Kahn).
    private func topologicalIndices() -> [Int]? {
        var remaining = dependencies.map(\.count)
        var ready = remaining.indices.filter { remaining[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let position = ready.popLast() {
            order.append(position)
            for dependent in dependents[position] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.append(dependent) }
            }
        }
        return order.count == nodes.count ? order : nil
    }

    /// Tarjan's algorithm, iterative so deep chains cannot overflow the stack.
    private func stronglyConnectedComponents() -> [[Int]] {
        var indexOf = [Int](repeating: -1, count: nodes.count)
        var lowLink = [Int](repeating: 0, count: nodes.count)
        var onStack = [Bool](repeating: false, count: nodes.count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        for root in nodes.indices where indexOf[root] == -1 {
            var work: [(node: Int, next: Int)] = [(root, 0)]
            indexOf[root] = counter
            lowLink[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while let (node, next) = work.last {
                if next < dependencies[node].count {
                    work[work.count - 1].next += 1
                    let target = dependencies[node][next]
                    if indexOf[target] == -1 {
                        indexOf[target] = counter
                        lowLink[target] = counter
                        counter += 1
                        stack.append(target)
                        onStack[target] = true
                        work.append((target, 0))
                    } else if onStack[target] {
                        lowLink[node] = min(lowLink[node], indexOf[target])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                if lowLink[node] == indexOf[node] {
                    var component: [Int] = []
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }

    /// A shortest closed path from `start` back to itself using only `members` (breadth first).
    private func cyclePath(from start: Int, within members: Set<Int>) -> [Int] {
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for target in dependencies[node] where members.contains(target) {
                if target == start {
                    var path = [start]
                    var current = node
                    while current != start {
                        path.append(current)
                        current = previous[current] ?? start
                    }
                    // `path` runs backwards from start through the predecessors; turn it around.
                    return [start] + path.dropFirst().reversed() + [start]
                }
                if previous[target] == nil, target != start {
                    previous[target] = node
                    queue.append(target)
                }
            }
        }
        return [start, start]
    }
}
