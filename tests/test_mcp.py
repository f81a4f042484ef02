"""`mock-carriers mcp`: the admin API as MCP tools, one per admin operation, tried as a coding agent
would through the MCP SDK's own client: in memory, and over stdio with the command as a subprocess
(driving a server given by --url, or one it starts itself)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import anyio
import pytest
import requests
from launching import MOCK_CARRIERS
from mcp import Client, StdioServerParameters

from mock_carriers.agent_tools import AdminCaller, admin_tools
from mock_carriers.app import create_app
from mock_carriers.core.contracts import ContractBook
from mock_carriers.mcp_server import build_server
from mock_carriers.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent
BE_FORM = {"grant_type": "client_credentials"}


def run(session):
    """Run `session(client)` against an MCP client; answers what it returns."""

    async def main(server):
        async with Client(server, read_timeout_seconds=60) as client:
            return await session(client)

    return lambda server: anyio.run(main, server)


def in_memory(url: str, admin_token: str | None = None):
    return build_server(AdminCaller(url, admin_token))


def stdio(*args: str) -> StdioServerParameters:
    """`mock-carriers mcp ARGS` as a subprocess, with none of this environment's MOCK_CARRIERS_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOCK_CARRIERS_")}
    return StdioServerParameters(
        command=MOCK_CARRIERS[0], args=[*MOCK_CARRIERS[1:], "mcp", *args], env=env, cwd=str(ROOT)
    )


def test_there_is_one_tool_per_admin_operation_and_its_schema_comes_from_the_contract(live_server):
    tools = run(lambda client: client.list_tools())(in_memory(live_server())).tools
    views = {
        rule.endpoint.removeprefix("admin.")
        for rule in create_app().url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
    }
    operations = ContractBook(data_dir("contracts")).contract("admin").operations
    assert {tool.name for tool in tools} == set(operations) == views
    by_name = {tool.name: tool for tool in tools}
    journal = by_name["get_journal"]
    assert journal.input_schema["required"] == ["name"]
    assert journal.input_schema["properties"]["limit"]["minimum"] == 1  # the query parameter's own schema
    assert "GET /__admin/namespaces/{name}/journal" in journal.description and journal.annotations.read_only_hint
    fault = by_name["add_fault"].input_schema
    assert fault["required"] == ["name", "body"] and "status" in fault["properties"]["body"]["properties"]
    assert "$ref" not in str([tool.input_schema for tool in tools])  # each schema stands alone
    assert by_name["remove_fault"].input_schema["required"] == ["name", "fault_id"]


def test_an_agent_makes_a_namespace_breaks_a_carrier_and_reads_what_its_code_did(live_server):
    url = live_server()

    async def session(client):
        made = await client.call_tool("put_namespace", {"name": "agent", "body": {"seed": 7}})
        assert not made.is_error
        border_express = made.structured_content["carriers"]["border-express"]
        base, credentials = border_express["base_url"], border_express["credentials"]
        token = requests.post(f"{base}/token", data={**BE_FORM, **credentials}, timeout=5).json()["access_token"]
        delivered = f"{base}/api/v1/consignments/{border_express['references']['delivered']}"

        fault = await client.call_tool(
            "add_fault",
            {"name": "agent", "body": {"carrier": "border-express", "effect": "status", "status": 503, "times": 1}},
        )
        assert not fault.is_error
        assert requests.get(delivered, headers={"Authorization": f"bearer {token}"}, timeout=5).status_code == 503
        assert requests.get(delivered, headers={"Authorization": f"bearer {token}"}, timeout=5).status_code == 200

        journal = (
            await client.call_tool("get_journal", {"name": "agent", "carrier": "border-express", "limit": 2})
        ).structured_content["entries"]
        assert [entry["response"]["status"] for entry in journal] == [503, 200]
        assert journal[0]["faults"] and not journal[1]["faults"]
        assert (
            await client.call_tool("remove_fault", {"name": "agent", "fault_id": fault.structured_content["id"]})
        ).content[0].text == "HTTP 204, no body"
        assert (await client.call_tool("list_faults", {"name": "agent"})).structured_content == {"faults": []}

        moved = await client.call_tool("change_clock", {"name": "agent", "body": {"action": "advance", "by": "2h"}})
        assert not moved.is_error
        assert requests.get(delivered, headers={"Authorization": f"bearer {token}"}, timeout=5).status_code == 401

        outbox = await client.call_tool("get_webhooks", {"name": "agent"})
        assert outbox.structured_content["deliveries"] == []
        violations = await client.call_tool("get_violations", {"name": "agent"})
        assert violations.structured_content == {"violations": []}
        scenario = await client.call_tool("apply_scenario", {"name": "qa", "body": "seed: 3\nclock: [freeze]\n"})
        assert scenario.structured_content["clock"]["frozen"] is True  # YAML text goes as the scenario file

    run(session)(in_memory(url))


