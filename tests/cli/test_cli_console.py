"""What `mock-carriers serve` prints while it runs, read from a real process: a line per request,
violations under their request, warnings in the same form, --quiet and --log-format json."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import subprocess
import threading

import pytest
import requests
from launching import MOCK_CARRIERS, Ahead, Launched, terminate
from support import BEX_LOGIN

from mock_carriers.console import Console

TIME = r"\d\d:\d\d:\d\d\.\d{3}"


class Served:
    """A `serve` process whose stdout and stderr lines are read as they come; `ready()` once it listens."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        self.process = subprocess.Popen(
            [*MOCK_CARRIERS, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(
                target=lambda s=stream, q=lines: [q.put(line.rstrip("\n")) for line in s], daemon=True
            ).start()
        self.url = self.dashboard = ""

    def ready(self) -> Served:
        """Waits for its two start-up lines (the URL, then the dashboard's), once."""
        if not self.url:
            first, second = self.out.get(timeout=60), self.out.get(timeout=60)
            self.url = json.loads(first)["url"] if first.startswith("{") else first.split()[-1]
            self.dashboard = json.loads(second)["url"] if second.startswith("{") else second.split()[-1]
        return self

    def lines(self, source: queue.Queue, count: int) -> list[str]:
        return [source.get(timeout=10) for _ in range(count)]

    def nothing_more(self, source: queue.Queue) -> bool:
        try:
            source.get(timeout=0.3)
        except queue.Empty:
            return True
        return False

    def stop(self) -> None:
        terminate(self.process)


BAD_LOG_FORMAT = [*MOCK_CARRIERS, "serve", "--log-format", "xml"]
CROWDED = ("--max-namespaces", "1", "--namespace-idle", "0")


@pytest.fixture(scope="module")
def ahead():
    """Each test's own process (the dashboard tests share those they only read), started ahead."""
    processes = Ahead(
        {
            "plain": lambda: Served(),
            "strict": lambda: Served("--strict"),
            "quiet strict": lambda: Served("--quiet", "--strict"),
            "strict, json by the environment": lambda: Served("--strict", env={"MOCK_CARRIERS_LOG_FORMAT": "json"}),
            "crowded text": lambda: Served(*CROWDED, "--log-format", "text"),
            "crowded json": lambda: Served(*CROWDED, "--log-format", "json"),
            "json": lambda: Served("--log-format", "json"),
            "bad log format": lambda: Launched(BAD_LOG_FORMAT),
        }
    )
    yield processes
    processes.stop()


@pytest.fixture
def serve(ahead):
    """The running server a test names."""
    return lambda name: ahead[name].ready()


def _login(url: str, prefix: str = "") -> requests.Response:
    return requests.post(f"{url}{prefix}/bex/api/service/login", json=BEX_LOGIN, timeout=5)


def _bad_quote(url: str) -> None:
    requests.post(f"{url}/ns/t1/parcel2go/api/quotes", json={"Parcels": "x"}, timeout=5)


def test_a_line_per_request(serve):
    served = serve("plain")
    _login(served.url)
    requests.put(f"{served.url}/__admin/namespaces/t9", timeout=5)  # the admin API: no line
    requests.post(
        f"{served.url}/__admin/namespaces/t9/faults",
        timeout=5,
        json={"carrier": "bex", "effect": "status", "status": 503, "times": 1},
    )
    _login(served.url, "/ns/t9")
    first, second = served.lines(served.out, 2)
    assert re.fullmatch(TIME + r"  default  bex:login  POST /bex/api/service/login  200  \d+\.\d ms", first), first
    assert re.fullmatch(
        TIME + r"  t9  bex:login  POST /ns/t9/bex/api/service/login  503  \d+\.\d ms  \[status\]", second
    ), second
    assert served.nothing_more(served.out)


def test_strict_mode_violations_print_under_their_request_once(serve):
    served = serve("strict")
    _bad_quote(served.url)
    line = served.out.get(timeout=10)
    assert re.fullmatch(
        TIME + r"  t1  parcel2go:getQuotes  POST /ns/t1/parcel2go/api/quotes  400  \d+\.\d ms  "
        r"\d+ violations",
        line,
    ), line
    count = int(line.split()[-2])
    details = served.lines(served.out, count)
    assert all(detail.startswith("    ! request body $.") and "[rule: " in detail for detail in details)
    assert any("$.Parcels" in detail for detail in details)
    assert served.nothing_more(served.err)  # strict mode's own log line is not repeated on stderr


def test_quiet_prints_only_the_violations(serve):
    served = serve("quiet strict")
    _login(served.url)
    _bad_quote(served.url)
    line = served.out.get(timeout=10)
    assert re.match(
        TIME + r"  WARNING  contract violation: t1  parcel2go:getQuotes  POST /ns/t1/parcel2go/api/quotes"
        r"  400: request body \$\.",
        line,
    ), line
    assert "bex:login" not in line


def test_json_lines(serve):
    served = serve("strict, json by the environment")
    _login(served.url)
    _bad_quote(served.url)
    login, quote = (json.loads(line) for line in served.lines(served.out, 2))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", login["time"])
    assert {
        key: login[key]
        for key in (
            "level",
            "event",
            "namespace",
            "carrier",
            "operation",
            "method",
            "path",
            "status",
            "faults",
            "violations",
            "entry",
        )
    } == {
        "level": "info",
        "event": "request",
        "namespace": "default",
        "carrier": "bex",
        "operation": "login",
        "method": "POST",
        "path": "/bex/api/service/login",
        "status": 200,
        "faults": [],
        "violations": 0,
        "entry": 1,
    }
    assert quote["level"] == "warning" and quote["violations"] == len(quote["contract_violations"]) > 0
    assert {"in", "json_path", "rule", "message"} <= set(quote["contract_violations"][0])


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_servers_warnings_take_the_same_form(serve, log_format):
    served = serve(f"crowded {log_format}")
    for name in ("a", "b"):
        requests.put(f"{served.url}/__admin/namespaces/{name}", timeout=5)
    warning = served.err.get(timeout=10)
    if log_format == "json":
        document = json.loads(warning)
        assert document["level"] == "warning" and document["message"].startswith("namespace 'a' dropped")
    else:
        assert re.match(TIME + r"  WARNING  namespace 'a' dropped", warning), warning


def test_the_listening_line_in_json_names_the_url(serve):
    served = serve("json")
    assert served.url.startswith("http://127.0.0.1:") and _login(served.url).ok


@pytest.mark.parametrize("name", ["plain", "json"])  # plain: the default log format, text
def test_the_next_line_links_the_dashboard(serve, name):
    served = serve(name)
    assert served.dashboard == f"{served.url}/__admin/ui/"
    page = requests.get(served.dashboard, timeout=10)
    assert page.status_code == 200 and "<title>Namespaces" in page.text


def test_a_bad_log_format_is_refused(ahead):
    result = ahead["bad log format"].result()
    assert result.returncode == 2 and "'xml' is not one of 'text', 'json'" in result.stderr


def test_a_console_that_went_away_breaks_no_request(make_app):
    gone = io.StringIO()
    gone.close()
    client = make_app(on_request=Console(out=gone).request).test_client()
    assert client.post("/bex/api/service/login", json=BEX_LOGIN).status_code == 200


def test_the_hook_sees_each_journaled_request_with_its_namespace(make_app):
    seen = []
    client = make_app(
        on_request=lambda namespace, entry: seen.append((namespace, entry.operation, entry.status))
    ).test_client()
    client.post("/ns/hooked/bex/api/service/login", json=BEX_LOGIN)
    client.get("/__admin/health")
    assert seen == [("hooked", "login", 200)]
