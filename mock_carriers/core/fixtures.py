"""Fixture files: YAML parsed once per process, checked against the carrier's schema, and
overlaid per namespace. A mistake names the file, the line and the field, because the person
reading it is a QA engineer looking at the YAML, not at a Python traceback."""

from __future__ import annotations

import copy
import hashlib
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable, Mapping, NoReturn, Protocol

from mock_carriers.core.durations import EARLIEST, parse_duration, parse_relative_time
from mock_carriers.core.limits import brief_view, clip

if TYPE_CHECKING:
    import jsonschema
    from referencing import Registry


class FixtureError(ValueError):
    """A fixture document that does not fit its schema (or is not YAML at all). `problems` holds
    each mistake as (line or None, path of parts, message in plain words), one per line of the text."""

    def __init__(
        self, message: str, problems: list[tuple[int | None, tuple[str | int, ...], str]] | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems or []


def load_yaml(path: Path) -> Any:
    """A YAML file, read within the bounds of core/limits.py; FixtureError names the file and line."""
    return _parse_yaml(path.read_bytes(), path)


def _parse_yaml(text: bytes, path: Path) -> Any:
    from mock_carriers.core import safe_yaml  # deferred: a server that never reads a fixture does not pay for it

    try:
        return safe_yaml.load(text)
    except safe_yaml.YamlError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise FixtureError(f"{path}{line}: {exc.problem}") from None


# A carrier's checks beyond its schema (references between keys): yields (field path, message).
CrossCheck = Callable[[Any], Iterable[tuple[tuple[str | int, ...], str]]]


def unknown(
    value: Any, known: Collection[Any], where: tuple[str | int, ...], named: str, listed: bool = False
) -> list[tuple[tuple[str | int, ...], str]]:
    """A cross check of one reference: nothing if `value` is one of `known`, else the finding at
    `where`, "'value' is not one of the <named>" (with the choices after it if `listed`)."""
    if value in known:
        return []
    return [(where, f"{value!r} is not one of the {named}" + (f": {', '.join(map(str, known))}" if listed else ""))]


class FixtureSpec(Protocol):
    """What fixture checking needs of a carrier."""

    name: str
    fixture_schema_path: Path | None  # None until the carrier registry has loaded it
    check_fixtures: CrossCheck | None


def validate(data: Any, carrier: FixtureSpec, source: Path | None = None) -> None:
    """Raise FixtureError listing every violation of the carrier's schema (else of its cross checks:
    a waybill naming a service that does not exist, say), each located by file, line and field."""
    from mock_carriers.core import schema_words  # deferred: only fixture checks pay for it

    if carrier.fixture_schema_path is None:
        raise ValueError(f"carrier {carrier.name!r} names no fixture schema: load it through the carrier registry")
    schema = load_frozen(carrier.fixture_schema_path)
    found = [] if fits(schema, data) else schema_words.problems(reference(schema).iter_errors(brief_view(data)))
    if not found and carrier.check_fixtures is not None:  # they assume the schema's shape
        found = [(tuple(path), clip(message)) for path, message in carrier.check_fixtures(data)]
    if not found:
        return
    line_of = lines_of(source.read_text(encoding="utf-8")) if source else (lambda parts: 0)
    problems = [
        (line if source else None, path, message) for line, path, message in schema_words.by_line(found, line_of)
    ]
    raise FixtureError(
        "\n".join(
            f"{source or 'fixtures'}{f':{line}' if line else ''}: {located(path, message)}"
            for line, path, message in problems
        ),
        problems,
    )


def located(path: tuple[str | int, ...], message: str) -> str:
    """ "field.path: message", or the message alone for the whole document."""
    return f"{clip(field_path(path))}: {message}" if path else message


_COMPILED: dict[int, tuple[Any, Any]] = {}  # id of a frozen schema: (that schema, its compiled validator or None)


def reference(schema: Any) -> jsonschema.Validator:
    """The reference validator of a fixture schema: the one whose errors say what is wrong."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema, format_checker=_format_checker(), registry=_shared_schemas())


def fits(schema: Any, data: Any) -> bool:
    """True if `data` surely fits `schema`, as a compiled validator says (twenty to fifty times
    faster than the reference one, which then has nothing to word). Formats are checked by the same
    checker as the reference validator's, on values of any type; a document the compiled validator
    cannot read (YAML's dates, keys that are not text) or a schema it cannot build is left to the
    reference validator, as is every document it refuses."""
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:  # a schema parsed anew (its file changed): built anew
        if len(_COMPILED) >= _PARSED_KEPT:
            _COMPILED.clear()
        entry = _COMPILED[id(schema)] = (schema, _compiled(schema))
    if entry[1] is None:
        return False
    try:
        return bool(entry[1].is_valid(_plain(data)))
    except Exception:  # a value it cannot take (or too deep to copy): the reference validator reads it
        return False


class _NotJson(ValueError):
    pass


def _plain(value: Any) -> Any:
    """`value` as plain JSON types (the compiled validator takes no subclass); _NotJson for a value
    JSON has no exact type for, which the two validators might read differently (a tuple, a key
    that is not text, a date, an infinite number)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotJson
        return value
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotJson
            plain[key] = _plain(item)
        return plain
    if isinstance(value, list):
        return [_plain(item) for item in value]
    raise _NotJson


def _compiled(schema: Any) -> Any:
    import jsonschema_rs

    checker = _format_checker()

    class Format:
        """The `format` keyword, checked as the reference validator checks it."""

        def __init__(self, parent: Any, value: Any, path: Any) -> None:
            self.format = value

        def validate(self, instance: Any) -> None:
            if not checker.conforms(instance, self.format):
                raise ValueError(f"not a {self.format}")

    shared = load_frozen(Path(__file__).with_name("webhook_retries.schema.yaml"))
    try:
        registry = jsonschema_rs.Registry([(shared["$id"], _plain(shared))])
        return jsonschema_rs.Draft202012Validator(_plain(schema), keywords={"format": Format}, registry=registry)
    except Exception:  # a schema it cannot take: the reference validator checks every document
        return None


def _shared_schemas() -> Registry[Any]:
    """Schema parts every carrier's fixtures share, referred to by their `$id`."""
    from referencing import Registry, Resource

    shared = load_frozen(Path(__file__).with_name("webhook_retries.schema.yaml"))
    registry: Registry[Any] = Registry().with_resource(shared["$id"], Resource.from_contents(shared))
    return registry


def _format_checker() -> jsonschema.FormatChecker:
    """Formats our schemas use, checked by the parsers that read them (a pattern alone would let
    "2026-13-45" or "+99999999d" through, to fail later on every read)."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("relative-time", raises=ValueError)(
        lambda value: not isinstance(value, str) or bool(parse_relative_time(value, EARLIEST))
    )
    checker.checks("duration", raises=ValueError)(lambda value: parse_duration(value) is not None)
    checker.checks("regex", raises=re.error)(lambda value: not isinstance(value, str) or bool(re.compile(value)))
    return checker


def field_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def lines_of(text: str) -> Callable[[list[str | int]], int]:
    """For the YAML text (parsed once), the 1-based line of the deepest node on a path of parts that
    exists in it: a mapping's entry at its key's line (where the reader looks for it), an item of a
    list at its own."""
    import yaml

    from mock_carriers.core import safe_yaml

    root = safe_yaml.compose(text)

    def find(parts: list[str | int]) -> int:
        node, line = root, root.start_mark.line if root is not None else 0
        for part in parts:
            entry = None
            if isinstance(node, yaml.MappingNode):
                entry = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                entry = (node.value[part], node.value[part])
            if entry is None:
                break
            line, node = entry[0].start_mark.line, entry[1]
        return line + 1

    return find


def deep_merge(base: Any, overlay: Any) -> Any:
    """`overlay` on top of `base`: mappings merge key by key, anything else replaces; inputs untouched."""
    if isinstance(base, Mapping) and isinstance(overlay, Mapping):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(overlay)


class FrozenDict(dict[Any, Any]):
    """A mapping of a parsed fixture file, which every namespace of every app in the process shares:
    changing it in place is a TypeError (a model that did would leak its state into other tests).
    `copy.deepcopy` answers a plain, changeable copy."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("shared fixture data is read-only: deep-copy it to change it")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return {key: copy.deepcopy(value, memo) for key, value in self.items()}

    def __reduce__(self) -> tuple[type[dict[Any, Any]], tuple[dict[Any, Any]]]:
        return dict, (dict(self),)


class FrozenList(list[Any]):
    """A list of a parsed fixture file: read-only like FrozenDict, for the same reason."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("shared fixture data is read-only: deep-copy it to change it")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = clear = extend = insert = pop = remove = _refuse
    reverse = sort = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(value, memo) for value in self]

    def __reduce__(self) -> tuple[type[list[Any]], tuple[list[Any]]]:
        return list, (list(self),)


def frozen(data: Any) -> Any:
    """`data` (as YAML parses it) with every mapping and list made read-only, all the way down."""
    if isinstance(data, dict):
        return FrozenDict((key, frozen(value)) for key, value in data.items())
    if isinstance(data, list):
        return FrozenList(frozen(value) for value in data)
    return data


_PARSED: OrderedDict[bytes, Any] = OrderedDict()  # file content digest -> frozen document, latest used last
_PARSED_KEPT = 32  # distinct files a process keeps parsed (the 17 shipped fixtures, schemas, contracts; a few own)
_PARSED_LOCK = threading.Lock()


def load_frozen(path: Path) -> Any:
    """A YAML file's document, frozen, parsed once per process for each content: every app a test
    suite builds reads the same few fixture files and contracts, and parsing the largest costs more
    than building the app; every overlay checked reads its carrier's schema. Keyed by what the file
    holds, so a file edited in place is read afresh."""
    text = path.read_bytes()
    digest = hashlib.sha256(text).digest()
    with _PARSED_LOCK:
        if digest in _PARSED:
            _PARSED.move_to_end(digest)
            return _PARSED[digest]
    data = frozen(_parse_yaml(text, path))
    with _PARSED_LOCK:
        _PARSED[digest] = data
        while len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return data


class FixtureStore:
    """The default world of each carrier, read once and shared read-only by every namespace.

    Files in `override_dir` replace the shipped file of the same carrier and are checked
    against the carrier's schema when loaded; the shipped files are checked by the test suite,
    so starting the server does not pay for a schema validator.
    """

    def __init__(self, default_dir: Path, override_dir: Path | None = None) -> None:
        self._default_dir = default_dir
        self._override_dir = override_dir
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def path_for(self, carrier: str) -> Path:
        if self._override_dir is not None:
            candidate = self._override_dir / f"{carrier}.yaml"
            if candidate.exists():
                return candidate
        return self._default_dir / f"{carrier}.yaml"

    def is_overridden(self, carrier: str) -> bool:
        return self.path_for(carrier).parent != self._default_dir

    def get(self, carrier: FixtureSpec) -> Any:
        data = self._loaded.get(carrier.name)
        if data is None:
            with self._lock:
                data = self._loaded.get(carrier.name)
                if data is None:
                    path = self.path_for(carrier.name)
                    data = load_frozen(path)
                    if self.is_overridden(carrier.name):
                        validate(data, carrier, path)
                    self._loaded[carrier.name] = data
        return data
