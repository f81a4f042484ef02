"""One contract read as operations, and requests and responses checked against them: the status,
headers, media type, parameters and JSON body each operation documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from werkzeug.wrappers import Response

from mock_carriers.core.contracts.pointers import METHODS, pointer, resolve
from mock_carriers.core.contracts.schemas import Schemas
from mock_carriers.core.contracts.violations import Reporter, Violation, error_parts, json_path

MAX_CHECKED_BODY = 1024 * 1024  # bytes: a larger request body is refused rather than validated
MAX_CHECKED_DEPTH = 64  # nesting levels: no carrier document comes near it


@dataclass(frozen=True)
class Operation:
    contract: str
    operation_id: str
    path: str
    method: str
    spec: dict[str, Any]


class Contract:
    """One OpenAPI document, its operations by operationId."""

    def __init__(self, name: str, document: dict[str, Any]) -> None:
        self.name = name
        self.document = document
        self.uri = f"urn:mock-carriers:contract:{name}"
        self._schemas = Schemas(document, self.uri)
        self.operations: dict[str, Operation] = {}
        for path, item in (document.get("paths") or {}).items():
            for method in METHODS:
                if method in item:
                    spec = item[method]
                    self.operations[spec["operationId"]] = Operation(name, spec["operationId"], path, method, spec)
        # ASP.NET binds query parameters whatever their case; the contract says so for its carrier
        self._fold_query_names = document.get("x-mock-parameter-names") == "case-insensitive"
        self._parameter_lists: dict[str, list[tuple[dict[str, Any], str]]] = {}

    def validator(self, pointer: str) -> Any:
        """A JSON Schema validator for the schema at `pointer` of this document (`components/schemas/X`)."""
        return self._schemas.validator(pointer)

    def check_response(self, operation_id: str, response: Response, method: str = "GET") -> list[Violation]:
        operation = self.operations.get(operation_id)
        report = Reporter(f"{self.name}:{operation_id}", "response")
        if operation is None:
            return [report("operation", operation_id, "operation", f"not in contracts/{self.name}.openapi.yaml")]
        status = str(response.status_code)
        responses = operation.spec.get("responses", {})
        key = status if status in responses else ("default" if "default" in responses else None)
        if key is None:
            return [report("status", status, "documented status", "not documented for this operation")]
        documented = self._resolve(responses[key])
        problems = [
            report("header", name, "required", f"header {name} missing")
            for name, header in (documented.get("headers") or {}).items()
            if self._resolve(header).get("required") and name not in response.headers
        ]
        content = documented.get("content") or {}
        body = response.get_data()
        if not body:
            if content and method != "HEAD":
                problems.append(report("body", "$", "content", f"status {status} documents a body; none was sent"))
            return problems
        if not content:
            return problems + [report("body", "$", "content", f"status {status} documents no body; one was sent")]
        media = response.mimetype or ""  # Werkzeug's None when there is no Content-Type at all
        media_key = _media_key(content, media)
        if media_key is None:
            return problems + [
                report("header", "Content-Type", "media type", f"{media!r} is not among {sorted(content)}")
            ]
        if "json" in media and "schema" in content[media_key]:
            problems += self._body_problems(
                responses[key],
                pointer("paths", operation.path, operation.method, "responses", key),
                media_key,
                body,
                report,
            )
        return problems

    def check_request(
        self,
        operation_id: str,
        query: Mapping[str, str | list[str]],
        headers: Iterable[str],
        body: bytes,
        media: str | None,
    ) -> list[Violation]:
        """Violations of a request: required and typed query parameters, required headers (`headers`
        the names sent, in any case), the body's media type and its JSON against the operation's
        request schema."""
        operation = self.operations.get(operation_id)
        report = Reporter(f"{self.name}:{operation_id}", "request")
        if operation is None:
            return [report("operation", operation_id, "operation", f"not in contracts/{self.name}.openapi.yaml")]
        problems = list(self._parameter_problems(operation, query, headers, report))
        documented = self._resolve(operation.spec.get("requestBody") or {})
        content = documented.get("content") or {}
        if not body:
            return problems + (
                [report("body", "$", "required", "a body is required")] if documented.get("required") else []
            )
        media_key = _media_key(content, media or "")
        if media_key is None:
            return problems + [
                report(
                    "header",
                    "Content-Type",
                    "media type",
                    f"{media or 'no content type'} is not among {sorted(content) or 'none'}",
                )
            ]
        if "json" not in media_key or "schema" not in content[media_key]:
            return problems
        if len(body) > MAX_CHECKED_BODY:  # a client's body is refused rather than validated: never a hang
            return problems + [report("body", "$", "size", f"larger than {MAX_CHECKED_BODY} bytes; not validated")]
        return problems + self._body_problems(
            operation.spec["requestBody"],
            pointer("paths", operation.path, operation.method, "requestBody"),
            media_key,
            body,
            report,
        )

    def _parameter_problems(
        self, operation: Operation, query: Mapping[str, str | list[str]], headers: Iterable[str], report: Reporter
    ) -> Iterator[Violation]:
        header_names = {name.lower() for name in headers}
        values = {(name.lower() if self._fold_query_names else name): value for name, value in query.items()}
        for parameter, where_defined in self._parameters(operation):
            name, where = parameter["name"], parameter["in"]
            if where == "header" and parameter.get("required") and name.lower() not in header_names:
                yield report("header", name, "required", f"required header {name} missing")
            if where != "query":
                continue
            value = values.get(name.lower() if self._fold_query_names else name)
            if value is None:
                if parameter.get("required"):
                    yield report("query", name, "required", f"required query parameter {name} missing")
                continue
            schema = self._resolve(parameter.get("schema") or {})
            instance = _from_query(value, schema, self._resolve(schema.get("items") or {}))
            for error in self._schemas.errors(where_defined + "/schema", instance):
                yield report("query", name, error.validator, error.message, error=error)

    def _parameters(self, operation: Operation) -> list[tuple[dict[str, Any], str]]:
        """Each parameter of the operation (path-level ones too), with the pointer to its definition."""
        found = self._parameter_lists.get(operation.operation_id)
        if found is None:
            found = []
            for owner in (("paths", operation.path), ("paths", operation.path, operation.method)):
                node = self.document
                for part in owner:
                    node = node[part]
                for index, parameter in enumerate(node.get("parameters") or []):
                    where_defined = (
                        parameter["$ref"].lstrip("#/")
                        if "$ref" in parameter
                        else pointer(*owner, "parameters", str(index))
                    )
                    found.append((self._resolve(parameter), where_defined))
            self._parameter_lists[operation.operation_id] = found
        return found

    def _body_problems(
        self, node: dict[str, Any], where_defined: str, media: str, body: bytes, report: Reporter
    ) -> list[Violation]:
        """A JSON body against the `media` schema of `node` (a response or request body at
        `where_defined`, or a $ref to one), each violation with its location in the body."""
        if "$ref" in node:
            where_defined = node["$ref"].lstrip("#/")
        try:
            instance = json.loads(body)
        except RecursionError:
            return [report("body", "$", "depth", f"nested deeper than {MAX_CHECKED_DEPTH} levels")]
        except ValueError:
            return [report("body", "$", "json", "body is not JSON")]
        if _depth(instance) > MAX_CHECKED_DEPTH:
            return [report("body", "$", "depth", f"nested deeper than {MAX_CHECKED_DEPTH} levels")]
        errors = self._schemas.errors(where_defined + "/" + pointer("content", media, "schema"), instance)
        return [
            report("body", json_path(parts), error.validator, error.message, parts, error)
            for error in errors
            for parts in [error_parts(error)]
        ]

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        return resolve(self.document, node)


def _media_key(content: dict[str, Any], media: str) -> str | None:
    """The documented media type a body of type `media` falls under (`image/*` covers `image/png`)."""
    if media in content:
        return media
    return next((key for key in content if key.endswith("/*") and media.startswith(key[:-1])), None)


def _depth(instance: Any) -> int:
    """How deeply a parsed JSON document nests (at most MAX_CHECKED_DEPTH + 1), counted without
    recursion, a level at a time (every checked body pays for it: one pass per level, not per node)."""
    deepest, level = 0, [instance]
    while level and deepest <= MAX_CHECKED_DEPTH:
        deepest += 1
        below: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                below += [child for child in node.values() if isinstance(child, (dict, list))]
            elif isinstance(node, list):
                below += [child for child in node if isinstance(child, (dict, list))]
        level = below
    return deepest


def _from_query(value: str | list[str], schema: dict[str, Any], items: dict[str, Any]) -> Any:
    """A query value as the JSON its schema describes: `"5"` for an integer is 5 (form style)."""
    if schema.get("type") == "array":
        values = value if isinstance(value, list) else value.split(",")
        return [_scalar(item, items) for item in values]
    return _scalar(value[-1] if isinstance(value, list) else value, schema)


def _scalar(text: str, schema: dict[str, Any]) -> Any:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            pass
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text
