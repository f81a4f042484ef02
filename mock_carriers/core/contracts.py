"""The contracts under contracts/: OpenAPI 3.1 documents, one per carrier plus the admin API.

They are the single description of what each API looks like. The test suite checks every
response the mock gives against them (Settings.check_responses), so the mock cannot drift; strict
mode checks every request a client sends against them, so a client cannot drift from the real API.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from werkzeug.wrappers import Response

from mock_carriers.core.fixtures import FixtureError, load_yaml
from mock_carriers.core.limits import MAX_ECHO, brief_view, clip

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
MAX_CHECKED_BODY = 1024 * 1024  # bytes: a larger request body is refused rather than validated
MAX_CHECKED_DEPTH = 64  # nesting levels: no carrier document comes near it
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ANNOTATIONS = {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "default"}


class ContractError(ValueError):
    """A contract file that cannot be read or is not a usable OpenAPI 3.1 document; the message
    names the file and the problem."""


@dataclass(frozen=True)
class Operation:
    contract: str
    operation_id: str
    path: str
    method: str
    spec: dict


@dataclass(frozen=True)
class Violation:
    """One rule of a contract that a request or a response broke.

    `location` is where (body, query, header, status, operation); `json_path` points into it
    (`$.Parcels[0].Weight` in a body, the name of a parameter or header); `rule` is the JSON
    Schema keyword or the OpenAPI rule broken; `parts` is the body path as keys and indexes, for
    carriers that name invalid fields their own way.
    """

    operation: str
    kind: str  # "request" or "response"
    location: str
    json_path: str
    rule: str
    message: str
    parts: tuple = ()
    value: Any = field(default=None, repr=False, compare=False)  # what broke the rule
    limit: Any = field(default=None, repr=False, compare=False)  # the rule's own value (a type, a length ...)

    def __str__(self) -> str:
        return f"{self.operation} {self.kind}: {self.location} {self.json_path}: {self.message}"

    def to_dict(self) -> dict:
        return {"operation": self.operation, "kind": self.kind, "in": self.location, "json_path": self.json_path,
                "rule": self.rule, "message": self.message}


def json_path(parts: tuple) -> str:
    """`("Parcels", 0, "Weight")` -> `$.Parcels[0].Weight` (names that are not identifiers quoted)."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part) + "]"
    return text


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
        # ASP.NET binds query parameters whatever their case; the contract says so for its carrier
        self._fold_query_names = document.get("x-mock-parameter-names") == "case-insensitive"
        self._validators: dict[str, Any] = {}
        self._fast: dict[str, Any] = {}
        self._parameter_lists: dict[str, list[tuple[dict, str]]] = {}

    def validator(self, pointer: str):
        """A JSON Schema validator for the schema at `pointer` of this document, its $refs inlined
        (resolving one while validating costs more than the rest of the check)."""
        found = self._validators.get(pointer)
        if found is None:
            import jsonschema

            schema = self._inlined({"$ref": "#/" + pointer}, ())
            found = jsonschema.Draft202012Validator(schema, registry=self._registry)
            self._validators[pointer] = found
        return found

    def _schema_errors(self, pointer: str, instance: Any) -> list:
        """The schema errors of `instance`: a compiled validator says whether it fits (a hundred
        times faster), the reference one says why not."""
        fast = self._fast.get(pointer, _UNBUILT)
        if fast is _UNBUILT:
            fast = self._fast[pointer] = _compiled(self.validator(pointer).schema)
        if fast is not None and fast.is_valid(instance):
            return []
        return list(self.validator(pointer).iter_errors(brief_view(instance)))  # messages quote it briefly

    def _inlined(self, node: Any, expanding: tuple[str, ...]) -> Any:
        """`node` with each local $ref replaced by what it points at; a $ref met again inside its
        own expansion (a recursive schema) stays a $ref, made absolute so the registry finds it."""
        if isinstance(node, list):
            return [self._inlined(item, expanding) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return {key: self._inlined(value, expanding) for key, value in node.items()}
        siblings = {key: self._inlined(value, expanding) for key, value in node.items() if key != "$ref"}
        if ref in expanding:
            return {"$ref": self.uri + ref, **siblings}
        target = self._inlined(self._at(ref), expanding + (ref,))
        if all(key in _ANNOTATIONS or key.startswith("x-") for key in siblings):
            return target
        return {"allOf": [target], **siblings}

    def check_response(self, operation_id: str, response: Response, method: str = "GET") -> list[Violation]:
        operation = self.operations.get(operation_id)
        report = _Reporter(f"{self.name}:{operation_id}", "response")
        if operation is None:
            return [report("operation", operation_id, "operation", f"not in contracts/{self.name}.openapi.yaml")]
        status = str(response.status_code)
        responses = operation.spec.get("responses", {})
        key = status if status in responses else ("default" if "default" in responses else None)
        if key is None:
            return [report("status", status, "documented status", "not documented for this operation")]
        documented = self._resolve(responses[key])
        problems = [report("header", name, "required", f"header {name} missing")
                    for name, header in (documented.get("headers") or {}).items()
                    if self._resolve(header).get("required") and name not in response.headers]
        content = documented.get("content") or {}
        body = response.get_data()
        if not body:
            if content and method != "HEAD":
                problems.append(report("body", "$", "content", f"status {status} documents a body; none was sent"))
            return problems
        if not content:
            return problems + [report("body", "$", "content", f"status {status} documents no body; one was sent")]
        media = response.mimetype
        media_key = _media_key(content, media)
        if media_key is None:
            return problems + [report("header", "Content-Type", "media type",
                                      f"{media!r} is not among {sorted(content)}")]
        if "json" in media and "schema" in content[media_key]:
            problems += self._body_problems(responses[key], _pointer("paths", operation.path, operation.method,
                                                                     "responses", key), media_key, body, report)
        return problems

    def check_request(self, operation_id: str, query: Mapping[str, str | list[str]], headers: Iterable[str],
                      body: bytes, media: str | None) -> list[Violation]:
        """Violations of a request: required and typed query parameters, required headers (`headers`
        the names sent, in any case), the body's media type and its JSON against the operation's
        request schema."""
        operation = self.operations.get(operation_id)
        report = _Reporter(f"{self.name}:{operation_id}", "request")
        if operation is None:
            return [report("operation", operation_id, "operation", f"not in contracts/{self.name}.openapi.yaml")]
        problems = list(self._parameter_problems(operation, query, headers, report))
        documented = self._resolve(operation.spec.get("requestBody") or {})
        content = documented.get("content") or {}
        if not body:
            return problems + ([report("body", "$", "required", "a body is required")]
                               if documented.get("required") else [])
        media_key = _media_key(content, media or "")
        if media_key is None:
            return problems + [report("header", "Content-Type", "media type",
                                      f"{media or 'no content type'} is not among {sorted(content) or 'none'}")]
        if "json" not in media_key or "schema" not in content[media_key]:
            return problems
        if len(body) > MAX_CHECKED_BODY:  # a client's body is refused rather than validated: never a hang
            return problems + [report("body", "$", "size", f"larger than {MAX_CHECKED_BODY} bytes; not validated")]
        return problems + self._body_problems(operation.spec["requestBody"], _pointer(
            "paths", operation.path, operation.method, "requestBody"), media_key, body, report)

    def _parameter_problems(self, operation: Operation, query: Mapping[str, str | list[str]],
                            headers: Iterable[str], report: "_Reporter") -> Iterator[Violation]:
        header_names = {name.lower() for name in headers}
        values = {(name.lower() if self._fold_query_names else name): value for name, value in query.items()}
        for parameter, pointer in self._parameters(operation):
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
            for error in self._schema_errors(pointer + "/schema", instance):
                yield report("query", name, error.validator, error.message, error=error)

    def _parameters(self, operation: Operation) -> list[tuple[dict, str]]:
        """Each parameter of the operation (path-level ones too), with the pointer to its definition."""
        found = self._parameter_lists.get(operation.operation_id)
        if found is None:
            found = []
            for owner in (("paths", operation.path), ("paths", operation.path, operation.method)):
                node = self.document
                for part in owner:
                    node = node[part]
                for index, parameter in enumerate(node.get("parameters") or []):
                    pointer = parameter["$ref"].lstrip("#/") if "$ref" in parameter else _pointer(
                        *owner, "parameters", str(index))
                    found.append((self._resolve(parameter), pointer))
            self._parameter_lists[operation.operation_id] = found
        return found

    def _body_problems(self, node: dict, pointer: str, media: str, body: bytes, report: "_Reporter") -> list[Violation]:
        """A JSON body against the `media` schema of `node` (a response or request body at `pointer`,
        or a $ref to one), each violation with its location in the body."""
        if "$ref" in node:
            pointer = node["$ref"].lstrip("#/")
        try:
            instance = json.loads(body)
        except RecursionError:
            return [report("body", "$", "depth", f"nested deeper than {MAX_CHECKED_DEPTH} levels")]
        except ValueError:
            return [report("body", "$", "json", "body is not JSON")]
        if _depth(instance) > MAX_CHECKED_DEPTH:
            return [report("body", "$", "depth", f"nested deeper than {MAX_CHECKED_DEPTH} levels")]
        errors = self._schema_errors(pointer + "/" + _pointer("content", media, "schema"), instance)
        return [report("body", json_path(parts), error.validator, error.message, parts, error)
                for error in errors for parts in [_error_parts(error)]]

    def _resolve(self, node: dict) -> dict:
        """What a node stands for, following $refs to the end (for parameters and responses)."""
        while isinstance(node, dict) and "$ref" in node:
            node = self._at(node["$ref"])
        return node

    def _at(self, ref: str) -> Any:
        """The node a local $ref (`#/a/b/0`) points at, one step: its own $ref is not followed."""
        target: Any = self.document
        for part in ref.lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target[int(part)] if isinstance(target, list) else target[part]
        return target


_UNBUILT = object()


def _compiled(schema: dict) -> Any:
    """jsonschema-rs's validator for a schema whose $refs are inlined; None for one it cannot take
    (a recursive schema's $ref to the whole document), which the reference validator then checks."""
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(schema, validate_formats=False)
    except (ValueError, jsonschema_rs.ReferencingError):
        return None


class _Reporter:
    """Makes the violations of one operation's request or response."""

    def __init__(self, operation: str, kind: str) -> None:
        self._operation, self._kind = operation, kind

    def __call__(self, location: str, where: str, rule: str, message: str, parts: tuple = (),
                 error: Any = None) -> Violation:
        parts = parts or ((where,) if location in ("query", "header") else ())
        where, message = clip(where), clip(message, 2 * MAX_ECHO)
        if error is None:
            return Violation(self._operation, self._kind, location, where, str(rule), message, parts)
        return Violation(self._operation, self._kind, location, where, str(rule), message, parts,
                         error.instance, error.validator_value)


def _media_key(content: dict, media: str) -> str | None:
    """The documented media type a body of type `media` falls under (`image/*` covers `image/png`)."""
    if media in content:
        return media
    return next((key for key in content if key.endswith("/*") and media.startswith(key[:-1])), None)


def _error_parts(error) -> tuple:
    """Where a schema error is: for a missing property, the property itself, not its parent."""
    parts = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((name for name in error.validator_value
                        if name not in error.instance and repr(name) in error.message), None)
        if missing is not None:
            parts += (missing,)
    return parts


def _depth(instance: Any) -> int:
    """How deeply a parsed JSON document nests, counted without recursion."""
    deepest, stack = 0, [(instance, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_CHECKED_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _from_query(value: str | list[str], schema: dict, items: dict) -> Any:
    """A query value as the JSON its schema describes: `"5"` for an integer is 5 (form style)."""
    if schema.get("type") == "array":
        values = value if isinstance(value, list) else value.split(",")
        return [_scalar(item, items) for item in values]
    return _scalar(value[-1] if isinstance(value, list) else value, schema)


def _scalar(text: str, schema: dict) -> Any:
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


Wording = Callable[[Violation], str]  # a framework's words for a broken rule


def _schema_words(violation: Violation) -> str:
    return violation.message


def nested_fields(wording: Wording = _schema_words) -> Callable[[list[Violation]], dict]:
    """Invalid-field messages keyed the way serializers nest them: `{"parcels": {"0": {"weight": [..]}}}`;
    violations of the request as a whole under `non_field_errors`."""
    def fields(violations: list[Violation]) -> dict:
        nested: dict = {}
        for violation in violations:
            parts = [str(part) for part in violation.parts] or ["non_field_errors"]
            node = nested
            for part in parts[:-1]:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
            messages = node.get(parts[-1])
            if not isinstance(messages, list):
                messages = node[parts[-1]] = []
            messages.append(wording(violation))
        return nested
    return fields


def indexed_fields(prefix: str = "", wording: Wording = _schema_words) -> Callable[[list[Violation]], dict]:
    """Invalid-field messages keyed the way ASP.NET's ModelState names them: `request.Parcels[0].Weight`
    (`prefix` the action's parameter, for body fields); parameters by their own names."""
    def fields(violations: list[Violation]) -> dict:
        keyed: dict[str, list[str]] = {}
        for violation in violations:
            if violation.location == "body":
                key = prefix + json_path(violation.parts).removeprefix("$").removeprefix(".")
                key = key.rstrip(".") or "$"
            else:
                key = violation.json_path
            keyed.setdefault(key, []).append(wording(violation))
        return keyed
    return fields


def load_contract(path: Path) -> Contract:
    """A contract file read and checked: ContractError names the file and the problem."""
    try:
        document = load_yaml(path)
    except OSError as exc:
        raise ContractError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except FixtureError as exc:
        raise ContractError(str(exc)) from None
    for problem in contract_problems(document):
        raise ContractError(f"{path}: {problem}")
    return Contract(path.name.removesuffix(".openapi.yaml"), document)


def contract_problems(document: Any) -> Iterator[str]:
    """What makes a document unusable as a contract: not OpenAPI 3.1, operations without a unique
    operationId, $refs that lead nowhere, schemas that are not JSON Schema."""
    import jsonschema

    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3.1"):
        yield "not an OpenAPI 3.1 document (no `openapi: 3.1.x` at the top)"
        return
    if not isinstance(document.get("paths") or {}, dict):
        yield "`paths` is not a mapping"
        return
    seen: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            spec = (item or {}).get(method)
            if spec is None:
                continue
            operation_id = spec.get("operationId") if isinstance(spec, dict) else None
            if not operation_id:
                yield f"paths.{path}.{method}: no operationId"
            elif operation_id in seen:
                yield f"paths.{path}.{method}: operationId {operation_id} used twice"
            seen.add(operation_id)
    for where, node in _walk(document, ()):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and not _resolves(document,
                                                                                                  node["$ref"]):
            yield f"{'.'.join(where)}: $ref {node['$ref']} leads nowhere"
    schemas = [(where + ("schema",), node["schema"]) for where, node in _walk(document, ())
               if isinstance(node.get("schema"), dict)]
    components = (document.get("components") or {}).get("schemas") or {}
    schemas += [(("components", "schemas", str(name)), schema) for name, schema in components.items()]
    for where, schema in schemas:
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            yield f"{'.'.join(where)}: not a JSON Schema: {exc.message}"


def _walk(node: Any, where: tuple) -> Iterator[tuple[tuple, dict]]:
    stack = [(node, where)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend((child, where + (str(key),)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, where + (str(index),)) for index, child in enumerate(node))


def _resolves(document: dict, ref: str) -> bool:
    target: Any = document
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True


class ContractBook:
    """Every contract of a folder, each loaded on first use; files in `overrides` replace the shipped
    ones of the same name (they are checked when the book is made, so a mistake stops start-up)."""

    def __init__(self, directory: Path, overrides: Path | None = None) -> None:
        self._directory = directory
        self._overrides = overrides
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.Lock()
        for path in sorted(overrides.glob("*.openapi.yaml")) if overrides else ():
            contract = load_contract(path)
            self._contracts[contract.name] = contract

    def path(self, name: str) -> Path:
        return self._directory / f"{name}.openapi.yaml"

    def contract(self, name: str) -> Contract:
        found = self._contracts.get(name)
        if found is not None:
            return found
        with self._lock:
            found = self._contracts.get(name)
            if found is None:
                found = _shipped(self.path(name))
                self._contracts[name] = found
            return found

    def has(self, name: str) -> bool:
        return name in self._contracts or self.path(name).is_file()

    def check_response(self, name: str, operation_id: str | None, response: Response,
                       method: str = "GET") -> list[Violation]:
        """Violations of `response` against the contract; none for requests no route matched."""
        if operation_id is None:
            return []
        if not self.has(name):
            return [Violation(name, "response", "operation", name, "contract", f"no contracts/{name}.openapi.yaml")]
        return self.contract(name).check_response(operation_id, response, method)


@functools.lru_cache(maxsize=None)
def contract_book(directory: Path, overrides: Path | None = None) -> ContractBook:
    """One book per set of files in a process: contracts load once, however many apps read them."""
    return ContractBook(directory, overrides)


def _shipped(path: Path) -> Contract:
    """A shipped contract, read without the full check (the test suite makes that); a broken one
    still names the file and the problem."""
    try:
        return Contract(path.name.removesuffix(".openapi.yaml"), load_yaml(path))
    except OSError as exc:
        raise ContractError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except FixtureError as exc:
        raise ContractError(str(exc)) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ContractError(f"{path}: not a usable contract ({type(exc).__name__}: {exc}); "
                            "`mock-carriers contracts validate` says more") from None
