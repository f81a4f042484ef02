"""The admin API as tools for coding agents: one tool per operation of contracts/admin.openapi.yaml,
named by its operationId, whose input schema is built from the operation's parameters and request
body. Made from the contract when asked for, so the tools cannot drift from the API they call.
No protocol here (mcp_server.py serves these tools over MCP), so this needs only requests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class AdminTool:
    """One admin operation: what the agent sees (name, title, description, input schema) and what
    calling it sends (method, path, which arguments go in the path, the query and the body)."""

    name: str
    method: str
    path: str
    title: str
    description: str
    input_schema: dict
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    bodies: tuple[tuple[str, dict], ...]  # (media type, schema) the operation takes, in contract order


@dataclass(frozen=True)
class Answer:
    """What the admin API answered: its status and body (parsed JSON, text, or None when empty)."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return self.status < 400


class ToolCallError(Exception):
    """The call could not be made: an argument is wrong (named), or the server did not answer."""


def admin_tools(contract: Path | None = None) -> list[AdminTool]:
    """Every operation of the admin contract, as a tool, in the contract's order."""
    document = load_yaml(contract or data_dir("contracts") / "admin.openapi.yaml")
    tools = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                tools.append(_tool(document, path, method, operation, shared))
    return tools


def _tool(document: dict, path: str, method: str, operation: dict, shared: list) -> AdminTool:
    parameters = {}
    for parameter in [*shared, *operation.get("parameters", [])]:  # an operation's own win
        parameter = _resolved(document, parameter)
        parameters[(parameter["name"], parameter["in"])] = parameter
    properties, required = {}, []
    for (name, where), parameter in parameters.items():
        properties[name] = {
            **parameter.get("schema", {}),
            **({"description": parameter["description"]} if parameter.get("description") else {}),
        }
        if parameter.get("required") or where == "path":
            required.append(name)
    body = _resolved(document, operation.get("requestBody", {}))
    bodies = tuple((media, content.get("schema", {})) for media, content in body.get("content", {}).items())
    if bodies:
        schemas = [
            schema if media.endswith("json") else {**schema, "description": f"{media} text"} for media, schema in bodies
        ]
        properties["body"] = {
            **(schemas[0] if len(schemas) == 1 else {"anyOf": schemas}),
            "description": (body.get("description") or "The request body.").strip(),
        }
        if body.get("required"):
            required.append("body")
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    summary = operation.get("summary", operation["operationId"])
    description = "\n\n".join(
        part.strip() for part in (summary, operation.get("description", ""), f"{method.upper()} {path}") if part.strip()
    )
    return AdminTool(
        operation["operationId"],
        method.upper(),
        path,
        summary,
        description,
        schema,
        tuple(name for name, where in parameters if where == "path"),
        tuple(name for name, where in parameters if where == "query"),
        bodies,
    )


def _resolved(document: dict, node: Any, seen: tuple[str, ...] = ()) -> Any:
    """`node` with every local $ref replaced by what it points at (siblings of a $ref win), so a
    tool's schema stands alone. A reference that leads back to itself cannot be inlined: ValueError."""
    if isinstance(node, list):
        return [_resolved(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"{ref} refers to itself; an admin tool's schema cannot inline it")
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return {**_resolved(document, target, (*seen, ref)), **_resolved(document, siblings, seen)}
    return {key: _resolved(document, value, seen) for key, value in node.items()}


class AdminCaller:
    """Calls the admin API of the server at `url` for a tool and its arguments."""

    def __init__(self, url: str, admin_token: str | None = None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        if admin_token:
            self._session.headers["Authorization"] = f"Bearer {admin_token}"

    def call(self, tool: AdminTool, arguments: dict[str, Any]) -> Answer:
        _check_arguments(tool, arguments)
        path = re.sub(r"\{([^}]+)\}", lambda match: _segment(tool, match.group(1), arguments), tool.path)
        query = {name: arguments[name] for name in tool.query_params if arguments.get(name) is not None}
        kwargs: dict[str, Any] = {"params": query}
        if "body" in arguments and tool.bodies:
            kwargs.update(_body(tool, arguments["body"]))
        try:
            response = self._session.request(tool.method, self.url + path, timeout=self._timeout, **kwargs)
        except requests.RequestException as error:
            raise ToolCallError(f"the mock at {self.url} did not answer: {error}") from None
        return Answer(response.status_code, _parsed(response))


def _check_arguments(tool: AdminTool, arguments: dict[str, Any]) -> None:
    """The arguments' names and their path and query values, against the tool's schema. The body
    goes as given: the admin API checks it, and its 400 names the field."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    envelope = {**tool.input_schema, "properties": {**tool.input_schema["properties"]}}
    if "body" in envelope["properties"]:
        envelope["properties"]["body"] = {}
    error = best_match(Draft202012Validator(envelope).iter_errors(arguments))
    if error is not None:
        where = ".".join(map(str, error.absolute_path)) or "arguments"
        raise ToolCallError(f"{tool.name}: {where}: {error.message[:300]}")


def _segment(tool: AdminTool, name: str, arguments: dict[str, Any]) -> str:
    """A path argument as one path segment; dot segments are escaped so no client folds them away.
    A '/' cannot be sent in one (the server's WSGI layer decodes %2F before routing)."""
    value = str(arguments[name])
    if "/" in value:
        raise ToolCallError(f"{tool.name}: {name}: a path argument cannot hold '/'")
    segment = quote(value, safe="")
    return segment.replace(".", "%2E") if set(segment) == {"."} else segment


def _body(tool: AdminTool, body: Any) -> dict[str, Any]:
    """Text goes as the operation's text media type (a scenario's YAML); anything else as JSON."""
    if isinstance(body, str):
        for media, schema in tool.bodies:
            if not media.endswith("json") and schema.get("type") == "string":
                return {"data": body.encode(), "headers": {"Content-Type": media}}
    return {"data": json.dumps(body).encode(), "headers": {"Content-Type": "application/json"}}


def _parsed(response: requests.Response) -> Any:
    if not response.content:
        return None
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text
