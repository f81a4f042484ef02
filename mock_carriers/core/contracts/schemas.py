"""The JSON Schemas inside one contract document, each built into validators once: a fast compiled
one says whether an instance fits, the reference one says why not."""

from __future__ import annotations

from typing import Any

from mock_carriers.core.contracts.pointers import at
from mock_carriers.core.limits import brief_view

_ANNOTATIONS = {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "default"}
_UNBUILT = object()


class Schemas:
    """Validators for the schemas of `document` by pointer, built on first use and kept."""

    def __init__(self, document: dict[str, Any], uri: str) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self._document = document
        self._uri = uri
        self._registry = Registry().with_resource(uri, Resource.from_contents(document, DRAFT202012))
        self._validators: dict[str, Any] = {}
        self._fast: dict[str, Any] = {}

    def validator(self, pointer: str) -> Any:
        """A JSON Schema validator for the schema at `pointer` of this document, its $refs inlined
        (resolving one while validating costs more than the rest of the check)."""
        found = self._validators.get(pointer)
        if found is None:
            import jsonschema

            schema = self._inlined({"$ref": "#/" + pointer}, ())
            found = jsonschema.Draft202012Validator(schema, registry=self._registry)
            self._validators[pointer] = found
        return found

    def errors(self, pointer: str, instance: Any) -> list[Any]:
        """The schema errors of `instance`: a compiled validator says whether it fits (a hundred
        times faster), the reference one says why not."""
        fast = self._fast.get(pointer, _UNBUILT)
        if fast is _UNBUILT:
            fast = self._fast[pointer] = compiled(self.validator(pointer).schema)
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
            return {"$ref": self._uri + ref, **siblings}
        target = self._inlined(at(self._document, ref), expanding + (ref,))
        if all(key in _ANNOTATIONS or key.startswith("x-") for key in siblings):
            return target
        return {"allOf": [target], **siblings}


def compiled(schema: dict[str, Any]) -> Any:
    """jsonschema-rs's validator for a schema whose $refs are inlined; None for one it cannot take
    (a recursive schema's $ref to the whole document), which the reference validator then checks."""
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(schema, validate_formats=False)
    except (ValueError, jsonschema_rs.ReferencingError):
        return None
