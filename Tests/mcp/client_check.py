"""Drives `choo mcp` with the official Python MCP client and prints what it saw as one JSON object.

Usage: client_check.py CHOO GOOD_REPOSITORY BAD_REPOSITORY

The Swift test (chooTests/MCPClientTests) makes the repositories and checks the report: the tools
and their schemas, validate on a bad tree, a run started, followed with watch until it lands, and a
unit's log.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def text_of(result):
    return "\n".join(part.text for part in result.content if getattr(part, "type", "") == "text")


async def main(choo, good, bad):
    report = {}
    params = StdioServerParameters(command=choo, args=["mcp"], cwd=good)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            report["tools"] = {tool.name: tool.input_schema for tool in listed.tools}

            result = await session.call_tool("validate", arguments={"directory": bad})
            report["validate_bad"] = {"is_error": result.is_error, "text": text_of(result)}

            result = await session.call_tool("validate", arguments={})
            report["validate_good"] = {"is_error": result.is_error, "structured": result.structured_content}

            result = await session.call_tool("run_start", arguments={"directory": good})
            report["run_start"] = {"is_error": result.is_error, "structured": result.structured_content,
                                   "text": text_of(result)}
            run = (result.structured_content or {}).get("run")

            after, calls, types, finished = 0, 0, [], None
            while run is not None and calls < 200:
                calls += 1
                result = await session.call_tool("watch", arguments={"run": run, "after": after, "wait_seconds": 5})
                content = result.structured_content or {}
                types += [event["type"] for event in content.get("events", [])]
                after = content.get("next_after", after)
                if result.is_error or content.get("finished"):
                    finished = {"is_error": result.is_error, "structured": content, "text": text_of(result)}
                    break
            report["watch"] = {"calls": calls, "types": types, "last": finished}

            result = await session.call_tool("logs", arguments={"unit": "u"})
            report["logs"] = {"is_error": result.is_error, "text": text_of(result)}

            result = await session.call_tool("logs", arguments={"unit": "nope"})
            report["logs_unknown"] = {"is_error": result.is_error, "text": text_of(result)}
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
