import MCP

extension ChooTools {
    /// Every tool with its input schema.
    public static let definitions: [Tool] = [
        tool(
            "validate",
            "Check the spec tree and .choo.yaml: every problem at once, each with file, line, unit, task and rule. "
                + "An invalid tree is a tool error whose text lists the problems.",
            readOnly: true
        ),
        tool(
            "plan",
            "The dry run: the units that would run with their remaining tasks, levels, order, critical path and "
                + "each unit's agent. Changes nothing.",
            readOnly: true,
            ["unit": .string("Only this unit and the units it depends on.")]
        ),
        tool(
            "status",
            "Where every unit and task stands: progress, status, what blocks it, work committed on unit branches, "
                + "the newest attempt's failure.",
            readOnly: true
        ),
        tool(
            "prompt",
            "The exact prompt the agent would get next for a unit.",
            readOnly: true,
            ["unit": .string("The unit (its folder name)."), "task": .integer("Offer only this task number.")],
            required: ["unit"]
        ),
        tool(
            "run_start",
            "Start `choo run` in the background (detached) and return its run number once it holds the run lock. "
                + "Follow it with `watch`; stop it with `run_stop`.",
            [
                "unit": .string("Run only this unit and the units it depends on."),
                "parallelism": .integer("The most units at once."),
                "provider": .string("The agent for units that do not name one."),
                "target": .string("The branch units start from."),
                "force": .boolean("Start even if the checkout has uncommitted changes to tracked files."),
                "pr": .boolean("Land units through GitHub pull requests."),
            ]
        ),
        tool(
            "run_stop",
            "Stop a running run (default: the one running now) as Ctrl-C would: gracefully (running agents finish "
                + "their turn), or at once with `now`; waits until it stopped and says how it ended.",
            ["run": .integer("The run number."), "now": .boolean("Stop at once.")]
        ),
        tool(
            "watch",
            "The events of a run (default: the newest) after sequence number `after`, as `choo run --json` prints "
                + "them, waiting up to `wait_seconds` for new ones. Call again with `after` set to the returned "
                + "`next_after` until `finished` is true; `exit_code` is then the run's.",
            readOnly: true,
            [
                "run": .integer("The run number."),
                "after": .integer("Return only events after this sequence number (default 0: from the start)."),
                "limit": .integer("The most events to return (default 200)."),
                "wait_seconds": .integer(
                    "How long to wait for a new event when there is none yet (0 to 60, default 10)."
                ),
            ]
        ),
        tool(
            "history",
            "The runs recorded in the journal, newest first, with outcome, counts and spend.",
            readOnly: true,
            ["limit": .integer("How many runs (default 20).")]
        ),
        tool(
            "logs",
            "A unit's agent logs, readable: whose turn, the prompt's first lines, the tool calls and files, the "
                + "agent's text, usage limits and the result. Default: every turn of its newest run with logs.",
            readOnly: true,
            [
                "unit": .string("The unit."), "task": .integer("Only the turns for this task."),
                "run": .integer("The run (default: the newest with logs of the unit)."),
            ],
            required: ["unit"]
        ),
    ]

    /// One property of an input schema.
    enum Property {
        case string(String)
        case integer(String)
        case boolean(String)

        var schema: Value {
            switch self {
            case .string(let text): return ["type": "string", "description": .string(text)]
            case .integer(let text): return ["type": "integer", "description": .string(text)]
            case .boolean(let text): return ["type": "boolean", "description": .string(text)]
            }
        }
    }

    private static func tool(
        _ name: String,
        _ description: String,
        readOnly: Bool = false,
        _ properties: [String: Property] = [:],
        required: [String] = []
    ) -> Tool {
        var all = properties
        all["directory"] = .string(
            "The repository (or a folder inside it); default: the folder the server was started in."
        )
        all["tasks_dir"] = .string(
            "The tasks root, relative to `directory`; default specs/tasks at the repository root."
        )
        var schema: [String: Value] = [
            "type": "object",
            "properties": .object(all.mapValues(\.schema)),
            "additionalProperties": false,
        ]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return Tool(
            name: name,
            description: description,
            inputSchema: .object(schema),
            annotations: .init(readOnlyHint: readOnly, openWorldHint: false)
        )
    }
}