def test_a_wrong_call_is_a_tool_error_that_says_why_and_changes_nothing(live_server):
    url = live_server()

    async def session(client):
        answers = [
            await client.call_tool(name, arguments)
            for name, arguments in [
                ("no_such_tool", {}),
                ("get_clock", {}),
                ("get_journal", {"name": "default", "limit": 0}),
                ("get_clock", {"name": "default", "colour": "red"}),
                ("get_clock", {"name": "never-made"}),
                ("add_fault", {"name": "default", "body": {"effect": "status", "status": 418}}),
                ("put_namespace", {"name": "..", "body": {}}),
                ("remove_fault", {"name": "default", "fault_id": ".."}),  # sent as one segment, not a step up
            ]
        ]
        assert all(answer.is_error for answer in answers)
        texts = [answer.content[0].text for answer in answers]
        assert "no tool 'no_such_tool'" in texts[0] and "get_journal" in texts[0]
        assert "'name' is a required property" in texts[1]
        assert "limit" in texts[2] and "minimum" in texts[2]
        assert "colour" in texts[3]
        assert "HTTP 404" in texts[4] and "never-made" in texts[4]
        assert "HTTP 400" in texts[5] and "status" in texts[5]
        assert "name" in texts[6] and "'..'" in texts[6]
        assert "HTTP 404" in texts[7] and "no fault rule '..'" in texts[7]
        listed = await client.call_tool("list_namespaces", {})
        assert [ns["namespace"] for ns in listed.structured_content["namespaces"]] == ["default"]
        assert (await client.call_tool("list_faults", {"name": "default"})).structured_content == {"faults": []}

    run(session)(in_memory(url))


def test_the_admin_token_is_sent_and_a_missing_one_is_named(live_server):
    url = live_server(admin_token="s3cret")
    refused = run(lambda client: client.call_tool("list_namespaces", {}))(in_memory(url))
    assert refused.is_error and "HTTP 401" in refused.content[0].text
    allowed = run(lambda client: client.call_tool("list_namespaces", {}))(in_memory(url, "s3cret"))
    assert not allowed.is_error


def test_a_server_that_does_not_answer_is_a_tool_error():
    answer = run(lambda client: client.call_tool("livez", {}))(in_memory("http://127.0.0.1:9"))
    assert answer.is_error and "did not answer" in answer.content[0].text


def test_over_stdio_it_drives_the_server_given_by_url(live_server):
    url = live_server()

    async def session(client):
        tools = await client.list_tools()
        made = await client.call_tool("put_namespace", {"name": "stdio", "body": {}})
        return client.instructions, tools.tools, made

    instructions, tools, made = run(session)(stdio("--url", url))
    assert url in instructions and "put_namespace" in instructions
    assert len(tools) == len(admin_tools())
    assert made.structured_content["carriers"]["bex"]["base_url"] == f"{url}/ns/stdio/bex"
    listed = requests.get(f"{url}/__admin/namespaces", timeout=5).json()["namespaces"]
    assert "stdio" in [ns["namespace"] for ns in listed]


def test_over_stdio_without_a_url_it_starts_a_server_the_agents_code_can_reach():
    async def session(client):
        document = (await client.call_tool("put_namespace", {"name": "own", "body": {}})).structured_content
        parcel2go = document["carriers"]["parcel2go"]
        server = parcel2go["base_url"].removesuffix("/ns/own/parcel2go")
        assert server.startswith("http://127.0.0.1:") and f"server at {server}:" in client.instructions
        token = requests.post(
            f"{parcel2go['base_url']}/auth/connect/token",
            timeout=5,
            data={"grant_type": "client_credentials", **parcel2go["credentials"]},
        )
        assert token.status_code == 200
        journal = await client.call_tool("get_journal", {"name": "own", "carrier": "parcel2go"})
        assert [entry["response"]["status"] for entry in journal.structured_content["entries"]] == [200]

    run(session)(stdio())


def test_without_the_mcp_extra_the_command_says_what_to_install(monkeypatch):
    from click.testing import CliRunner

    from mock_carriers.cli import main

    monkeypatch.setitem(sys.modules, "mcp", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "mock_carriers.mcp_server", raising=False)
    result = CliRunner().invoke(main, ["mcp"])
    assert result.exit_code == 1 and "pip install 'mock-carriers[mcp]'" in result.output


def test_a_contract_whose_schema_refers_to_itself_is_refused(tmp_path):
    contract = tmp_path / "admin.openapi.yaml"
    contract.write_text("""
openapi: 3.1.0
paths:
  /__admin/loop:
    post:
      operationId: loop
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Node"}}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Node: {type: object, properties: {next: {$ref: "#/components/schemas/Node"}}}
""")
    with pytest.raises(ValueError, match="refers to itself"):
        admin_tools(contract)
