"""`mock-carriers scaffold carrier`: a new carrier's package, fixture, contract and test folder,
registered, from templates below. The result passes the route/contract consistency test as made;
docs/adding-a-carrier.md says what to change next.

Templates are plain text with `{{key}}` holes (the generated code and YAML are full of braces and
dollars, which str.format and string.Template would need escaped).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mock_carriers.carriers.base import CARRIER_NAME
from mock_carriers.core.cors import CorsPolicy

RESERVED = ("admin", "ns")  # the admin contract's name; the `/ns/<namespace>/...` path prefix
HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")
REGISTRY_END = re.compile(r"\n    \)\n\)\n")  # the close of `CARRIERS = CarrierRegistry((...))`, as formatted


class ScaffoldError(ValueError):
    """Why nothing was written."""


@dataclass(frozen=True)
class Framework:
    """What a carrier built on one web framework configures in core, as code snippets."""

    imports: str
    dialect: str
    route_table: str
    route_imports: str  # what route_table needs imported in api.py, each line ending in a newline
    routes_doc: str
    rule: str  # the one route, in RouteTable syntax
    cors: dict = field(default_factory=dict)  # CorsPolicy keyword arguments
    error_media: str = "application/json"
    error_schema: str = ""
    error_check: str = ""


FRAMEWORKS = {
    "aspnet": Framework(
        imports="from mock_carriers.core.aspnet.dialects import ProblemDetails\n"
        "from mock_carriers.core.cors import CorsPolicy",
        dialect="ProblemDetails()",
        route_table="RouteTable(case_insensitive=True)",
        route_imports="",
        routes_doc="ASP.NET Core: paths match in any case, a trailing slash is tolerated.",
        rule="/api/shipments/<number>",
        cors={"preflight_status": 204},
        error_media="application/problem+json",
        error_schema="""      type: object
      required: [type, title, status, traceId]
      properties:
        type: {type: string}
        title: {type: string}
        status: {type: integer}
        traceId: {type: string}""",
        error_check='response.mimetype == "application/problem+json" and response.get_json()["title"] == "Not Found"',
    ),
    "drf": Framework(
        imports="from mock_carriers.core.cors import CorsPolicy\n"
        "from mock_carriers.core.drf.dialects import RestFramework",
        dialect='RestFramework("Token")',
        route_table="router()",
        route_imports="from mock_carriers.core.drf.routers import router\n",
        routes_doc="Django REST Framework: exact case, a trailing slash on every path (APPEND_SLASH redirects).",
        rule="/api/shipments/<number>/",
        cors={"max_age": 86400},
        error_schema="""      type: object
      required: [detail]
      additionalProperties: false
      properties:
        detail: {type: string}""",
        error_check='response.get_json() == {"detail": "Not found."}',
    ),
}


def scaffold_carrier(root: Path, name: str, framework: str = "aspnet", hosts: tuple[str, ...] = ()) -> list[Path]:
    """Write the new carrier into the checkout at `root` and register it; answers the files written.
    Every check runs before the first write, so a refusal leaves the checkout as it was."""
    registry_path = root / "mock_carriers" / "carriers" / "__init__.py"
    if not registry_path.is_file() or not (root / "fixtures").is_dir() or not (root / "contracts").is_dir():
        raise ScaffoldError(
            f"{root} is not a mock-carriers checkout (it needs mock_carriers/carriers/__init__.py, "
            "fixtures/ and contracts/): run this at its top, or pass --into"
        )
    if framework not in FRAMEWORKS:
        raise ScaffoldError(f"unknown framework {framework!r}: use {' or '.join(FRAMEWORKS)}")
    package = _check_name(name)
    registry = registry_path.read_text(encoding="utf-8")
    if f'CarrierEntry("{name}"' in registry:
        raise ScaffoldError(f"carrier {name!r} already exists: it is registered in {registry_path}")
    for host in hosts:
        if not HOST.match(host):
            raise ScaffoldError(f"host {host!r} is not a host name (lower case, dotted: api.example.com)")
        if f'"{host}"' in registry:
            raise ScaffoldError(f"host {host!r} already belongs to a carrier in {registry_path}")
    if len(REGISTRY_END.findall(registry)) != 1:
        raise ScaffoldError(f"{registry_path}: cannot find the end of `CARRIERS = CarrierRegistry((...))` to add to")
    files = _files(name, package, FRAMEWORKS[framework])
    for relative in files:
        if (root / relative).exists():
            raise ScaffoldError(f"carrier {name!r} already exists: {root / relative} is there")
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    quoted = [f'"{host}"' for host in hosts]
    hosts_part = f", hosts=({', '.join(quoted)}{',' if len(quoted) == 1 else ''})" if hosts else ""
    entry = f'        CarrierEntry("{name}", "{package}"{hosts_part}),'
    registry_path.write_text(REGISTRY_END.sub(lambda _: f"\n{entry}\n    )\n)\n", registry), encoding="utf-8")
    return [root / relative for relative in files] + [registry_path]


def _check_name(name: str) -> str:
    """The carrier's package name, once `name` is fit to be a URL segment, file name and package."""
    if not CARRIER_NAME.match(name) or len(name) > 40:
        raise ScaffoldError(
            f"{name!r} is not a carrier name: use at most 40 lower-case letters, digits and single "
            "hyphens, starting with a letter (acme-post)"
        )
    package = name.replace("-", "_")
    if name in RESERVED or keyword.iskeyword(package) or package == "base":
        raise ScaffoldError(f"{name!r} is not a carrier name: it is taken by the mock itself or by Python")
    return package


