import ArgumentParser
import ChooCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Choo {
    /// `choo stop`: ask a run to stop, as Ctrl-C in its terminal would, wait for it and report.
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a run (started anywhere, --detach included) and wait until it has stopped.",
            discussion: """
                Gracefully by default, as one Ctrl-C in the run's terminal: nothing new starts, running agents \
                finish their turn (up to shutdown_timeout) and what passed is committed. --now stops at once, as \
                a second Ctrl-C. The run is found through the run lock and the journal: the process holding the \
                lock must be the one the journal records for the run. Run `choo run` again to resume.

                Exit codes: 0 the run stopped (or had ended by itself meanwhile); 2 no such run, or it is not \
                running.
                """
        )

        @Argument(help: ArgumentHelp("The run (default: the one running now).", valueName: "run"))
        var run: Int64?

        @Flag(help: "Stop at once instead of letting running agents finish their turn.")
        var now = false

        @Flag(help: "Print the result as one JSON object on stdout.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let stop = RunStop(run: try ActiveRun.selectOrExit(run, overrides: common.overrides))
            let result: RunStop.Result
            do {
                result = try await stop.stop(immediately: now) { message in
                    if !json { Output.print(message) }
                }
            } catch {
                Output.error("error: \(error)")
                throw ExitCode(2)
            }
            if json {
                Output.print(JSONOutput.encode(result), terminator: "")
            } else {
                Output.print(result.text)
            }
        }
    }
}
