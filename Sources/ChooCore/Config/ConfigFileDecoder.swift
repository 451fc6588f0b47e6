import Foundation
import Yams

/// Walks the composed YAML of `.choo.yaml`, applying each setting it understands and collecting every problem.
///
/// Strings are read as written (a plain `no` stays the string "no"); only boolean settings read `yes`/`no`. Each
/// diagnostic carries the line of the key or value it is about. A bad value leaves the setting at its default.
struct ConfigFileDecoder {
    /// One `key: value` pair of a mapping, with the key path it stands for.
    struct Entry {
        /// The key as written.
        var key: String
        /// The full key path, e.g. `worktree.setup[0].command`.
        var path: String
        /// The key's 1-based line.
        var line: Int?
        /// The value.
        var value: Node

        /// The line of a scalar value; for a list or mapping value, the key's line.
        var valueLine: Int? {
            guard case .scalar = value else { return line }
            return value.mark?.line ?? line
        }
    }

    /// The settings so far.
    var config: ChooConfig
    /// The problems so far.
    var diagnostics: [Diagnostic] = []
    /// The key paths written in the file, with their lines.
    var presentKeyLines: [String: Int] = [:]
    /// The key paths the file set successfully, with the line of each.
    var sources: [String: ConfigSource] = [:]
    /// Whether keys are being read inside a list entry or a provider entry, which are not recorded one by one.
    private var insideEntry = false

    /// The keys each section accepts; used for unknown-key warnings and their suggestions.
    static let sectionKeys: [String: [String]] = [
        "": [
            "target_branch", "parallelism", "github", "worktree", "claude", "baseline_checks", "merge", "review",
            "log_level", "provider", "code_review", "feature", "backpressure_timeout", "max_attempts",
            "agent_timeout", "agent_idle_timeout", "shutdown_timeout", "verify", "agent_tool_timeout", "budget",
            "limits", "prices", "notify", "unit_niceness",
        ],
        "verify": ["agent_may_edit_specs", "conflict_markers"],
        "github": ["owner", "repo", "api_url", "delete_branch", "ci", "ci_grace", "bots"],
        "worktree": ["base_path", "setup", "teardown", "keep", "reuse", "keep_ignored"],
        "conditional command": ["command", "if"],
        "claude": ["command", "max_turns"],
        "baseline check": ["name", "command", "pattern"],
        "webhook": ["url", "events", "format", "timeout"],
        "merge": ["max_conflict_retries", "strategy", "mode", "method"],
        "review": ["timeout", "poll_interval"],
        "provider": ["type", "command", "providers", "resume"],
        "provider entry": ["command", "args", "stdin_args", "format", "model", "resume_args"],
        "budget": ["max_cost_usd", "max_tokens", "per_unit"],
        "budget.per_unit": ["max_cost_usd", "max_tokens"],
        "limits": ["default_wait", "max_wait", "jitter"],
        "price entry": ["input", "output", "cache_read", "cache_write"],
        "code_review": ["enabled", "provider", "max_fix_iterations", "verbose", "command"],
        "feature": ["prd_dir", "specs_dir", "branch_prefix"],
    ]

    /// Creates a decoder that starts from `config`.
    init(config: ChooConfig = .defaults) {
        self.config = config
    }

    // MARK: - Top level

    /// Applies the document `root` (the whole file).
    mutating func decode(root: Node) {
        if isNull(root) { return }
        guard case .mapping(let mapping) = root else {
            report(
                .error,
                .configType,
                "the top level of \(ConfigLoader.fileName) must be a mapping of settings, not \(describe(root))",
                hint: "write one `key: value` per line, e.g. `parallelism: 4`",
                line: root.mark?.line
            )
            return
        }
        for entry in entries(of: mapping, at: "") {
            decodeTopLevel(entry)
        }
    }

    private mutating func decodeTopLevel(_ entry: Entry) {
        switch entry.key {
        case "target_branch":
            if let value = string(entry) {
                config.targetBranch = value.isEmpty ? nil : value
                applied(entry)
            }
        case "parallelism": set(\.parallelism, int(entry, minimum: 1), entry)
        case "github": section(entry) { $0.decodeGitHub($1) }
        case "worktree": section(entry) { $0.decodeWorktree($1) }
        case "claude": section(entry) { $0.decodeClaude($1) }
        case "baseline_checks": set(\.baselineChecks, baselineChecks(entry), entry)
        case "merge": section(entry) { $0.decodeMerge($1) }
        case "review": section(entry) { $0.decodeReview($1) }
        case "log_level": set(\.logLevel, choice(entry, ChooConfig.LogLevel.self), entry)
        case "provider": section(entry) { $0.decodeProvider($1) }
        case "code_review": section(entry) { $0.decodeCodeReview($1) }
        case "feature": section(entry) { $0.decodeFeature($1) }
        case "backpressure_timeout": set(\.backpressureTimeout, duration(entry), entry)
        case "max_attempts": set(\.maxAttempts, int(entry, minimum: 1), entry)
        case "agent_timeout": set(\.agentTimeout, duration(entry), entry)
        case "agent_idle_timeout": set(\.agentIdleTimeout, duration(entry), entry)
        case "shutdown_timeout": set(\.shutdownTimeout, duration(entry, allowZero: true), entry)
        case "verify": section(entry) { $0.decodeVerify($1) }
        case "agent_tool_timeout": set(\.agentToolTimeout, duration(entry), entry)
        case "budget": section(entry) { $0.decodeBudget($1) }
        case "limits": section(entry) { $0.decodeLimits($1) }
        case "prices": set(\.prices, prices(entry), entry)
        case "notify": set(\.notify, webhooks(entry), entry)
        case "unit_niceness": set(\.unitNiceness, int(entry, minimum: 0, maximum: 19), entry)
        default: unknownKey(entry, section: "")
        }
    }