def _files(name: str, package: str, framework: Framework) -> dict[Path, str]:
    """Each file to write, relative to the checkout, with its text."""
    cors = CorsPolicy(**framework.cors)
    values = {
        "carrier": name,
        "package": package,
        "title": name.replace("-", " ").title(),
        "class_name": "".join(part.capitalize() for part in name.split("-")),
        "framework_imports": framework.imports,
        "dialect": framework.dialect,
        "route_table": framework.route_table,
        "route_imports": framework.route_imports,
        "routes_doc": framework.routes_doc,
        "rule": framework.rule,
        "path": re.sub(r"<(\w+)>", r"{\1}", framework.rule),
        "url_prefix": framework.rule.split("<", 1)[0],
        "url_suffix": framework.rule.rsplit(">", 1)[1],
        "cors": f"CorsPolicy({', '.join(f'{key}={value!r}' for key, value in framework.cors.items())})",
        "cors_document": _indent(yaml.safe_dump(cors.describe(), sort_keys=False), 2),
        "error_media": framework.error_media,
        "error_schema": framework.error_schema,
        "error_check": framework.error_check,
    }
    carrier_dir = Path("mock_carriers", "carriers", package)
    return {
        carrier_dir / "__init__.py": _render(INIT, values),
        carrier_dir / "api.py": _render(API, values),
        carrier_dir / "model.py": _render(MODEL, values),
        carrier_dir / "fixture_schema.yaml": _render(FIXTURE_SCHEMA, values),
        Path("fixtures", f"{name}.yaml"): _render(FIXTURE, values),
        Path("contracts", f"{name}.openapi.yaml"): _render(CONTRACT, values),
        Path("tests", package, f"test_{package}.py"): _render(TEST, values),
    }


def _render(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda hole: values[hole.group(1)], template).lstrip("\n")


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line for line in text.splitlines(keepends=True)).rstrip("\n")


INIT = '''
"""{{title}}: made by `mock-carriers scaffold carrier`; docs/adding-a-carrier.md says what to fill in."""

from mock_carriers.carriers.base import Carrier, described
from mock_carriers.carriers.{{package}}.api import build_routes
from mock_carriers.carriers.{{package}}.model import {{class_name}}Model
{{framework_imports}}


def describe(fixtures) -> dict:
    """The namespace document's part for this carrier: its credentials (none yet) and magic references."""
    return described(fixtures, {})


CARRIER = Carrier(
    name="{{carrier}}",
    routes=build_routes(),
    dialect={{dialect}},
    model_factory={{class_name}}Model,
    describe=describe,
    cors={{cors}},  # what the real API answers browsers is a guess until a source says
)
'''

API = '''
"""{{title}} over HTTP: each route reads the request, asks the model, and writes the carrier's JSON."""

from __future__ import annotations

from datetime import timezone

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.{{package}}.model import {{class_name}}Model
{{route_imports}}from mock_carriers.core.errors import json_response
from mock_carriers.core.routing import RouteTable


def get_shipment(ctx: RequestContext, number: str) -> Response:
    model: {{class_name}}Model = ctx.model
    view = model.read(number)
    return json_response({
        "number": view.number,
        "status": view.status,
        "events": [{"status": event.data["status"],
                    "at": event.at.astimezone(timezone.utc).isoformat(timespec="seconds")} for event in view.events],
    })


def build_routes() -> RouteTable:
    """{{routes_doc}}"""
    routes = {{route_table}}
    routes.add(["GET"], "{{rule}}", get_shipment, "getShipment")
    return routes
'''

MODEL = '''
"""{{title}} state and rules: shipments walking their timelines.

No Flask here: the model answers plain values and raises core errors; api.py renders them.
These timelines only answer reads; events that must send a webhook (or change state) as they
fall due start their timeline on the namespace instead: `namespace.timelines.start(steps, on_due)`
(docs/adding-a-carrier.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from mock_carriers.core.errors import NotFound
from mock_carriers.core.lifecycle import Occurred, Timeline, steps_from_fixture
from mock_carriers.core.namespaces import Namespace

PENDING = "Pending"  # the status while no event is due yet


@dataclass(frozen=True)
class ShipmentView:
    """A shipment as of one read: its number and the events due so far."""

    number: str
    events: list[Occurred]  # oldest first

    @property
    def status(self) -> str:
        return self.events[-1].data["status"] if self.events else PENDING


class {{class_name}}Model:
    """One namespace's shipments; the fixture data is shared, the walking state is this namespace's."""

    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace) -> None:
        self._shipments = fixtures["shipments"]
        self._clock = namespace.clock
        self._origin = namespace.started_at
        self._timelines: dict[str, Timeline] = {}  # made on first read

    def read(self, number: str) -> ShipmentView:
        """A shipment as it stands now; each read counts as one poll of its timeline."""
        data = self._shipments.get(number)
        if data is None:
            raise NotFound(f"shipment {number!r} not found")
        timeline = self._timelines.get(number)
        if timeline is None:
            timeline = self._timelines[number] = Timeline(steps_from_fixture(data["events"], self._origin))
        return ShipmentView(number, timeline.poll(self._clock.now()))
'''

