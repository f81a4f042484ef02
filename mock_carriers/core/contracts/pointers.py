"""Finding one's way in a contract document: JSON pointers, local $refs, and every node in turn.
Checking and linting both walk documents this way."""

from __future__ import annotations

from typing import Any, Iterator

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")  # the operations a path item can hold


def pointer(*parts: str) -> str:
    """A JSON pointer (without the `#/`) from keys, escaped as RFC 6901 says."""
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def at(document: dict[str, Any], ref: str) -> Any:
    """The node a local $ref (`#/a/b/0`) points at, one step: its own $ref is not followed."""
    target: Any = document
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        target = target[int(part)] if isinstance(target, list) else target[part]
    return target


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """What a node stands for, following $refs to the end (for parameters and responses)."""
    while isinstance(node, dict) and "$ref" in node:
        node = at(document, node["$ref"])
    return node


def resolves(document: dict[str, Any], ref: str) -> bool:
    """Whether a local $ref leads to a node of the document's mappings."""
    target: Any = document
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True


def walk(node: Any, where: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping under `node` with the keys that lead to it, without recursion."""
    stack = [(node, where)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend((child, where + (str(key),)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, where + (str(index),)) for index, child in enumerate(node))
