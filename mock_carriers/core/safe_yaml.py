"""The one YAML loader for every document a user writes (scenarios, fixture files and overlays,
contracts): PyYAML's safe loader whose composer counts what it builds. An alias bomb (a few
hundred bytes that expand to a billion values) or a document nested ten thousand levels deep is
refused at the bound, as it is read: before anything has expanded, walked or recursed into it."""

from __future__ import annotations

from typing import Any, Callable

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from mock_carriers.core.limits import MAX_CHARS, MAX_DEPTH, MAX_NODES, clip

try:
    # libyaml's: five times faster than PyYAML's own (PyYAML's stub leaves it out of cyaml's names)
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # a PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class YamlError(ValueError):
    """Text that is not YAML, or a document past the bounds; `line` is 1-based (None: unknown)."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {problem}" if line else problem)
        self.problem, self.line = problem, line


class _BoundedComposer(Composer):
    """PyYAML's composer, counting every node as an alias would expand it: an alias adds the size
    and height of the node it names, so sharing buys an attacker nothing."""

    # the parser's, which the loader mixes in; while a node is composed, the next event is that node's
    peek_event: Callable[[], yaml.NodeEvent]
    get_event: Callable[[], yaml.Event]
    # the resolver's, which the loader mixes in too
    resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str]
    yaml_path_resolvers: dict[Any, Any]

    def __init__(self) -> None:
        super().__init__()
        self._nodes = self._chars = self._depth = self._reach = 0
        self._sizes: dict[int, tuple[int, int, int]] = {}  # id of an anchored node: (nodes, chars, height)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if type(event) is yaml.ScalarEvent and event.anchor is None and not self.yaml_path_resolvers:
            # most nodes: PyYAML's compose_node and compose_scalar_node for a plain scalar, inline
            # (a third of the time of loading a document), counted as one node at this depth
            self._nodes += 1
            self._chars += len(event.value)
            if self._nodes > MAX_NODES or self._chars > MAX_CHARS:
                self._count(0, 0, event)  # says which bound
            if self._reach < self._depth:
                self._reach = self._depth
            self.get_event()
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
            marks = event.start_mark, event.end_mark  # libyaml's marks, which the stub does not list
            return yaml.ScalarNode(tag, event.value, *marks, style=event.style)  # type: ignore[arg-type]
        if isinstance(event, yaml.AliasEvent):
            self._expand(event)
            return super().compose_node(parent, index)
        base, outer_reach = self._depth, self._reach
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlError(f"nested deeper than {MAX_DEPTH} levels", _line(event))
        chars = len(event.value) if isinstance(event, yaml.ScalarEvent) else 0
        start = (self._nodes, self._chars)
        self._count(1, chars, event)
        self._reach = self._depth
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self._sizes[id(node)] = (self._nodes - start[0], self._chars - start[1], self._reach - base)
        self._depth, self._reach = base, max(outer_reach, self._reach)
        return node

    def _expand(self, event: yaml.AliasEvent) -> None:
        node = self.anchors.get(event.anchor)
        if node is None:
            return  # an undefined alias: the composer's own error says so
        name = str(event.anchor)[:40]  # an alias always names an anchor (the stub allows None)
        size = self._sizes.get(id(node))
        if size is None:
            raise YamlError(f"the alias *{name} is inside its own anchor", _line(event))
        nodes, chars, height = size
        self._count(nodes, chars, event)
        if self._depth + height > MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels once *{name} is expanded", _line(event))
        self._reach = max(self._reach, self._depth + height)

    def _count(self, nodes: int, chars: int, event: yaml.Event) -> None:
        self._nodes += nodes
        self._chars += chars
        if self._nodes > MAX_NODES:
            raise YamlError(f"more than {MAX_NODES} values once aliases are expanded", _line(event))
        if self._chars > MAX_CHARS:
            raise YamlError(f"more than {MAX_CHARS} characters of text once aliases are expanded", _line(event))


class BoundedLoader(_BoundedComposer, _Parser, SafeConstructor, Resolver):
    """yaml.SafeLoader's types and tags, within limits.MAX_NODES, MAX_CHARS and MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def load(text: str | bytes) -> Any:
    """The document in `text` (UTF-8 if bytes), or YamlError, whatever the text."""
    return _run(_text(text), "get_single_data")


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (to find the line of a field), within the same bounds as load."""
    node: yaml.Node | None = _run(text, "get_single_node")
    return node


def _run(text: str, step: str) -> Any:
    loader = BoundedLoader(text)
    try:
        return getattr(loader, step)()
    except YamlError:
        raise
    except yaml.YAMLError as exc:
        raise _refusal(exc) from None
    except (ValueError, OverflowError, LookupError, TypeError, AttributeError) as exc:
        # a value its tag cannot take (a 13th month, a 5000-digit int, `!!bool maybe`): PyYAML's
        # constructors let these through as Python errors
        raise YamlError(f"not valid YAML: {clip(str(exc) or type(exc).__name__)}") from None
    finally:
        loader.dispose()


def _refusal(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if problem == "exceeded maximum nesting depth":  # libyaml's own bound, met as it reads ahead
        return YamlError(f"nested deeper than {MAX_DEPTH} levels", mark.line + 1 if mark else None)
    words = "; ".join(filter(None, (getattr(exc, "context", None), problem))) or str(exc)
    return YamlError(f"not valid YAML: {clip(words)}", mark.line + 1 if mark is not None else None)


def _text(text: str | bytes) -> str:
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError("not UTF-8 text") from None


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None