FIXTURE_SCHEMA = """
# JSON Schema (2020-12) of fixtures/{{carrier}}.yaml and of namespace overlays for it.
$schema: https://json-schema.org/draft/2020-12/schema
title: {{title}} fixtures
type: object
required: [references, shipments]
additionalProperties: false
properties:
  references:
    description: Magic shipment numbers by outcome (delivered, walking_by_polls, not_found, ...).
    type: object
    additionalProperties: {type: string, minLength: 1}
  shipments:
    type: object
    propertyNames: {pattern: "^[A-Za-z0-9-]{1,40}$"}
    additionalProperties: {$ref: "#/$defs/shipment"}
$defs:
  when:
    description: A time relative to the namespace's start ("-2d", "+90m") or an ISO-8601 instant.
    type: string
    format: relative-time
  shipment:
    type: object
    required: [events]
    additionalProperties: false
    properties:
      events:
        type: array
        items: {$ref: "#/$defs/event"}
  event:
    type: object
    required: [status]
    oneOf:
      - required: [at]
      - required: [after_polls]
    additionalProperties: false
    properties:
      status: {type: string, minLength: 1}
      at: {$ref: "#/$defs/when"}
      after_polls: {type: integer, minimum: 0}
"""

FIXTURE = """
# The default {{title}} world. Times are relative to the namespace's start ("-2d", "+90m"),
# or `after_polls: N` (due once the shipment has been read more than N times).
references:
  delivered: TRK10001
  walking_by_polls: TRK10002
  not_found: TRK99999

shipments:
  TRK10001:
    events:
      - {status: Collected, at: "-2d"}
      - {status: In Transit, at: "-1d"}
      - {status: Delivered, at: "-2h"}
  TRK10002:
    events:
      - {status: Collected, at: "-1h"}
      - {status: In Transit, after_polls: 1}
      - {status: Delivered, after_polls: 2}
"""

CONTRACT = """
openapi: 3.1.0
x-mock-cors:
  description: |
    How the mock answers browsers from other origins (see docs/adding-a-carrier.md). Whether the
    real API answers browsers at all is not known yet.
  x-mock-guess: true
{{cors_document}}
info:
  title: {{title}} API (as mock-carriers serves it)
  version: "0.1"
  description: |
    Made by `mock-carriers scaffold carrier`. Replace it with the API as the carrier documents it,
    and mark with `x-mock-guess: true` whatever no source shows.
servers:
  - url: http://127.0.0.1:8080/{{carrier}}
    description: mock-carriers on its default port.
paths:
  {{path}}:
    get:
      operationId: getShipment
      summary: A shipment and the events due so far (each read counts as one poll of its timeline).
      x-mock-guess: true
      parameters:
        - name: number
          in: path
          required: true
          schema: {type: string}
      responses:
        "200":
          description: The shipment as it stands now.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Shipment"
        "404":
          description: No shipment has this number.
          x-mock-guess: true
          content:
            {{error_media}}:
              schema:
                $ref: "#/components/schemas/NotFound"
components:
  schemas:
    Shipment:
      type: object
      required: [number, status, events]
      additionalProperties: false
      properties:
        number: {type: string}
        status: {type: string}
        events:
          type: array
          items:
            type: object
            required: [status, at]
            additionalProperties: false
            properties:
              status: {type: string}
              at: {type: string, format: date-time}
    NotFound:
{{error_schema}}
"""

TEST = '''
"""{{title}} through HTTP: the scaffold's first route. Grow these with the carrier's real behaviour."""

import pytest

PREFIX = "/{{carrier}}"


@pytest.fixture
def references(client) -> dict:
    return client.get("/__admin/namespaces/default").get_json()["carriers"]["{{carrier}}"]["references"]


def shipment_url(number: str) -> str:
    return f"{PREFIX}{{url_prefix}}{number}{{url_suffix}}"


def test_a_delivered_shipment_shows_its_events(client, references):
    response = client.get(shipment_url(references["delivered"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "Delivered"
    assert [event["status"] for event in body["events"]] == ["Collected", "In Transit", "Delivered"]


def test_a_shipment_walks_as_it_is_read(client, references):
    url = shipment_url(references["walking_by_polls"])
    assert [client.get(url).get_json()["status"] for _ in range(3)] == ["Collected", "In Transit", "Delivered"]


def test_an_unknown_shipment_is_the_carriers_404(client, references):
    response = client.get(shipment_url(references["not_found"]))
    assert response.status_code == 404
    assert {{error_check}}
'''
