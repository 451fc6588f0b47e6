import ArgumentParser
import ChooCore
import Foundation

/// Mistyped commands and options, said with a "did you mean" and where to see the list:
/// `choo statsu`, `choo help nonsense`, `choo run --paralel 2`.
///
/// The commands and their options are argument-parser's own description of choo (what
/// `choo --experimental-dump-help` prints), so they cannot drift from what it parses.
struct UsageErrors {
    /// A command as argument-parser describes it.
    struct Command: Decodable {
        var commandName: String
        var aliases: [String]?
        var shouldDisplay: Bool?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }

    /// An argument, option or flag of a command as argument-parser describes it.
    struct Argument: Decodable {
        /// A name with its kind: `long` (`--name`), `short` (`-n`) or `longWithSingleDash` (`-name`).
        struct Name: Decodable {
            var kind: String
            var name: String

            /// The name as typed.
            var spelled: String {
                switch kind {
                case "long": "--" + name
                default: "-" + name
                }
            }
        }

        /// `positional`, `option` (takes a value) or `flag`.
        var kind: String
        var shouldDisplay: Bool?
        var names: [Name]?
    }

    private struct ToolInfo: Decodable {
        var command: Command
    }

    /// The root command.
    let root: Command

    /// The description argument-parser gives of `json`'s tool, or `nil` if it cannot be read.
    init?(json: String) {
        guard let tool = try? JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)) else { return nil }
        root = tool.command
    }

    /// choo as argument-parser describes it.
    static var choo: UsageErrors? {
        UsageErrors(json: Choo._dumpHelp())
    }

    /// What to say instead of argument-parser's `parserMessage` about `arguments`, when the mistake
    /// is an unknown command or option; `nil` to keep argument-parser's message.
    static func message(for arguments: [String], replacing parserMessage: String) -> String? {
        choo?.explain(arguments, parserMessage: parserMessage)
    }

    /// For `choo help <words>` whose words do not name a command (argument-parser shows the main
    /// help for those): what to say; `nil` for anything else.
    static func unknownHelpTopic(in arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        return choo?.unknownHelpTopic(arguments)
    }

    /// The unknown-command message for the first word after `help` that names no command.
    func unknownHelpTopic(_ arguments: [String]) -> String? {
        var command = root
        var path = [root.commandName]
        for word in arguments.dropFirst() where !word.hasPrefix("-") {
            guard let subcommand = command.subcommand(word) else {
                return unknownCommand(word, in: command, path: path)
            }
            command = subcommand
            path.append(word)
        }
        return nil
    }

    /// Walks `arguments` as argument-parser would and explains the first unknown command or option.
    /// An unknown option is explained only when `parserMessage` is about it too.
    func explain(_ arguments: [String], parserMessage: String) -> String? {
        var command = root
        var path = [root.commandName]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            index += 1
            if word == "--" { return nil }
            if word.hasPrefix("-"), word.count > 1 {
                switch command.lookUp(word) {
                case .unknown(let name):
                    guard parserMessage.contains("'\(name)'") else { return nil }
                    return unknownOption(name, in: command, path: path, later: arguments[index...])
                case .known(let takesValue):
                    if takesValue { index += 1 }
                }
            } else if let subcommand = command.subcommand(word) {
                command = subcommand
                path.append(word)
            } else if command.hasSubcommands, !command.hasPositional {
                return unknownCommand(word, in: command, path: path)
            }
        }
        return nil
    }

    private func unknownCommand(_ word: String, in command: Command, path: [String]) -> String {
        let commandLine = path.joined(separator: " ")
        let names = command.visibleSubcommands.map(\.commandName)
        guard !names.isEmpty else {
            return "error: unknown command '\(commandLine) \(word)': '\(commandLine)' has no subcommands.\n"
                + "See '\(commandLine) --help'."
        }
        var message = "error: unknown command '\(word)'" + (path.count > 1 ? " for '\(commandLine)'" : "") + "."
        if let guess = Suggestion.closest(to: word, among: names) { message += " Did you mean '\(guess)'?" }
        return message + "\nThe commands are: \(names.joined(separator: ", ")).\n"
            + "See '\(commandLine) --help' for what each does."
    }

    private func unknownOption(_ name: String, in command: Command, path: [String], later: ArraySlice<String>)
        -> String
    {
        let commandLine = path.joined(separator: " ")
        // An option given before its command: `choo --log-level debug status`.
        if let owner = later.lazy.compactMap({ command.subcommand($0) }).first, owner.argument(named: name) != nil {
            let ownerLine = commandLine + " " + owner.commandName
            return "error: unknown option '\(name)' for '\(commandLine)': it is an option of '\(ownerLine)', "
                + "so it goes after '\(owner.commandName)'.\nSee '\(ownerLine) --help' for its options."
        }
        var message = "error: unknown option '\(name)' for '\(commandLine)'."
        if name.hasPrefix("--") {
            let longNames = command.visibleNames.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) }
            if let guess = Suggestion.closest(to: String(name.dropFirst(2)), among: longNames) {
                message += " Did you mean '--\(guess)'?"
            }
        }
        return message + "\nSee '\(commandLine) --help' for its options."
    }
}

extension UsageErrors.Command {
    /// What a word starting with `-` is to this command.
    enum OptionLookup {
        /// One of its options or flags (or a run of short ones), and whether the next word is its value.
        case known(takesValue: Bool)
        /// Not one of its names: the name as typed (`--paralel`), or the unknown letter of a run (`-z`).
        case unknown(String)
    }

    var hasSubcommands: Bool { !(subcommands ?? []).isEmpty }

    var hasPositional: Bool { (arguments ?? []).contains { $0.kind == "positional" } }

    var visibleSubcommands: [Self] { (subcommands ?? []).filter { $0.shouldDisplay ?? true } }

    /// The names of the options and flags shown in its help, as typed.
    var visibleNames: [String] {
        (arguments ?? []).filter { $0.shouldDisplay ?? true }.flatMap { ($0.names ?? []).map(\.spelled) }
    }

    /// The subcommand called `word`, by name or alias.
    func subcommand(_ word: String) -> Self? {
        (subcommands ?? []).first { $0.commandName == word || ($0.aliases ?? []).contains(word) }
    }

    /// The option or flag spelled `name` (`--unit`, `-p`).
    func argument(named name: String) -> UsageErrors.Argument? {
        (arguments ?? []).first { ($0.names ?? []).contains { $0.spelled == name } }
    }

    /// What `word` is: `--name`, `--name=value`, `-name`, or a run of short options (`-vp`).
    func lookUp(_ word: String) -> OptionLookup {
        if word.hasPrefix("--") {
            let name = String(word.prefix { $0 != "=" })
            guard let argument = argument(named: name) else { return .unknown(name) }
            return .known(takesValue: argument.kind == "option" && !word.contains("="))
        }
        if let argument = argument(named: word) { return .known(takesValue: argument.kind == "option") }
        var takesValue = false
        for letter in word.dropFirst() {
            guard let argument = argument(named: "-\(letter)") else { return .unknown("-\(letter)") }
            takesValue = argument.kind == "option"
        }
        return .known(takesValue: takesValue)
    }
}
