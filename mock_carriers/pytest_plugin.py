"""pytest plugin (auto-registered): `carriers_server`, `carriers`, `carriers_proxy`, `webhook_sink`
and `carriers_conformance` fixtures.

    def test_tracking(carriers):
        client = MyClient(carriers.url("border-express"), **carriers.credentials("border-express"))

Each test gets a fresh namespace, dropped afterwards, so tests (and pytest-xdist workers) never
share state. `--mock-carriers-url` (or MOCK_CARRIERS_URL) uses a server already running, e.g. a
container, checked once as the session starts; otherwise one starts in-process (on a free loopback
port unless `--mock-carriers-host` / `--mock-carriers-port` say otherwise), once per session.

`carriers_proxy` is the same namespace with HTTPS_PROXY (and the CA bundle) set for the test, so a
client that hard-codes `https://www.parcel2go.com` and the like reaches it unchanged.

The namespace is in strict mode: a request that breaks its carrier's contract fails the test that
sent it, with the rule and the JSON path, and a test that failed anyway (its client raising on the
refusal, say) shows them too (`--mock-carriers-strict=off`, or the marker `carriers_strict(False)`,
turns that off).

`carriers_conformance` grades a driver (a Python callable, or a command) with the client
conformance kit against the session's server, and fails the test with the report card when a
required check fails.
"""

from __future__ import annotations

import difflib
import os
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterator

import pytest

if TYPE_CHECKING:
    from mock_carriers.client import MockCarriers, Sandbox
    from mock_carriers.kit import Report
    from mock_carriers.webhook_sink import WebhookSink

