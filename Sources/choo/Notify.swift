import ArgumentParser
import ChooCore
import Foundation

extension Choo {
    /// `choo notify`: the webhooks of `notify:` in .choo.yaml.
    struct Notify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the webhooks configured under notify: in .choo.yaml.",
            subcommands: [Test.self]
        )

        /// `choo notify test`: one test notification to each hook.
        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send one test notification to each webhook under notify: and report how each went.",
                discussion: """
                    Each hook gets one POST in its format (json: {"type": "notify.test", ...}; slack: {"text": ...}), \
                    one attempt each (a run's deliveries are retried). Hooks are named by their place (notify[0], notify[1], ...), \
                    never by their URL, which is a secret. Exit codes: 0 every hook answered 2xx, 1 one did not, \
                    2 no hooks are configured or a setting is wrong.
                    """
            )

            @Flag(help: "Print the results as JSON.")
            var json = false

            @OptionGroup var common: CommonOptions

            func run() async throws {
                _ = try Workspace.worktreeBaseOrExit(overrides: common.overrides)
                let workspace = Workspace.open(tasksDirectory: nil, overrides: common.overrides)
                let hooks = workspace.config.notify
                guard !hooks.isEmpty else {
                    Output.error("error: no webhooks are configured; add `notify:` to \(ConfigLoader.fileName)")
                    throw ExitCode(2)
                }
                let effects = Effects.system
                let redactor = SecretRedactor(secrets: hooks.flatMap { [$0.url.absoluteString, $0.url.path] })
                var delivery = WebhookDelivery(
                    transport: effects.http,
                    clock: effects.clock,
                    redact: { redactor.redact($0) }
                )
                // One attempt each: a test answers now.
                delivery.backoff = []
                let repository = (workspace.repositoryRoot as NSString).lastPathComponent
                var results: [WebhookDelivery.Result] = []
                for (index, hook) in hooks.enumerated() {
                    let body = WebhookMessage.test(format: hook.format, repository: repository, at: effects.clock.now())
                    let result = await delivery.send(body, to: hook, index: index, eventType: "notify.test")
                    results.append(result)
                    if !json { Output.print(result.text + " [\(hook.format.rawValue)]") }
                }
                if json { Output.print(JSONOutput.encode(results), terminator: "") }
                if results.contains(where: { !$0.delivered }) { throw ExitCode(1) }
            }
        }
    }
}
