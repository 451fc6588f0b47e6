import Foundation
import Yams

/// Resolves choo's settings: defaults < `.choo.yaml` < environment < flags.
///
/// Every problem is collected as a `Diagnostic` instead of thrown, so a person sees all of them in one pass. The
/// environment is passed in, never read from the process, so callers (and tests) decide what it holds.
public enum ConfigLoader {
    /// The settings file's name, at the repository root.
    public static let fileName = ".choo.yaml"

    /// The key paths the code acts on today; other keys present in the file get a `configNotUsedYet` note.
    public static let usedKeys: Set<String> = [
        "target_branch", "parallelism", "log_level",
        "worktree.base_path", "worktree.setup", "worktree.teardown", "worktree.keep", "worktree.reuse",
        "worktree.keep_ignored",
        "merge.strategy", "merge.max_conflict_retries", "merge.mode", "merge.method",
        "github.owner", "github.repo", "github.api_url", "github.delete_branch",
        "github.ci", "github.ci_grace", "github.bots",
        "review.timeout", "review.poll_interval",
        "claude.command", "claude.max_turns",
        "baseline_checks",
        "provider.type", "provider.command", "provider.providers",
        "backpressure_timeout", "max_attempts", "agent_timeout", "agent_idle_timeout", "shutdown_timeout",
        "verify.agent_may_edit_specs", "verify.conflict_markers",
        // Acted on by the real-agent work of issue #12 (streaming, budgets, usage-limit pauses, resume).
        "agent_tool_timeout", "provider.resume", "prices",
        "budget.max_cost_usd", "budget.max_tokens", "budget.per_unit.max_cost_usd", "budget.per_unit.max_tokens",
        "limits.default_wait", "limits.max_wait", "limits.jitter",
        "notify", "unit_niceness",
    ]

    /// Every key path `.choo.yaml` accepts, at the granularity a person writes them (a section's leaves; lists and
    /// the `provider.providers` map count as one key each).
    public static let knownKeys: [String] = [
        "target_branch", "parallelism",
        "github.owner", "github.repo", "github.api_url", "github.delete_branch",
        "github.ci", "github.ci_grace", "github.bots",
        "worktree.base_path", "worktree.setup", "worktree.teardown", "worktree.keep", "worktree.reuse",
        "worktree.keep_ignored",
        "claude.command", "claude.max_turns",
        "baseline_checks",
        "merge.max_conflict_retries", "merge.strategy", "merge.mode", "merge.method",
        "review.timeout", "review.poll_interval",
        "log_level",
        "provider.type", "provider.command", "provider.providers", "provider.resume",
        "code_review.enabled", "code_review.provider", "code_review.max_fix_iterations", "code_review.verbose",
        "code_review.command",
        "feature.prd_dir", "feature.specs_dir", "feature.branch_prefix",
        "backpressure_timeout", "max_attempts", "agent_timeout", "agent_idle_timeout", "shutdown_timeout",
        "verify.agent_may_edit_specs", "verify.conflict_markers",
        "agent_tool_timeout",
        "budget.max_cost_usd", "budget.max_tokens", "budget.per_unit.max_cost_usd", "budget.per_unit.max_tokens",
        "limits.default_wait", "limits.max_wait", "limits.jitter",
        "prices",
        "notify", "unit_niceness",
    ]

    /// The environment variables choo reads (the Go tool's names), and the setting each one sets.
    public static let environmentVariables: [(name: String, keyPath: String)] = [
        ("RALPH_CLAUDE_CMD", "claude.command"),
        ("RALPH_CODEX_CMD", "provider.providers.codex.command"),
        ("RALPH_WORKTREE_BASE", "worktree.base_path"),
        ("RALPH_LOG_LEVEL", "log_level"),
        ("RALPH_PROVIDER", "the default provider"),
    ]