    // MARK: - Sections

    private mutating func decodeGitHub(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "owner": set(\.github.owner, string(entry, nonEmpty: true), entry)
            case "repo": set(\.github.repo, string(entry, nonEmpty: true), entry)
            case "api_url": set(\.github.apiURL, url(entry), entry)
            case "delete_branch": set(\.github.deleteBranch, bool(entry), entry)
            case "ci": set(\.github.ci, choice(entry, ChooConfig.CIExpectation.self), entry)
            case "ci_grace": set(\.github.ciGrace, duration(entry, allowZero: true), entry)
            case "bots":
                record(entry)
                set(\.github.bots, stringList(entry), entry)
            default: unknownKey(entry, section: "github")
            }
        }
    }

    private mutating func decodeVerify(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "agent_may_edit_specs": set(\.verify.agentMayEditSpecs, bool(entry), entry)
            case "conflict_markers":
                if case .sequence = entry.value {
                    record(entry)
                    set(\.verify.conflictMarkers, stringList(entry).map { .paths($0) }, entry)
                } else {
                    set(\.verify.conflictMarkers, bool(entry).map { $0 ? .everywhere : .off }, entry)
                }
            default: unknownKey(entry, section: "verify")
            }
        }
    }

    private mutating func decodeWorktree(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "base_path": set(\.worktree.basePath, string(entry, nonEmpty: true), entry)
            case "setup": set(\.worktree.setup, conditionalCommands(entry), entry)
            case "teardown": set(\.worktree.teardown, conditionalCommands(entry), entry)
            case "keep": set(\.worktree.keep, bool(entry), entry)
            case "reuse": set(\.worktree.reuse, bool(entry), entry)
            case "keep_ignored": set(\.worktree.keepIgnored, bool(entry), entry)
            default: unknownKey(entry, section: "worktree")
            }
        }
    }

    private mutating func decodeClaude(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "command": set(\.claude.command, string(entry, nonEmpty: true), entry)
            case "max_turns": set(\.claude.maxTurns, int(entry, minimum: 0), entry)
            default: unknownKey(entry, section: "claude")
            }
        }
    }

    private mutating func decodeMerge(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "max_conflict_retries": set(\.merge.maxConflictRetries, int(entry, minimum: 1), entry)
            case "strategy": set(\.merge.strategy, choice(entry, ChooConfig.MergeStrategy.self), entry)
            case "mode": set(\.merge.mode, choice(entry, ChooConfig.MergeMode.self), entry)
            case "method": set(\.merge.method, choice(entry, ChooConfig.MergeMethod.self), entry)
            default: unknownKey(entry, section: "merge")
            }
        }
    }

    private mutating func decodeReview(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "timeout": set(\.review.timeout, duration(entry), entry)
            case "poll_interval": set(\.review.pollInterval, duration(entry), entry)
            default: unknownKey(entry, section: "review")
            }
        }
    }

    private mutating func decodeProvider(_ entries: [Entry]) {
        var typeEntry: (entry: Entry, name: String)?
        for entry in entries {
            switch entry.key {
            case "type":
                if let name = string(entry) {
                    config.provider.type = name.isEmpty ? nil : name
                    applied(entry)
                    if !name.isEmpty { typeEntry = (entry, name) }
                }
            case "command":
                if let command = string(entry) {
                    config.provider.command = command.isEmpty ? nil : command
                    applied(entry)
                }
            case "providers": set(\.provider.providers, providerCommands(entry), entry)
            case "resume": set(\.provider.resumeSessions, bool(entry), entry)
            default: unknownKey(entry, section: "provider")
            }
        }
        // Checked after the whole section, since `providers` may come after `type`.
        if let typeEntry, !config.knownProviders.contains(typeEntry.name) {
            config.provider.type = nil
            sources[typeEntry.entry.path] = nil
            report(
                .error,
                .configValue,
                "`provider.type` names unknown provider `\(typeEntry.name)`",
                hint: ConfigLoader.knownProvidersHint(config.knownProviders, unknown: typeEntry.name),
                line: typeEntry.entry.valueLine
            )
        }
    }

    private mutating func decodeCodeReview(_ entries: [Entry]) {
        var providerEntry: Entry?
        for entry in entries {
            switch entry.key {
            case "enabled": set(\.codeReview.enabled, bool(entry), entry)
            case "provider":
                // Checked after the section: like the Go tool, a bad provider only matters when review is enabled.
                if !isNull(entry.value) {
                    record(entry)
                    providerEntry = entry
                }
            case "max_fix_iterations": set(\.codeReview.maxFixIterations, int(entry, minimum: 0), entry)
            case "verbose": set(\.codeReview.verbose, bool(entry), entry)
            case "command":
                if let command = string(entry) {
                    config.codeReview.command = command.isEmpty ? nil : command
                    applied(entry)
                }
            default: unknownKey(entry, section: "code_review")
            }
        }
        guard let entry = providerEntry else { return }
        let severity: Diagnostic.Severity = config.codeReview.enabled ? .error : .warning
        let note = config.codeReview.enabled ? "" : " (ignored while `code_review.enabled` is false)"
        set(\.codeReview.provider, choice(entry, ChooConfig.ReviewProvider.self, severity: severity, note: note), entry)
    }

    private mutating func decodeFeature(_ entries: [Entry]) {
        for entry in entries {
            switch entry.key {
            case "prd_dir": set(\.feature.prdDir, string(entry, nonEmpty: true), entry)
            case "specs_dir": set(\.feature.specsDir, string(entry, nonEmpty: true), entry)
            case "branch_prefix": set(\.feature.branchPrefix, string(entry), entry)
            default: unknownKey(entry, section: "feature")
            }
        }
    }

    /// `budget`, or its `per_unit` section when `perUnit`: the same caps, for the run or for each unit.
    private mutating func decodeBudget(_ entries: [Entry], perUnit: Bool = false) {
        let cost: WritableKeyPath<ChooConfig, Double?> = perUnit ? \.budget.unitMaxCostUSD : \.budget.maxCostUSD
        let tokens: WritableKeyPath<ChooConfig, Int?> = perUnit ? \.budget.unitMaxTokens : \.budget.maxTokens
        for entry in entries {
            switch entry.key {
            case "max_cost_usd":
                let example = perUnit ? "5" : "20"
                set(
                    cost,
                    number(entry, allowZero: false, unit: "US dollars", example: example).map { .some($0) },
                    entry
                )
            case "max_tokens": set(tokens, int(entry, minimum: 1).map { .some($0) }, entry)
            case "per_unit" where !perUnit: section(entry) { $0.decodeBudget($1, perUnit: true) }
            default: unknownKey(entry, section: perUnit ? "budget.per_unit" : "budget")
            }
        }
    }

    private mutating func decodeLimits(_ entries: [Entry]) {
        // The text of each wait the file set successfully, for the check across keys below.
        var written: [String: (text: String, line: Int?)] = [:]
        for entry in entries {
            let value: Duration?
            switch entry.key {
            case "default_wait":
                value = duration(entry)
                set(\.limits.defaultWait, value, entry)
            case "max_wait":
                value = duration(entry)
                set(\.limits.maxWait, value, entry)
            case "jitter":
                value = duration(entry, allowZero: true)
                set(\.limits.jitter, value, entry)
            default:
                unknownKey(entry, section: "limits")
                continue
            }
            if value != nil, case .scalar(let scalar) = entry.value {
                written[entry.key] = (scalar.string, entry.valueLine)
            }
        }
        // Checked after the whole section, since either key may come first or be left at its default.
        let defaults = ChooConfig.LimitSettings()
        guard config.limits.maxWait < config.limits.defaultWait else { return }
        let maxWait = written["max_wait"].map { "`\($0.text)`" } ?? "its default of `12h`"
        let defaultWait = written["default_wait"].map { "`\($0.text)`" } ?? "its default of `30m`"
        report(
            .error,
            .configValue,
            "`limits.max_wait` (\(maxWait)) is shorter than `limits.default_wait` (\(defaultWait))",
            hint: "a limit without a reset time waits `default_wait`, which must fit in `max_wait`; "
                + "raise `limits.max_wait` or lower `limits.default_wait`",
            line: (written["max_wait"] ?? written["default_wait"])?.line
        )
        config.limits.defaultWait = defaults.defaultWait
        config.limits.maxWait = defaults.maxWait
        sources["limits.default_wait"] = nil
        sources["limits.max_wait"] = nil
    }

    // MARK: - Lists and maps

    /// The items of the list `entry`, each with its path and its fields (`what` names the list and
    /// `item` one of its items in messages); `nil` when the value is not a list. Items that are not
    /// mappings are reported and left out. Leaves `insideEntry` set (when it returns a list).
    private mutating func listEntries(
        _ entry: Entry,
        of what: String,
        item: String,
        hint: String
    ) -> [(path: String, node: Node, fields: [Entry])]? {
        guard let nodes = list(entry, of: what, hint: hint) else { return nil }
        // The items' keys are not recorded one by one; the caller ends this when it has read them.
        insideEntry = true
        var items: [(path: String, node: Node, fields: [Entry])] = []
        for (index, node) in nodes.enumerated() {
            let path = "\(entry.path)[\(index)]"
            guard let fields = listItemFields(node, path: path, what: item, hint: hint) else { continue }
            items.append((path, node, fields))
        }
        return items
    }

    private mutating func conditionalCommands(_ entry: Entry) -> [ChooConfig.ConditionalCommand]? {
        let hint = "write entries like `- command: npm install` with an optional `if: package.json` below it"
        guard let items = listEntries(entry, of: "commands", item: "a command", hint: hint) else { return nil }
        defer { insideEntry = false }
        var commands: [ChooConfig.ConditionalCommand] = []
        for (path, item, fields) in items {
            var command: String?
            var condition: String?
            for field in fields {
                switch field.key {
                case "command": command = string(field, nonEmpty: true)
                case "if":
                    if let value = string(field) { condition = value.isEmpty ? nil : value }
                default: unknownKey(field, section: "conditional command")
                }
            }
            if !fields.contains(where: { $0.key == "command" }) {
                missingField("command", in: path, line: item.mark?.line, hint: hint)
            }
            if let command { commands.append(ChooConfig.ConditionalCommand(command: command, condition: condition)) }
        }
        return commands
    }

    private mutating func baselineChecks(_ entry: Entry) -> [ChooConfig.BaselineCheck]? {
        let hint = "write entries like `- name: lint` with `command: make lint` and an optional `pattern: \"*.go\"`"
        guard let items = listEntries(entry, of: "checks", item: "a check", hint: hint) else { return nil }
        defer { insideEntry = false }
        var checks: [ChooConfig.BaselineCheck] = []
        for (path, item, fields) in items {
            var name: String?
            var command: String?
            var pattern: String?
            for field in fields {
                switch field.key {
                case "name": name = string(field, nonEmpty: true)
                case "command": command = string(field, nonEmpty: true)
                case "pattern":
                    if let value = string(field) { pattern = value.isEmpty ? nil : value }
                default: unknownKey(field, section: "baseline check")
                }
            }
            for required in ["name", "command"] where !fields.contains(where: { $0.key == required }) {
                missingField(required, in: path, line: item.mark?.line, hint: hint)
            }
            if let name, let command {
                checks.append(ChooConfig.BaselineCheck(name: name, command: command, pattern: pattern))
            }
        }
        return checks
    }

    private mutating func webhooks(_ entry: Entry) -> [ChooConfig.Webhook]? {
        let hint =
            "write entries like `- url: https://hooks.example.com/...` with optional `events: [unit.failed]`, "
            + "`format: slack` (or `json`) and `timeout: 10s`"
        guard let items = listEntries(entry, of: "webhooks", item: "a webhook", hint: hint) else { return nil }
        defer { insideEntry = false }
        var hooks: [ChooConfig.Webhook] = []
        for (path, item, fields) in items {
            var url: URL?
            var hook = ChooConfig.Webhook(url: URL(fileURLWithPath: "/"))
            var valid = true
            for field in fields {
                switch field.key {
                case "url":
                    url = webhookURL(field)
                    if url == nil { valid = false }
                case "events":
                    if let events = eventTypes(field) { hook.events = events } else { valid = false }
                case "format":
                    if let format = choice(field, ChooConfig.Webhook.Format.self) {
                        hook.format = format
                    } else {
                        valid = false
                    }
                case "timeout":
                    if let timeout = duration(field) { hook.timeout = timeout } else { valid = false }
                default: unknownKey(field, section: "webhook")
                }
            }
            if !fields.contains(where: { $0.key == "url" }) {
                missingField("url", in: path, line: item.mark?.line, hint: hint)
            }
            if valid, let url {
                hook.url = url
                hooks.append(hook)
            }
        }
        return hooks
    }

    /// A webhook URL: http(s) with a host. The value is a secret, so a message never quotes it.
    private mutating func webhookURL(_ entry: Entry) -> URL? {
        guard let text = string(entry, nonEmpty: true) else { return nil }
        guard let url = Self.httpURL(text) else {
            report(
                .error,
                .configValue,
                "`\(entry.path)` is not an http(s) URL (the value is not shown: webhook URLs carry secrets)",
                hint: "write the hook's whole URL, e.g. `https://hooks.slack.com/services/...`",
                line: entry.valueLine
            )
            return nil
        }
        return url
    }

    /// A list of event type strings, each one choo publishes.
    private mutating func eventTypes(_ entry: Entry) -> [EventType]? {
        guard let names = stringList(entry) else { return nil }
        var types: [EventType] = []
        let known = EventType.allCases.map(\.rawValue)
        for name in names {
            guard let type = EventType(rawValue: name) else {
                report(
                    .error,
                    .configValue,
                    "`\(entry.path)` names unknown event type `\(name)`",
                    hint: Suggestion.closest(to: name, among: known).map { "did you mean `\($0)`?" }
                        ?? "use the types `choo run --json` prints, e.g. `unit.failed`, `orch.completed`, `agent.limit`",
                    line: entry.valueLine
                )
                return nil
            }
            types.append(type)
        }
        return types
    }

    private mutating func providerCommands(_ entry: Entry) -> [String: ChooConfig.ProviderCommand]? {
        if isNull(entry.value) { return nil }
        guard case .mapping(let mapping) = entry.value else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a mapping from provider name to settings, not \(describe(entry.value))",
                hint: "write e.g. `gemini:` with `command: gemini` and `args: [\"-p\", \"{prompt}\"]` below it",
                line: entry.line
            )
            return nil
        }
        record(entry)
        insideEntry = true
        defer { insideEntry = false }
        var providers: [String: ChooConfig.ProviderCommand] = [:]
        for named in entries(of: mapping, at: entry.path) {
            let builtIn = ChooConfig.builtInProviders.contains(named.key)
            var settings = ChooConfig.ProviderCommand()
            var valid = true
            if case .mapping(let fieldMapping) = named.value {
                for field in entries(of: fieldMapping, at: named.path) {
                    switch field.key {
                    case "command":
                        if let command = string(field) { settings.command = command.isEmpty ? nil : command }
                    case "args":
                        if let args = stringList(field) { settings.args = args } else { valid = false }
                    case "stdin_args":
                        if isNull(field.value) { break }
                        guard let args = stringList(field) else {
                            valid = false
                            break
                        }
                        if args.contains(where: { $0.contains(AgentProvider.promptPlaceholder) }) {
                            valid = false
                            report(
                                .error,
                                .configValue,
                                "`\(field.path)` holds `\(AgentProvider.promptPlaceholder)`, but these arguments are "
                                    + "used when the prompt goes on standard input",
                                hint: "drop the `\(AgentProvider.promptPlaceholder)` argument from `\(field.path)`",
                                line: field.line
                            )
                        }
                        settings.stdinArgs = args
                    case "format":
                        if isNull(field.value) { break }
                        guard let format = choice(field, AgentOutputFormat.self) else {
                            valid = false
                            break
                        }
                        settings.format = format
                    case "model":
                        if isNull(field.value) { break }
                        guard let model = string(field, nonEmpty: true) else {
                            valid = false
                            break
                        }
                        settings.model = model
                    case "resume_args":
                        if isNull(field.value) { break }
                        guard let args = resumeArguments(field) else {
                            valid = false
                            break
                        }
                        settings.resumeArgs = args
                    default: unknownKey(field, section: "provider entry")
                    }
                }
            } else if !isNull(named.value) {
                report(
                    .error,
                    .configType,
                    "`\(named.path)` must be a mapping with `command` and `args`, not \(describe(named.value))",
                    hint: "write `command: \(named.key)` below `\(named.key):`",
                    line: named.line
                )
                continue
            }
            if !builtIn && settings.command == nil {
                valid = false
                report(
                    .error,
                    .configValue,
                    "provider `\(named.key)` in `\(entry.path)` has no `command`",
                    hint: "only `claude` and `codex` have built-in commands; add `command:` under `\(named.path)`",
                    line: named.line
                )
            }
            if valid { providers[named.key] = settings }
        }
        return providers
    }

    /// `resume_args`: a list of strings holding `{session}`, which stands for the conversation to continue.
    private mutating func resumeArguments(_ field: Entry) -> [String]? {
        guard let args = stringList(field) else { return nil }
        let placeholder = ChooConfig.ProviderCommand.sessionPlaceholder
        guard args.contains(where: { $0.contains(placeholder) }) else {
            report(
                .error,
                .configValue,
                "`\(field.path)` has no `\(placeholder)` argument, so it cannot name the conversation to continue",
                hint: "put `\(placeholder)` where the session id goes, e.g. "
                    + "`resume_args: [\"--resume\", \"\(placeholder)\", \"-p\", \"{prompt}\"]`",
                line: field.line
            )
            return nil
        }
        return args
    }

    /// The field of a `prices` entry that `key` sets, or `nil` for an unknown key.
    private static func priceField(_ key: String) -> WritableKeyPath<ChooConfig.ModelPrice, Double?>? {
        switch key {
        case "input": \.input
        case "output": \.output
        case "cache_read": \.cacheRead
        case "cache_write": \.cacheWrite
        default: nil
        }
    }

    private mutating func prices(_ entry: Entry) -> [String: ChooConfig.ModelPrice]? {
        if isNull(entry.value) { return nil }
        let hint =
            "write e.g. `claude-opus-4-5:` with `input: 5` and `output: 25` below it, "
            + "in US dollars per million tokens"
        guard case .mapping(let mapping) = entry.value else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a mapping from model id (or provider name) to prices, not "
                    + describe(entry.value),
                hint: hint,
                line: entry.line
            )
            return nil
        }
        record(entry)
        insideEntry = true
        defer { insideEntry = false }
        let kinds = ["input", "output", "cache_read", "cache_write"].map { "`\($0)`" }.joined(separator: ", ")
        var prices: [String: ChooConfig.ModelPrice] = [:]
        for named in entries(of: mapping, at: entry.path) {
            var price = ChooConfig.ModelPrice()
            var valid = true
            if case .mapping(let fieldMapping) = named.value {
                for field in entries(of: fieldMapping, at: named.path) {
                    guard let keyPath = Self.priceField(field.key) else {
                        unknownKey(field, section: "price entry")
                        continue
                    }
                    if isNull(field.value) { continue }
                    guard
                        let value = number(field, allowZero: true, unit: "US dollars per million tokens", example: "3")
                    else {
                        valid = false
                        continue
                    }
                    price[keyPath: keyPath] = value
                }
            } else if !isNull(named.value) {
                report(
                    .error,
                    .configType,
                    "`\(named.path)` must be a mapping of prices, not \(describe(named.value))",
                    hint: hint,
                    line: named.line
                )
                continue
            }
            guard valid else { continue }
            guard price != ChooConfig.ModelPrice() else {
                report(
                    .error,
                    .configValue,
                    "`\(named.path)` gives no price",
                    hint: "give at least one of \(kinds) below `\(named.key):`, in US dollars per million tokens",
                    line: named.line
                )
                continue
            }
            prices[named.key] = price
        }
        return prices
    }

    private mutating func stringList(_ entry: Entry) -> [String]? {
        if isNull(entry.value) { return [] }
        guard case .sequence(let sequence) = entry.value else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a list of strings, not \(describe(entry.value))",
                hint: "write e.g. `args: [\"exec\", \"{prompt}\"]`",
                line: entry.line
            )
            return nil
        }
        var strings: [String] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item else {
                report(
                    .error,
                    .configType,
                    "`\(entry.path)[\(index)]` must be a string, not \(describe(item))",
                    hint: "each argument is one string; quote it if it contains `:` or `{`",
                    line: item.mark?.line ?? entry.line
                )
                return nil
            }
            strings.append(scalar.string)
        }
        return strings
    }

    /// The items of a list-valued entry; records the key as present.
    private mutating func list(_ entry: Entry, of what: String, hint: String) -> [Node]? {
        if isNull(entry.value) { return nil }
        guard case .sequence(let sequence) = entry.value else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a list of \(what), not \(describe(entry.value))",
                hint: hint,
                line: entry.line
            )
            return nil
        }
        record(entry)
        return Array(sequence)
    }

    private mutating func listItemFields(_ item: Node, path: String, what: String, hint: String) -> [Entry]? {
        guard case .mapping(let mapping) = item else {
            report(
                .error,
                .configType,
                "`\(path)` must be \(what) written as a mapping, not \(describe(item))",
                hint: hint,
                line: item.mark?.line
            )
            return nil
        }
        return entries(of: mapping, at: path)
    }

    private mutating func missingField(_ field: String, in path: String, line: Int?, hint: String) {
        report(.error, .configValue, "`\(path)` has no `\(field)`", hint: hint, line: line)
    }

    // MARK: - Leaves

    /// A string value (any scalar, as written), or `nil` when null or not a scalar.
    private mutating func string(_ entry: Entry, nonEmpty: Bool = false) -> String? {
        guard let text = scalarText(entry, expected: "a string", hint: "write the value as text; quote it if needed")
        else { return nil }
        if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty {
            report(
                .error,
                .configValue,
                "`\(entry.path)` must not be empty",
                hint: "give a value or remove the key to use the default",
                line: entry.valueLine
            )
            return nil
        }
        return text
    }

    private mutating func int(_ entry: Entry, minimum: Int, maximum: Int) -> Int? {
        guard let value = int(entry, minimum: minimum) else { return nil }
        guard value <= maximum else {
            report(
                .error,
                .configValue,
                "`\(entry.path)` must be \(maximum) or less, not \(value)",
                hint: "write a whole number from \(minimum) to \(maximum), e.g. `\(entry.key): \(maximum / 2)`",
                line: entry.valueLine
            )
            return nil
        }
        return value
    }

    private mutating func int(_ entry: Entry, minimum: Int) -> Int? {
        let hint = "write a whole number of \(minimum) or more, e.g. `\(entry.key): \(max(minimum, 1) * 4)`"
        guard let text = scalarText(entry, expected: "a whole number", hint: hint) else { return nil }
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard let value = Int(digits) else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a whole number, not `\(text)`",
                hint: hint,
                line: entry.valueLine
            )
            return nil
        }
        guard value >= minimum else {
            report(
                .error,
                .configValue,
                "`\(entry.path)` must be \(minimum) or more, not \(value)",
                hint: hint,
                line: entry.valueLine
            )
            return nil
        }
        return value
    }

    /// A finite decimal number, 0 or more (`allowZero`) or more than 0.
    private mutating func number(_ entry: Entry, allowZero: Bool, unit: String, example: String) -> Double? {
        let bound = allowZero ? "0 or more" : "more than 0"
        let hint = "write a number of \(unit), \(bound), e.g. `\(entry.key): \(example)`"
        guard let text = scalarText(entry, expected: "a number", hint: hint) else { return nil }
        let decimal = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard decimal.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Double(decimal), value.isFinite
        else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a number, not `\(text)`",
                hint: hint,
                line: entry.valueLine
            )
            return nil
        }
        guard value > 0 || (allowZero && value == 0) else {
            report(
                .error,
                .configValue,
                "`\(entry.path)` must be \(bound), not \(text)",
                hint: hint,
                line: entry.valueLine
            )
            return nil
        }
        return value
    }

    private mutating func bool(_ entry: Entry) -> Bool? {
        let hint = "write `true` or `false` (`yes`/`no` and `on`/`off` also work)"
        guard let text = scalarText(entry, expected: "true or false", hint: hint) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(
                .error,
                .configType,
                "`\(entry.path)` must be true or false, not `\(text)`",
                hint: hint,
                line: entry.valueLine
            )
            return nil
        }
    }

    private mutating func duration(_ entry: Entry, allowZero: Bool = false) -> Duration? {
        let hint = "write a Go-style duration such as `30s`, `5m`, `2h` or `1h30m` (units: ns, us, ms, s, m, h)"
        guard let text = scalarText(entry, expected: "a duration", hint: hint) else { return nil }
        do {
            let value = try GoDuration.parse(text)
            if value == .zero && !allowZero {
                report(
                    .error,
                    .configValue,
                    "`\(entry.path)` must be longer than 0",
                    hint: hint,
                    line: entry.valueLine
                )
                return nil
            }
            return value
        } catch {
            var specific = hint
            if error.reason == .missingUnit, text.allSatisfy(\.isNumber) {
                specific = "add a unit, e.g. `\(text)s` or `\(text)m`"
            }
            report(
                .error,
                .configValue,
                "`\(entry.path)` is not a valid duration: `\(text)` (\(error))",
                hint: specific,
                line: entry.valueLine
            )
            return nil
        }
    }

    /// `text` as an http(s) URL with a host; `nil` when it is not one.
    private static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else { return nil }
        return url
    }

    private mutating func url(_ entry: Entry) -> URL?? {
        guard let text = string(entry) else { return nil }
        if text.isEmpty { return .some(nil) }
        guard let url = Self.httpURL(text) else {
            report(
                .error,
                .configValue,
                "`\(entry.path)` is not an http(s) URL: `\(text)`",
                hint: "write the API root, e.g. `https://github.example.com/api/v3`",
                line: entry.valueLine
            )
            return nil
        }
        return .some(url)
    }

    private mutating func choice<Value>(
        _ entry: Entry,
        _ type: Value.Type,
        severity: Diagnostic.Severity = .error,
        note: String = ""
    ) -> Value? where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        let allowed = Value.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        guard let text = scalarText(entry, expected: "one of \(allowed)", hint: "use one of: \(allowed)") else {
            return nil
        }
        if let value = Value(rawValue: text) { return value }
        report(
            severity,
            .configValue,
            "`\(entry.path)` has unknown value `\(text)`\(note)",
            hint: Self.unknownValueHint(text, allowed: Value.allCases.map(\.rawValue)),
            line: entry.valueLine
        )
        return nil
    }

    /// The hint for `text`, which is none of the `allowed` values: a "did you mean" when one is close,
    /// and the values there are.
    static func unknownValueHint(_ text: String, allowed: [String]) -> String {
        let list = allowed.map { "`\($0)`" }.joined(separator: ", ")
        if allowed.contains(text.lowercased()) { return "values are lower case: did you mean `\(text.lowercased())`?" }
        guard let guess = Suggestion.closest(to: text, among: allowed) else { return "use one of: \(list)" }
        return "did you mean `\(guess)`? (use one of: \(list))"
    }

    /// The text of a scalar value; records the key as present. `nil` for null (not recorded) or a non-scalar.
    private mutating func scalarText(_ entry: Entry, expected: String, hint: String) -> String? {
        if isNull(entry.value) { return nil }
        record(entry)
        guard case .scalar(let scalar) = entry.value else {
            report(
                .error,
                .configType,
                "`\(entry.path)` must be \(expected), not \(describe(entry.value))",
                hint: hint,
                line: entry.line
            )
            return nil
        }
        return scalar.string
    }

    // MARK: - Bookkeeping

    /// Decodes a section's mapping with `body`; a null section is skipped, anything else is a type error.
    private mutating func section(_ entry: Entry, _ body: (inout ConfigFileDecoder, [Entry]) -> Void) {
        if isNull(entry.value) { return }
        guard case .mapping(let mapping) = entry.value else {
            let keys = (Self.sectionKeys[entry.path] ?? Self.sectionKeys[entry.key] ?? []).map { "`\($0)`" }.joined(
                separator: ", "
            )
            report(
                .error,
                .configType,
                "`\(entry.path)` must be a mapping of settings, not \(describe(entry.value))",
                hint: "put its settings on indented lines below `\(entry.key):`; it accepts \(keys)",
                line: entry.line
            )
            return
        }
        let fields = entries(of: mapping, at: entry.path)
        body(&self, fields)
    }

    /// Assigns a decoded value and records that the file set it.
    private mutating func set<Value>(_ keyPath: WritableKeyPath<ChooConfig, Value>, _ value: Value?, _ entry: Entry) {
        guard let value else { return }
        config[keyPath: keyPath] = value
        applied(entry)
    }

    private mutating func applied(_ entry: Entry) {
        if let line = entry.line { sources[entry.path] = .file(line: line) }
    }

    private mutating func record(_ entry: Entry) {
        guard !insideEntry else { return }
        presentKeyLines[entry.path] = entry.line ?? 0
    }

    private mutating func unknownKey(_ entry: Entry, section: String) {
        let known = Self.sectionKeys[section] ?? []
        let hint: String
        if let suggestion = Self.suggestion(for: entry.key, among: known, section: section) {
            hint = "did you mean `\(suggestion)`?"
        } else {
            hint = "known keys here: " + known.map { "`\($0)`" }.joined(separator: ", ")
        }
        report(.warning, .configUnknownKey, "unknown key `\(entry.path)`", hint: hint, line: entry.line)
    }

    private mutating func report(
        _ severity: Diagnostic.Severity,
        _ rule: Diagnostic.Rule,
        _ message: String,
        hint: String?,
        line: Int?
    ) {
        diagnostics.append(Diagnostic(severity, rule, message, hint: hint, file: ConfigLoader.fileName, line: line))
    }

    /// The pairs of a mapping, with `<<` merge keys expanded (explicit keys win) and non-text keys reported.
    private mutating func entries(of mapping: Node.Mapping, at path: String) -> [Entry] {
        var explicit: [Entry] = []
        var merged: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(
                    .error,
                    .configType,
                    "a key in `\(path.isEmpty ? ConfigLoader.fileName : path)` is \(describe(keyNode)), not a name",
                    hint: "keys are plain words such as `parallelism`",
                    line: keyNode.mark?.line
                )
                continue
            }
            if key.string == "<<" && key.style == .plain {
                let sources: [Node]
                switch value {
                case .sequence(let sequence): sources = Array(sequence)
                default: sources = [value]
                }
                for source in sources {
                    if case .mapping(let mergedMapping) = source {
                        merged += entries(of: mergedMapping, at: path)
                    } else {
                        report(
                            .error,
                            .configType,
                            "a `<<` merge key must name a mapping, not \(describe(source))",
                            hint: "merge an anchored mapping, e.g. `<<: *defaults`",
                            line: keyNode.mark?.line
                        )
                    }
                }
                continue
            }
            let fullPath = path.isEmpty ? key.string : "\(path).\(key.string)"
            explicit.append(Entry(key: key.string, path: fullPath, line: key.mark?.line, value: value))
        }
        var seen = Set(explicit.map(\.key))
        let inherited = merged.filter { seen.insert($0.key).inserted }
        return inherited + explicit
    }

    // MARK: - Helpers

    private func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "`\(scalar.string)`"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// A known key close to `key` (edit distance 2 or less), or the full path of a key with that name elsewhere.
    static func suggestion(for key: String, among known: [String], section: String) -> String? {
        let scored = known.map { ($0, Suggestion.editDistance(key, $0)) }.filter {
            $0.1 <= 2 && $0.1 < max(key.count, 2)
        }
        if let best = scored.min(by: { $0.1 < $1.1 }) {
            let prefix = section.isEmpty || section.contains(" ") ? "" : "\(section)."
            return prefix + best.0
        }
        guard section.isEmpty else { return nil }
        return ConfigLoader.knownKeys.first { $0.split(separator: ".").last.map(String.init) == key }
    }
}
