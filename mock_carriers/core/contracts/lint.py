"""Whether a document is usable as a contract at all: checked before a contract given at start-up
(or named to `contracts validate`) is trusted, so a mistake is named rather than met mid-request."""

from __future__ import annotations

from typing import Any, Iterator

from mock_carriers.core.contracts.pointers import METHODS, resolves, walk


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
    seen: set[object] = set()  # operationIds as the document gives them (None where one is missing)
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            spec = (item or {}).get(method)
            if spec is None:
                continue
            operation_id = spec.get("operationId") if isinstance(spec, dict) else None
            if not operation_id:
                yield f"paths.{path}.{method}: no operationId"
            elif operation_id in seen:
                yield f"paths.{path}.{method}: operationId {operation_id} used twice"
            seen.add(operation_id)
    for where, node in walk(document, ()):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and not resolves(document, ref):
            yield f"{'.'.join(where)}: $ref {ref} leads nowhere"
    schemas = [
        (where + ("schema",), node["schema"])
        for where, node in walk(document, ())
        if isinstance(node.get("schema"), dict)
    ]
    components = (document.get("components") or {}).get("schemas") or {}
    schemas += [(("components", "schemas", str(name)), schema) for name, schema in components.items()]
    for where, schema in schemas:
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            yield f"{'.'.join(where)}: not a JSON Schema: {exc.message}"
