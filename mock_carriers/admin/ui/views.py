"""The dashboard's pages, fragments and assets. A page is a shell (navigation, forms, empty
containers) that holds no state, so it needs no admin token; the script fills each container with a
fragment, HTML rendered here from what the admin API answers the caller (admin_calls.py), and sends
every change to the admin API itself. Jinja escapes everything it prints, and a Content-Security-
Policy lets no script run but the dashboard's own file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2
from flask import Response, current_app, request, send_from_directory

from mock_carriers import __version__
from mock_carriers.admin.dashboard import PREFIX
from mock_carriers.admin.ui import charts, fault_form, present, timeline
from mock_carriers.admin.ui.admin_calls import Refused, admin_get, segment
from mock_carriers.core.errors import NotFound

HERE = Path(__file__).resolve().parent
PAGES = {
    "namespaces": "Namespaces",
    "traffic": "Traffic",
    "webhooks": "Webhooks",
    "faults": "Faults",
    "clock": "Clock and tokens",
}
ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
TRAFFIC_LIMIT = 1000  # entries a traffic view shows (the journal keeps 1,000 by default)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, .svg included
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(present.FILTERS)
    return environment


def _html(template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
    text = _templates().get_template(template).render(prefix=PREFIX, version=__version__, **context)
    return Response(text, status, {**SECURITY_HEADERS, **(headers or {})}, mimetype="text/html")


def _state():
    return current_app.extensions["mock_carriers"]


def _namespace() -> str:
    return request.args.get("ns") or "default"


def page(view: str) -> Response:
    if view not in PAGES:
        raise NotFound(f"no dashboard page {view[:80]!r}; the pages are {', '.join(PAGES)}")
    state = _state()
    carriers = [state.carriers.load(name) for name in state.carriers.names]
    return _html(
        f"{view}.html",
        view=view,
        pages=PAGES,
        ns=_namespace(),
        carriers=[carrier.name for carrier in carriers],
        operations={carrier.name: sorted({route.operation_id for route in carrier.routes}) for carrier in carriers},
        events={carrier.name: list(carrier.webhook_events) for carrier in carriers if carrier.webhook_events},
        form=fault_form.build(state.contracts.contract("admin").document) if view == "faults" else None,
    )


def asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound(f"no dashboard file {name[:80]!r}")
    response = send_from_directory(HERE / "static", name, mimetype=ASSETS[name], max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def fragment(name: str) -> Response:
    render = FRAGMENTS.get(name)
    if render is None:
        raise NotFound(f"no dashboard fragment {name[:80]!r}")
    try:
        return render()
    except Refused as refused:  # the admin API's own answer (401 without the token, 400 naming the field, ...)
        response = refused.response
        response.headers.update(SECURITY_HEADERS)
        return response


def _namespaces() -> Response:
    return _html("fragments/namespaces.html", namespaces=admin_get("/namespaces")["namespaces"])


def _namespace_options() -> Response:
    return _html("fragments/namespace_options.html", namespaces=admin_get("/namespaces")["namespaces"])


def _scenario_options() -> Response:
    return _html("fragments/scenario_options.html", scenarios=admin_get("/scenarios")["scenarios"])


def _traffic() -> Response:
    """The newest entries first; with `since`, only the newer ones (the page adds them on top)."""
    args = request.args
    since = args.get("since") or "0"
    journal = admin_get(
        f"/namespaces/{segment(_namespace())}/journal",
        since=since,
        limit=TRAFFIC_LIMIT,
        **{key: args.get(key) for key in ("carrier", "operation", "status", "faulted", "violated")},
    )
    lines = [present.line(entry) for entry in reversed(journal["entries"])]
    newest = lines[0].id if lines else since
    return _html(
        "fragments/traffic.html",
        headers={"X-Journal-Last-Id": str(journal["last_id"]), "X-Journal-Newest": str(newest)},
        ns_query=quote(journal["namespace"], safe=""),
        lines=lines,
    )


def _entry() -> Response:
    ns = _namespace()
    entry = admin_get(f"/namespaces/{segment(ns)}/journal/{segment(request.args.get('id') or '-')}")
    parts = {side: present.body(entry[side], entry[side]["headers"]) for side in ("request", "response")}
    return _html("fragments/entry.html", ns=ns, entry=entry, bodies=parts, download_name=present.download_name)


def _charts() -> Response:
    journal = admin_get(f"/namespaces/{segment(_namespace())}/journal")
    return _html("fragments/charts.html", charts=charts.build(journal["entries"]), classes=charts.CLASSES)


def _webhooks() -> Response:
    outbox = admin_get(f"/namespaces/{segment(_namespace())}/webhooks")
    deliveries = list(reversed(outbox["deliveries"]))
    return _html(
        "fragments/webhooks.html",
        ns=outbox["namespace"],
        outbox=outbox,
        deliveries=deliveries,
        timelines={delivery["id"]: timeline.build(delivery) for delivery in deliveries},
    )


def _faults() -> Response:
    ns = _namespace()
    return _html("fragments/faults.html", ns=ns, faults=admin_get(f"/namespaces/{segment(ns)}/faults")["faults"])


def _clock() -> Response:
    ns = _namespace()
    return _html("fragments/clock.html", ns=ns, clock=admin_get(f"/namespaces/{segment(ns)}/clock"))


FRAGMENTS: dict[str, Callable[[], Response]] = {
    "namespaces": _namespaces,
    "namespace-options": _namespace_options,
    "scenario-options": _scenario_options,
    "traffic": _traffic,
    "entry": _entry,
    "charts": _charts,
    "webhooks": _webhooks,
    "faults": _faults,
    "clock": _clock,
}
