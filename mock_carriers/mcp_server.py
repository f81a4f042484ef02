"""`mock-carriers mcp`: the admin API as a Model Context Protocol server on stdio, so a coding agent
writing a carrier integration can make a namespace, read its credentials and references, move its
clock, add and remove faults, and read the journal, the outbox and the violations. The tools are
agent_tools.py's, one per admin operation; this module only speaks the protocol (the `mcp` extra)."""

from __future__ import annotations

import json
from functools import partial

import anyio
from mcp import types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server

from mock_carriers import __version__
from mock_carriers.agent_tools import AdminCaller, AdminTool, Answer, ToolCallError, admin_tools

INSTRUCTIONS = """\
Drives the mock-carriers server at {url}: offline stand-ins for the Border Express, BEX, Parcel2Go,
Borderless360 and parcelLab HTTP APIs. Start with put_namespace (a fresh, isolated world): its answer
gives each carrier's base_url, test credentials and magic references (consignments or orders that are
delivered, in transit, walking, an exception, not found). Point the code under test at a base_url;
each path after it is the carrier's real path. Then: change_clock moves the namespace's virtual time
(tokens expire, tracking advances, webhook retries fire); add_fault / remove_fault / clear_faults make
a carrier fail (429, 5xx, connection resets, expired tokens, the carrier's own business errors);
get_journal shows what the code sent and what it got; get_webhooks shows the outbox; get_violations
lists requests that broke the carrier's contract (put_namespace with strict: true)."""


def build_server(caller: AdminCaller, tools: list[AdminTool] | None = None) -> Server:
    """An MCP server whose tools call the admin API through `caller`."""
    by_name = {tool.name: tool for tool in (tools or admin_tools())}

    async def list_tools(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[_described(tool) for tool in by_name.values()])

    async def call_tool(ctx: ServerRequestContext, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = by_name.get(params.name)
        if tool is None:
            return _error(f"no tool {params.name[:80]!r}; the tools are: {', '.join(by_name)}")
        try:
            answer = await anyio.to_thread.run_sync(partial(caller.call, tool, params.arguments or {}))
        except ToolCallError as error:
            return _error(str(error))
        return _result(answer)

    return Server(
        "mock-carriers",
        version=__version__,
        instructions=INSTRUCTIONS.format(url=caller.url),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _described(tool: AdminTool) -> types.Tool:
    read_only = tool.method == "GET"
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.input_schema,
        annotations=types.ToolAnnotations(
            title=tool.title,
            read_only_hint=read_only,
            idempotent_hint=tool.method in ("GET", "PUT", "DELETE"),
            open_world_hint=False,
        ),
    )


def _result(answer: Answer) -> types.CallToolResult:
    """The admin API's answer as it came: JSON (also as structured content), text, or its status."""
    if answer.body is None:
        text = f"HTTP {answer.status}, no body"
    elif isinstance(answer.body, str):
        text = answer.body
    else:
        text = json.dumps(answer.body, indent=2, ensure_ascii=False)
    if not answer.ok:
        text = f"the admin API answered HTTP {answer.status}: {text}"
    structured = answer.body if isinstance(answer.body, dict) else None
    return types.CallToolResult(
        content=[types.TextContent(text=text)], structured_content=structured, is_error=not answer.ok
    )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def run(url: str | None, admin_token: str | None, port: int = 0) -> None:
    """Serve MCP on stdin/stdout until the client closes it. Without `url`, a mock server of this
    process on 127.0.0.1 (`port`; 0 picks a free one) is the one driven: a real server, since the
    code the agent writes must reach the carriers' URLs too."""
    server = None
    if url is None:
        from mock_carriers.app import create_app
        from mock_carriers.server import Server as HttpServer
        from mock_carriers.settings import Settings

        settings = Settings.from_env(host="127.0.0.1", port=port, admin_token=admin_token)
        server = HttpServer(create_app(settings), settings.host, settings.port).start()
        url, admin_token = server.url, settings.admin_token
    try:
        anyio.run(_serve_stdio, build_server(AdminCaller(url, admin_token)))
    finally:
        if server is not None:
            server.stop()


async def _serve_stdio(server: Server) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