    /// Loads `.choo.yaml` from `repositoryRoot` (if present), applies `environment`, then `overrides`.
    ///
    /// A missing file means defaults. The result always holds a usable configuration; check
    /// `diagnostics.hasErrors` before acting on it.
    public static func load(
        repositoryRoot: URL,
        environment: [String: String],
        overrides: ConfigOverrides = .none
    ) -> ConfigLoad {
        var load = loadFile(at: repositoryRoot.appendingPathComponent(fileName))
        applyEnvironment(environment, to: &load)
        apply(overrides, to: &load)
        return load
    }

    /// Reads and decodes the settings file at `url`; a missing file gives the defaults.
    public static func loadFile(at url: URL) -> ConfigLoad {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return ConfigLoad(config: .defaults)
        }
        func unreadable(_ reason: String, hint: String? = nil) -> ConfigLoad {
            let diagnostic = Diagnostic(
                .error,
                .configUnreadable,
                "cannot read \(fileName): \(reason)",
                hint: hint
                    ?? "\(fileName) must be a UTF-8 text file at the repository root; remove it to use the defaults",
                file: fileName
            )
            return ConfigLoad(config: .defaults, diagnostics: [diagnostic])
        }
        if isDirectory.boolValue { return unreadable("it is a folder, not a file") }
        let text: String
        do {
            text = try FileSystem.readRegularText(url.path)
        } catch {
            return unreadable(error.reason, hint: error.hint)
        }
        return decode(yaml: text)
    }

    /// Decodes the text of a settings file on top of the defaults.
    public static func decode(yaml text: String) -> ConfigLoad {
        let yaml = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if let problem = YAMLPreScan.check(yaml) {
            let diagnostic = Diagnostic(
                .error,
                .configSyntax,
                "\(fileName) cannot be read: \(problem.message(offset: 0))",
                hint: problem.hint,
                file: fileName,
                line: problem.line(offset: 0)
            )
            return ConfigLoad(config: .defaults, diagnostics: [diagnostic])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch {
            return ConfigLoad(config: .defaults, diagnostics: [syntaxDiagnostic(error, yaml: yaml)])
        }
        var decoder = ConfigFileDecoder()
        if let root { decoder.decode(root: root) }
        return ConfigLoad(
            config: decoder.config,
            diagnostics: decoder.diagnostics,
            presentKeyLines: decoder.presentKeyLines,
            sources: decoder.sources
        )
    }

    // MARK: - Environment and flags

    /// Applies the Go tool's environment variables; empty ones are ignored.
    static func applyEnvironment(_ environment: [String: String], to load: inout ConfigLoad) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let command = value("RALPH_CLAUDE_CMD") {
            load.config.claude.command = command
            // Folded into the provider map too, so it also beats `provider.providers.claude.command` in the file.
            load.config.provider.providers["claude", default: ChooConfig.ProviderCommand()].command = command
            load.sources["claude.command"] = .environment("RALPH_CLAUDE_CMD")
        }
        if let command = value("RALPH_CODEX_CMD") {
            load.config.provider.providers["codex", default: ChooConfig.ProviderCommand()].command = command
            load.sources["provider.providers.codex.command"] = .environment("RALPH_CODEX_CMD")
        }
        if let path = value("RALPH_WORKTREE_BASE") {
            load.config.worktree.basePath = path
            load.sources["worktree.base_path"] = .environment("RALPH_WORKTREE_BASE")
        }
        if let text = value("RALPH_LOG_LEVEL") {
            if let level = logLevel(text, from: "RALPH_LOG_LEVEL", into: &load.diagnostics) {
                load.config.logLevel = level
                load.sources["log_level"] = .environment("RALPH_LOG_LEVEL")
            }
        }
        if let name = value("RALPH_PROVIDER") {
            if checkProvider(name, from: "RALPH_PROVIDER", known: load.config.knownProviders, into: &load.diagnostics) {
                load.config.environmentProvider = name
            }
        }
    }

    /// Applies flags; a bad value gives a diagnostic naming the flag.
    static func apply(_ overrides: ConfigOverrides, to load: inout ConfigLoad) {
        if let parallelism = overrides.parallelism {
            if parallelism >= 1 {
                load.config.parallelism = parallelism
                load.sources["parallelism"] = .flag("--parallelism")
            } else {
                load.diagnostics.append(
                    Diagnostic(
                        .error,
                        .configValue,
                        "--parallelism must be 1 or more, not \(parallelism)",
                        hint: "pass how many units may run at once, e.g. `--parallelism 4`"
                    )
                )
            }
        }
        if let text = overrides.logLevel {
            if let level = logLevel(text, from: "--log-level", into: &load.diagnostics) {
                load.config.logLevel = level
                load.sources["log_level"] = .flag("--log-level")
            }
        }
        if let branch = overrides.targetBranch {
            if branch.trimmingCharacters(in: .whitespaces).isEmpty {
                load.diagnostics.append(
                    Diagnostic(
                        .error,
                        .configValue,
                        "--target must not be empty",
                        hint: "name a branch, or leave the flag out to use the current branch"
                    )
                )
            } else {
                load.config.targetBranch = branch
                load.sources["target_branch"] = .flag("--target")
            }
        }
        if let mode = overrides.mergeMode {
            load.config.merge.mode = mode
            load.sources["merge.mode"] = .flag(mode == .github ? "--pr" : "--no-pr")
        }
        let known = load.config.knownProviders
        if let name = overrides.provider {
            if checkProvider(name, from: "--provider", known: known, into: &load.diagnostics) {
                load.config.flagProvider = name
            }
        }
        if let name = overrides.forceTaskProvider {
            if checkProvider(name, from: "--force-task-provider", known: known, into: &load.diagnostics) {
                load.config.forceTaskProvider = name
            }
        }
    }

    private static func logLevel(
        _ text: String,
        from origin: String,
        into diagnostics: inout [Diagnostic]
    ) -> ChooConfig.LogLevel? {
        if let level = ChooConfig.LogLevel(rawValue: text) { return level }
        let hint = ConfigFileDecoder.unknownValueHint(text, allowed: ChooConfig.LogLevel.allCases.map(\.rawValue))
        diagnostics.append(Diagnostic(.error, .configValue, "\(origin) has unknown log level `\(text)`", hint: hint))
        return nil
    }

    private static func checkProvider(
        _ name: String,
        from origin: String,
        known: Set<String>,
        into diagnostics: inout [Diagnostic]
    ) -> Bool {
        if known.contains(name) { return true }
        diagnostics.append(
            Diagnostic(
                .error,
                .configValue,
                "\(origin) names unknown provider `\(name)`",
                hint: knownProvidersHint(known, unknown: name)
            )
        )
        return false
    }

    /// The hint for an unknown provider name: a "did you mean", the known ones, and how to define a new one.
    static func knownProvidersHint(_ known: Set<String>, unknown name: String) -> String {
        let list = known.sorted().map { "`\($0)`" }.joined(separator: ", ")
        let guess = Suggestion.closest(to: name, among: known.sorted()).map { "did you mean `\($0)`? " } ?? ""
        return guess + "known providers: \(list); to add one, give `provider.providers.\(name).command` in \(fileName)"
    }

    // MARK: - YAML errors

    /// A `configSyntax` diagnostic for a Yams error, with the line it points at when it has one.
    static func syntaxDiagnostic(_ error: any Error, yaml: String) -> Diagnostic {
        var line: Int?
        var problem = String(describing: error)
        if let error = error as? YamlError {
            switch error {
            case .scanner(let context, let text, let mark, _),
                .parser(let context, let text, let mark, _),
                .composer(let context, let text, let mark, _):
                line = mark.line
                problem = text
                if let context { problem += " (\(context.text) at line \(context.mark.line))" }
            case .duplicatedKeysInMapping(let duplicates, let context):
                line = context.mark.line
                let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
                problem = "the key \(keys) appears more than once in the same mapping"
            case .reader(let text, let offset, _, let source):
                problem = text
                if let offset {
                    line = source.prefix(offset).filter(\.isNewline).count + 1
                }
            default:
                break
            }
        }
        return Diagnostic(
            .error,
            .configSyntax,
            "\(fileName) is not valid YAML: \(problem)",
            hint: "check the indentation, colons and quoting around this line",
            file: fileName,
            line: line
        )
    }
}