SCENARIO = "carriers_scenario"
SCENARIO_ALIAS = "carrier_scenario"  # the first spelling, kept working with a deprecation warning
STRICT = "carriers_strict"
_REPORT = pytest.StashKey[str]()  # the violation report of a test that failed for another reason


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-carriers")
    group.addoption(
        "--mock-carriers-url",
        default=os.environ.get("MOCK_CARRIERS_URL"),
        help="use the mock-carriers server at this URL instead of starting one",
    )
    group.addoption(
        "--mock-carriers-admin-token",
        default=os.environ.get("MOCK_CARRIERS_ADMIN_TOKEN"),
        help="admin token of that server, if it has one",
    )
    group.addoption(
        "--mock-carriers-strict",
        choices=("on", "off"),
        default="on",
        help="fail a test whose requests break a carrier's contract (default: on)",
    )
    group.addoption(
        "--mock-carriers-host",
        default=None,
        help="address the in-process server binds (default: 127.0.0.1; 0.0.0.0 for a client in a container)",
    )
    group.addoption(
        "--mock-carriers-port",
        type=int,
        default=None,
        help="port of the in-process server (default: a free one); pytest-xdist worker N uses PORT+N",
    )
    group.addoption(
        "--mock-carriers-sink-host",
        default="127.0.0.1",
        help="address the webhook_sink fixture binds (default: 127.0.0.1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SCENARIO}(path): apply this scenario file (relative to the test "
        "file) to the test's `carriers` namespace first",
    )
    config.addinivalue_line("markers", f"{SCENARIO_ALIAS}(path): deprecated spelling of {SCENARIO}")
    config.addinivalue_line(
        "markers",
        f"{STRICT}(on): whether the test's `carriers` namespace checks "
        "requests against the contracts (default: --mock-carriers-strict)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """A server given by URL that cannot serve the session is one usage error, before any test
    (not the same traceback in every test). Checked once, by the xdist controller or the only process."""
    config = session.config
    url = config.getoption("--mock-carriers-url")
    port = config.getoption("--mock-carriers-port")
    if port is not None and not 0 <= port <= 65535:
        raise pytest.UsageError(f"--mock-carriers-port {port}: a port is 0 (a free one) to 65535")
    if not url or hasattr(config, "workerinput"):
        return
    if config.getoption("--mock-carriers-host") is not None or port is not None:
        raise pytest.UsageError(
            "--mock-carriers-host and --mock-carriers-port are for the server the plugin "
            "starts; with --mock-carriers-url (or MOCK_CARRIERS_URL) it uses that one"
        )
    problem = _unusable(url, config.getoption("--mock-carriers-admin-token"))
    if problem:
        raise pytest.UsageError(f"--mock-carriers-url (or MOCK_CARRIERS_URL) {url}: {problem}")


def _unusable(url: str, token: str | None) -> str | None:
    """Why the server at `url` cannot serve the tests, if it cannot."""
    import requests

    from mock_carriers.client import AdminError, MockCarriers

    try:
        health = MockCarriers.connect(url, token).health()
    except ValueError:
        return "give the scheme and host, such as http://127.0.0.1:8080"
    except AdminError as error:
        if error.status == 401:
            return (
                "the server has an admin token: give it with --mock-carriers-admin-token (or MOCK_CARRIERS_ADMIN_TOKEN)"
            )
        return f"not a mock-carriers server? GET /__admin/health answered {error.status}: {str(error.body)[:120]}"
    except requests.RequestException as error:
        return (
            f"no server answers ({type(error).__name__}): start one (mock-carriers serve, or its container), "
            f"or leave the option out to start one in-process"
        )
    if not isinstance(health, dict) or health.get("status") != "ok":
        return f"not a mock-carriers server? GET /__admin/health answered {str(health)[:120]}"
    return None


@pytest.fixture(scope="session")
def carriers_server(request: pytest.FixtureRequest) -> Iterator[MockCarriers]:
    """The MockCarriers server of this test session (per xdist worker)."""
    from mock_carriers.client import MockCarriers

    config = request.config
    url = config.getoption("--mock-carriers-url")
    if url:
        mock = MockCarriers.connect(url, config.getoption("--mock-carriers-admin-token"))
    else:
        port = config.getoption("--mock-carriers-port")
        if port:  # one port per xdist worker: gw0 gets PORT, gw1 PORT+1, ...
            port += int(getattr(config, "workerinput", {}).get("workerid", "gw0").removeprefix("gw") or 0)
        mock = MockCarriers.start(host=config.getoption("--mock-carriers-host"), port=port)
    yield mock
    mock.stop()


@pytest.fixture
def carriers(carriers_server: MockCarriers, request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A fresh Sandbox (namespace) for one test, dropped after it; with the `carriers_scenario`
    marker, the scenario's world (its own `namespace` is ignored: each test keeps its own)."""
    sandbox = carriers_server.sandbox(strict=_strict(request))
    marker = next((mark for mark in request.node.iter_markers() if mark.name in (SCENARIO, SCENARIO_ALIAS)), None)
    if marker is not None:
        if marker.name == SCENARIO_ALIAS:
            request.node.warn(
                pytest.PytestDeprecationWarning(
                    f"@pytest.mark.{SCENARIO_ALIAS} is deprecated: spell it @pytest.mark.{SCENARIO}, as the "
                    f"{STRICT} marker and the carriers fixtures are spelt"
                )
            )
        sandbox.apply_scenario(request.path.parent / marker.args[0])
    yield sandbox
    sandbox.drop()


def _strict(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker(STRICT)
    if marker is not None:
        return bool(marker.args[0]) if marker.args else True
    option: str = request.config.getoption("--mock-carriers-strict")
    return option == "on"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A misspelt marker of ours (`carrier_strict`, `carriers_scenarios`) would be ignored with a
    mere warning, and the test would run in a world it did not ask for: make it an error."""
    registered = {line.split(":")[0].split("(")[0].strip() for line in item.config.getini("markers")}
    for mark in item.iter_markers():
        if mark.name.startswith("carrier") and mark.name not in registered:
            ours = [SCENARIO, STRICT]
            close = difflib.get_close_matches(mark.name, ours, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            pytest.fail(
                f"unknown marker @pytest.mark.{mark.name}{hint}: mock-carriers' markers are {', '.join(ours)}",
                pytrace=False,
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """After a test passes, fail it if its requests broke a carrier's contract; after it fails for
    another reason, keep the violations for its report, since they often are the reason."""
    try:
        result = yield
    except (Exception, pytest.fail.Exception):
        try:
            report = _violation_report(item)
        except Exception:  # the server is gone, say: the test's own failure is what to show
            report = None
        if report:
            item.stash[_REPORT] = report
        raise
    report = _violation_report(item)
    if report:
        pytest.fail(
            report + "\n  (a test that breaks the contract on purpose: carriers.violations(clear=True) "
            "takes them, or mark it carriers_strict(False))",
            pytrace=False,
        )
    return result


def _violation_report(item: pytest.Item) -> str | None:
    sandbox = getattr(item, "funcargs", {}).get("carriers")
    if sandbox is None or not sandbox.document.get("strict"):
        return None
    violations = sandbox.violations()
    if not violations:
        return None
    from mock_carriers.client import violation_report

    return violation_report(violations)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    text = item.stash.get(_REPORT, None)
    if call.when == "call" and text and report.failed:
        addsection = getattr(report.longrepr, "addsection", None)  # a traceback's report has sections
        if addsection is not None:
            addsection("mock-carriers strict mode", text)
        else:
            report.longrepr = f"{report.longrepr}\n\n{text}"
    return report


@pytest.fixture
def carriers_proxy(carriers: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The test's `carriers` namespace, with the environment set (for the test only) so that a
    client calling the carriers' real hosts over HTTPS reaches it through the mock as a proxy,
    trusting the mock's CA: the client runs with no change at all."""
    for name, value in carriers.proxy_env().items():
        monkeypatch.setenv(name, value)
    return carriers


@pytest.fixture
def webhook_sink(request: pytest.FixtureRequest) -> Iterator[WebhookSink]:
    """A real webhook receiver (on 127.0.0.1, or --mock-carriers-sink-host) that records requests
    and answers chosen statuses."""
    from mock_carriers.webhook_sink import WebhookSink

    sink = WebhookSink(host=request.config.getoption("--mock-carriers-sink-host"))
    yield sink
    sink.stop()


@pytest.fixture
def carriers_conformance(carriers_server: MockCarriers) -> Callable[..., Report]:
    """`carriers_conformance(carrier, task, driver, **options)`: run the conformance kit's checks
    against `driver` (a callable `driver(run)`, or a command as a list of arguments) on the
    session's server, the same engine as `mock-carriers conform`. Fails the test with the report
    card when a required check fails (`fail=False` does not); answers the Report either way."""
    from mock_carriers.kit import Options, conform, table

    def grade(
        carrier: str,
        task: str,
        driver: Any,
        *,
        only: tuple[str, ...] = (),
        skip: tuple[str, ...] = (),
        seed: int = 0,
        request_timeout: float = 5.0,
        task_timeout: float = 20.0,
        workers: int = 6,
        proxy: bool = False,
        hints: dict[str, Any] | None = None,
        fail: bool = True,
    ) -> Report:
        options = Options(
            seed=seed,
            only=tuple(only),
            skip=tuple(skip),
            request_timeout=request_timeout,
            task_timeout=task_timeout,
            workers=workers,
            proxy=proxy,
            hints=dict(hints or {}),
        )
        report = conform(carriers_server, carrier, task, driver, options)
        if fail and not report.passed:
            pytest.fail(table(report), pytrace=False)
        return report

    return grade
