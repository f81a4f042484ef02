"""The dashboard's cost (issue 20). Nothing at start-up when nobody opens it: `serve` to its first
200, and create_app plus a first request in a fresh interpreter, each with the dashboard's routes
mounted as shipped and with them taken out, and how many of its modules are loaded then. Then what
the first opening costs, the server-side render of a traffic view of 1,000 journal entries (target
under 200 ms) and of its charts, and the bytes of the whole dashboard. `python -m bench.dashboard`
runs it alone."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import requests

from bench.core_platform import _as_installed

_SERVE = """
import sys
if %(without)r:
    import mock_carriers.admin.dashboard as dashboard
    dashboard.mount = lambda app: None
from mock_carriers.cli import main
main(["serve", "--port", "0", "--quiet"])
"""

_START = """
import sys, time
started = time.perf_counter()
if %(without)r:
    import mock_carriers.admin.dashboard as dashboard
    dashboard.mount = lambda app: None  # the server as it would be without the dashboard
from mock_carriers import create_app
client = create_app().test_client()
assert client.get("/__admin/health").status_code == 200
elapsed = (time.perf_counter() - started) * 1000
loaded = sum(name.startswith("mock_carriers.admin.ui") for name in sys.modules)
started = time.perf_counter()
opened = client.get("/__admin/ui/").status_code if not %(without)r else 0
print(elapsed, loaded, (time.perf_counter() - started) * 1000, opened)
"""


def start_up(runs: int) -> dict[str, float]:
    """Medians over fresh interpreters, alternating with and without the dashboard's routes."""
    samples: dict[str, list[float]] = {"with": [], "without": [], "loaded": [], "first_open": []}
    for _ in range(runs):
        for without in (False, True):
            out = subprocess.run(
                [sys.executable, "-c", _START % {"without": without}],
                capture_output=True,
                text=True,
                check=True,
                env=_as_installed(),
            ).stdout.split()
            samples["without" if without else "with"].append(float(out[0]))
            if not without:
                assert out[3] == "200", out
                samples["loaded"].append(float(out[1]))
                samples["first_open"].append(float(out[2]))
    return {key: statistics.median(values) for key, values in samples.items()}


def serve_start(runs: int) -> dict[str, float]:
    """Median ms from spawning `serve --port 0` to its first 200, alternating with and without the
    dashboard's routes."""
    samples: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(runs):
        for without in (False, True):
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-c", _SERVE % {"without": without}],
                stdout=subprocess.PIPE,
                text=True,
                env=_as_installed(),
            )
            url = process.stdout.readline().split()[-1]
            while True:
                try:
                    if requests.get(f"{url}/__admin/health", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.001)
            samples["without" if without else "with"].append((time.perf_counter() - started) * 1000)
            process.terminate()
            process.wait()
    return {key: statistics.median(values) for key, values in samples.items()}


def traffic_render(runs: int, entries: int = 1000) -> dict[str, float]:
    """Median ms, in-process, of the traffic view's fragment (every entry rendered), of the admin
    API's journal alone (the part of it that is the admin API's), and of the charts, over a journal
    of `entries` Border Express requests."""
    from mock_carriers import create_app

    app = create_app()
    client = app.test_client()
    form = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"}
    token = client.post("/border-express/token", data=form).get_json()["access_token"]
    for index in range(entries - 1):
        path = "/border-express/api/v1/consignments/" + ("BE10000001/Statuses" if index % 10 else "BE99999999")
        client.get(path, headers={"Authorization": f"bearer {token}"})
    timed = {
        "traffic": "/__admin/ui/fragments/traffic?ns=default",
        "journal": "/__admin/namespaces/default/journal",
        "charts": "/__admin/ui/fragments/charts?ns=default",
    }
    figures = {}
    for name, path in timed.items():
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        figures[name] = statistics.median(samples)
    rendered = client.get(timed["traffic"]).get_data(as_text=True)
    assert rendered.count('<details class="entry') == entries
    figures["traffic_bytes"] = len(rendered.encode())
    figures["dashboard_bytes"] = sum(
        len(client.get(path).data)
        for path in (
            "/__admin/ui/",
            "/__admin/ui/traffic",
            "/__admin/ui/webhooks",
            "/__admin/ui/faults",
            "/__admin/ui/clock",
            "/__admin/ui/static/dashboard.js",
            "/__admin/ui/static/dashboard.css",
        )
    )
    app.extensions["mock_carriers"].namespaces.close()
    return figures


def run(quick: bool = False) -> list[dict]:
    started = start_up(5 if quick else 15)
    served = serve_start(5 if quick else 15)
    render = traffic_render(5 if quick else 20)
    return [
        {"name": "cold start: serve to first 200, with the dashboard", "value": served["with"], "unit": "ms"},
        {"name": "cold start: serve to first 200, without it", "value": served["without"], "unit": "ms"},
        {"name": "create_app + first request, with the dashboard's routes", "value": started["with"], "unit": "ms"},
        {"name": "create_app + first request, without them", "value": started["without"], "unit": "ms"},
        {"name": "dashboard modules loaded at start-up", "value": started["loaded"], "unit": "", "target": "0"},
        {"name": "dashboard: first page opened (imports, templates)", "value": started["first_open"], "unit": "ms"},
        {
            "name": "traffic view, 1,000 entries, server-side render",
            "value": render["traffic"],
            "unit": "ms",
            "target": "< 200 ms",
        },
        {"name": "  of which the admin API's journal of 1,000", "value": render["journal"], "unit": "ms"},
        {"name": "traffic charts of 1,000 entries", "value": render["charts"], "unit": "ms"},
        {"name": "traffic view of 1,000 entries, HTML", "value": render["traffic_bytes"] / 1000, "unit": "kB"},
        {
            "name": "whole dashboard (5 pages, script, style)",
            "value": render["dashboard_bytes"] / 1000,
            "unit": "kB",
            "target": "< 300 kB",
        },
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        target = f"   target {row['target']}" if row.get("target") else ""
        print(f"{row['name']:<58} {row['value']:>10.3f} {row['unit']:<4}{target}")
