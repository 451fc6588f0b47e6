import Foundation
import Yams

/// When a repository's GitHub Actions workflows (`.github/workflows/*.yml`) run for a pull
/// request's head: those triggered `on: pull_request` into the target, or `on: push` of the head's
/// branch, by their `branches` and `branches-ignore` filters. A workflow limited by `paths` (or
/// pushed tags only) may not run for a given change, so it is not counted; neither is a file that
/// is not YAML or has no `on:`. The parse is deliberately simple: this only decides whether CI is
/// expected, never what it checks.
public struct WorkflowTriggers: Sendable, Hashable {
    /// One workflow file and what it runs on.
    public struct Workflow: Sendable, Hashable {
        /// The file, relative to the repository.
        public var path: String
        /// Its `pull_request` trigger, if any.
        public var pullRequest: Filter?
        /// Its `push` trigger, if any.
        public var push: Filter?
    }

    /// The branch filters of one trigger.
    public struct Filter: Sendable, Hashable {
        /// `branches` (patterns, `!` negates); `nil` for every branch.
        public var branches: [String]?
        /// `branches-ignore`.
        public var branchesIgnore: [String] = []
        /// Whether `paths`, `paths-ignore` or a tags-only push limits it, so it may not run.
        public var limited = false

        /// Whether it runs for `branch`.
        func runs(for branch: String) -> Bool {
            guard !limited else { return false }
            if branchesIgnore.contains(where: { WorkflowTriggers.glob($0, matches: branch) }) { return false }
            guard let branches else { return true }
            var included = false
            for pattern in branches {
                if pattern.hasPrefix("!") {
                    if WorkflowTriggers.glob(String(pattern.dropFirst()), matches: branch) { included = false }
                } else if WorkflowTriggers.glob(pattern, matches: branch) {
                    included = true
                }
            }
            return included
        }
    }

    /// The workflows read.
    public var workflows: [Workflow]

    /// Creates triggers from parsed workflows.
    public init(workflows: [Workflow] = []) {
        self.workflows = workflows
    }

    /// Reads the triggers of each workflow file (`path`, `text`).
    public static func parse(files: [(path: String, text: String)]) -> WorkflowTriggers {
        WorkflowTriggers(workflows: files.compactMap { parse(path: $0.path, text: $0.text) })
    }

    /// The workflow files that run for a pull request from `head` into `base`.
    public func running(head: String, base: String) -> [String] {
        workflows.filter { workflow in
            workflow.pullRequest?.runs(for: base) == true || workflow.push?.runs(for: head) == true
        }
        .map(\.path)
    }

    private static func parse(path: String, text: String) -> Workflow? {
        guard let root = try? Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8),
            case .mapping(let mapping) = root
        else { return nil }
        // `on` is a plain string to the basic resolver (YAML 1.1 would read it as `true`).
        guard let on = mapping.first(where: { $0.key.string == "on" || $0.key.string == "true" })?.value else {
            return nil
        }
        var workflow = Workflow(path: path)
        func add(_ event: String, _ filter: Filter) {
            switch event {
            case "pull_request": workflow.pullRequest = filter
            case "push": workflow.push = filter
            default: break
            }
        }
        switch on {
        case .scalar(let scalar): add(scalar.string, Filter())
        case .sequence(let events):
            for event in events { if let name = event.string { add(name, Filter()) } }
        case .mapping(let events):
            for (key, value) in events {
                guard let name = key.string else { continue }
                add(name, filter(value, push: name == "push"))
            }
        case .alias: return nil
        }
        return workflow.pullRequest == nil && workflow.push == nil ? nil : workflow
    }

    private static func filter(_ node: Node, push: Bool) -> Filter {
        guard case .mapping(let fields) = node else { return Filter() }
        var filter = Filter()
        func list(_ key: String) -> [String]? {
            guard let value = fields.first(where: { $0.key.string == key })?.value else { return nil }
            if let single = value.string { return [single] }
            return value.sequence?.compactMap(\.string)
        }
        filter.branches = list("branches")
        filter.branchesIgnore = list("branches-ignore") ?? []
        let tagsOnly =
            push && filter.branches == nil && filter.branchesIgnore.isEmpty
            && (list("tags") != nil || list("tags-ignore") != nil)
        filter.limited = list("paths") != nil || list("paths-ignore") != nil || tagsOnly
        return filter
    }

    /// GitHub's filter patterns: `*` within a path segment, `**` across them, `?`, `[...]`.
    static func glob(_ pattern: String, matches branch: String) -> Bool {
        if pattern.contains("**") {
            return fnmatch(pattern.replacingOccurrences(of: "**", with: "*"), branch, 0) == 0
        }
        return fnmatch(pattern, branch, FNM_PATHNAME) == 0
    }
}
