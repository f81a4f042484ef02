"""The contracts under contracts/: OpenAPI 3.1 documents, one per carrier plus the admin API.

They are the single description of what each API looks like. The test suite checks every
response the mock gives against them (Settings.check_responses), so the mock cannot drift.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

from mock_carriers.core.fixtures import load_yaml

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class Operation:
    contract: str
    operation_id: str
    path: str
    method: str
    spec: dict


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class Contract:
    def __init__(self, name: str, document: dict) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.name = name
        self.document = document
        self.uri = f"urn:mock-carriers:contract:{name}"
        self._registry = Registry().with_resource(self.uri, Resource.from_contents(document, DRAFT202012))
        self.operations: dict[str, Operation] = {}
        for path, item in (document.get("paths") or {}).items():
            for method in _METHODS:
                if method in item:
                    spec = item[method]
                    self.operations[spec["operationId"]] = Operation(name, spec["operationId"], path, method, spec)
        self._validators: dict[str, Any] = {}

    def validator(self, pointer: str):
        """A JSON Schema validator for the schema at `pointer` of this document ($refs resolve)."""
        found = self._validators.get(pointer)
        if found is None:
            import jsonschema

            found = jsonschema.Draft202012Validator({"$ref": f"{self.uri}#/{pointer}"}, registry=self._registry)
            self._validators[pointer] = found
        return found

    def check_response(self, operation_id: str, response: Response, method: str = "GET") -> list[str]:
        operation = self.operations.get(operation_id)
        where = f"{self.name}:{operation_id}"
        if operation is None:
            return [f"{where}: operation not in contracts/{self.name}.openapi.yaml"]
        status = str(response.status_code)
        responses = operation.spec.get("responses", {})
        key = status if status in responses else ("default" if "default" in responses else None)
        if key is None:
            return [f"{where}: status {status} is not documented"]
        documented = self._resolve(responses[key])
        problems = [f"{where} {status}: header {name} missing"
                    for name, header in (documented.get("headers") or {}).items()
                    if self._resolve(header).get("required") and name not in response.headers]
        content = documented.get("content") or {}
        body = response.get_data()
        if not body:
            if content and method != "HEAD":
                problems.append(f"{where} {status}: documented a body, sent none")
            return problems
        if not content:
            return problems + [f"{where} {status}: sent a body, documented none"]
        media = response.mimetype
        media_key = media if media in content else next(
            (k for k in content if k.endswith("/*") and media.startswith(k[:-1])), None)
        if media_key is None:
            return problems + [f"{where} {status}: content type {media!r} not among {sorted(content)}"]
        if "json" in media and "schema" in content[media_key]:
            problems += self._body_problems(responses[key], _pointer("paths", operation.path, operation.method,
                                                                     "responses", key), media_key, body,
                                            f"{where} {status}")
        return problems

    def check_request(self, operation_id: str, query: dict[str, str], headers: dict[str, str], body: bytes,
                      media: str | None) -> list[str]:
        """Violations of a request: required query and header parameters, and a JSON body against
        the operation's request schema (`headers` keys compared case-insensitively)."""
        operation = self.operations.get(operation_id)
        where = f"{self.name}:{operation_id} request"
        if operation is None:
            return [f"{self.name}:{operation_id}: operation not in contracts/{self.name}.openapi.yaml"]
        names = {name.lower() for name in headers}
        parameters = [self._resolve(p) for p in (self.document["paths"][operation.path].get("parameters") or [])
                      + (operation.spec.get("parameters") or [])]
        problems = [f"{where}: {p['in']} parameter {p['name']} missing" for p in parameters if p.get("required")
                    and ((p["in"] == "query" and p["name"] not in query)
                         or (p["in"] == "header" and p["name"].lower() not in names))]
        documented = self._resolve(operation.spec.get("requestBody") or {})
        content = documented.get("content") or {}
        if not body:
            return problems + ([f"{where}: a body is required"] if documented.get("required") else [])
        if media not in content or "json" not in media or "schema" not in content[media]:
            return problems
        return problems + self._body_problems(operation.spec["requestBody"], _pointer(
            "paths", operation.path, operation.method, "requestBody"), media, body, where)

    def _body_problems(self, node: dict, pointer: str, media: str, body: bytes, where: str) -> list[str]:
        """A JSON body against the `media` schema of `node` (a response or request body at `pointer`,
        or a $ref to one), each violation with its location in the body."""
        if "$ref" in node:
            pointer = node["$ref"].lstrip("#/")
        try:
            instance = json.loads(body)
        except ValueError:
            return [f"{where}: body is not JSON"]
        validator = self.validator(pointer + "/" + _pointer("content", media, "schema"))
        return [f"{where}: {'/'.join(str(part) for part in error.absolute_path) or '(body)'}: {error.message}"
                for error in validator.iter_errors(instance)]

    def _resolve(self, node: dict) -> dict:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node


class ContractBook:
    """Every contract of a folder, each loaded on first use."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.Lock()

    def contract(self, name: str) -> Contract:
        with self._lock:
            found = self._contracts.get(name)
            if found is None:
                found = Contract(name, load_yaml(self._directory / f"{name}.openapi.yaml"))
                self._contracts[name] = found
            return found

    def check_response(self, name: str, operation_id: str | None, response: Response,
                       method: str = "GET") -> list[str]:
        """Violations of `response` against the contract; none for requests no route matched."""
        if operation_id is None:
            return []
        if not (self._directory / f"{name}.openapi.yaml").is_file():
            return [f"{name}: no contracts/{name}.openapi.yaml"]
        return self.contract(name).check_response(operation_id, response, method)
