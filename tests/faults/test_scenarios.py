"""Scenario files through every way in: the admin API, `mock-carriers scenario apply`,
`serve --scenario` and the pytest marker; and the CLI commands that drive a running server."""

import pytest
import requests
from click.testing import CliRunner
from launching import MOCK_CARRIERS, Ahead, Launched

from mock_carriers.cli import main
from mock_carriers.resources import data_dir

SCENARIOS = sorted(data_dir("scenarios").glob("*.yaml"))
GOOD = b"""namespace: qa-1
seed: 7
fixtures:
  parcel2go: {repeat_payment: reject}
faults:
  - {carrier: bex, effect: status, status: 503}
webhooks:
  - {carrier: parcel2go, url: "http://127.0.0.1:9/hook", secret: abcd}
clock:
  - freeze
  - {set: "2026-01-05T09:00:00Z"}
  - {advance: 10m}
"""


def apply(client, data: bytes, namespace: str = "qa-1"):
    return client.post(f"/__admin/namespaces/{namespace}/scenario", data=data, content_type="application/yaml")


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_every_shipped_scenario_applies(client, path):
    response = apply(client, path.read_bytes(), "shipped")
    assert response.status_code == 201, response.get_json()


def test_a_scenario_sets_up_the_whole_world(client):
    response = apply(client, GOOD)
    assert response.status_code == 201
    body = response.get_json()
    assert body["seed"] == 7 and body["clock"] == {"now": "2026-01-05T09:10:00.000Z", "frozen": True}
    assert [rule["effect"] for rule in body["faults"]] == ["status"]
    assert body["subscriptions"][0]["carrier"] == "parcel2go"
    login = client.post(
        "/ns/qa-1/bex/api/service/login", json={"username": "mock-bex-user", "password": "mock-bex-password"}
    )
    assert login.status_code == 503


def test_json_is_a_scenario_too(client):
    response = client.post("/__admin/namespaces/qa-2/scenario", json={"faults": [{"effect": "malformed"}]})
    assert response.status_code == 201 and len(response.get_json()["faults"]) == 1


@pytest.mark.parametrize(
    "data, field, text",
    [
        (GOOD.replace(b"status: 503", b"status: 404"), "faults[0].status", "line 6:"),
        (GOOD.replace(b"effect: status", b"effect: explode"), "faults[0].effect", "line 6:"),
        (GOOD.replace(b"carrier: bex", b"carrier: dhl"), "faults[0].carrier", "line 6:"),
        (GOOD.replace(b"http://127.0.0.1:9/hook", b"ftp://x"), "webhooks[0].url", "line 8:"),
        (GOOD.replace(b"{advance: 10m}", b"{advance: soon}"), "clock[2].by", "line 12:"),
        (GOOD.replace(b"seed: 7", b"seed: seven"), "seed", "line 2:"),
        (GOOD + b"extra: 1\n", "extra", "line 13: is not a field here"),
        (b"faults: [", "scenario", "not valid YAML"),
        (b"\xff\xfe", "scenario", "UTF-8"),
    ],
)
def test_a_mistake_names_the_field_and_line_and_changes_nothing(client, data, field, text):
    assert apply(client, b"faults:\n  - {effect: malformed}\n").status_code == 201
    response = apply(client, data)
    assert response.status_code == 400
    fields = response.get_json()["fields"]
    assert field in fields and text in " ".join(fields[field]), fields
    assert [r["effect"] for r in client.get("/__admin/namespaces/qa-1/faults").get_json()["faults"]] == ["malformed"]


def test_yaml_bombs_and_huge_files_are_refused(client):
    bomb = b'a: &a ["x", "x"]\n' + b"".join(
        b"l%d: &l%d [*%s, *%s, *%s, *%s, *%s]\n" % (i, i, *([b"a" if i == 0 else b"l%d" % (i - 1)] * 5))
        for i in range(40)
    )
    response = apply(client, bomb)
    assert response.status_code == 400 and "aliases" in response.get_json()["message"]
    huge = apply(client, b"# " + b"x" * 10_000_000)
    assert huge.status_code == 413


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_cli_drives_a_running_server(live_server, tmp_path):
    url = live_server()
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(GOOD)
    result = run("scenario", "apply", str(scenario), "--url", url)
    assert result.exit_code == 0 and "applied" in result.output and "1 fault rules" in result.output
    ns = ["--url", url, "-n", "qa-1"]
    assert run("fault", "add", "malformed", "--carrier", "parcel2go", *ns).output.startswith("added fault_2")
    assert run("fault", "add", "latency", "-p", "ms=5", *ns).exit_code == 0
    listed = run("fault", "list", *ns).output.splitlines()
    assert len(listed) == 3 and "carrier=parcel2go" in listed[1]
    assert run("fault", "clear", "fault_2", *ns).output.strip() == "removed fault_2"
    assert run("fault", "clear", *ns).output.strip() == "removed 2"
    bad = run("fault", "add", "status", "-p", "status=404", *ns)
    assert bad.exit_code == 1 and "status" in bad.output
    assert run("clock", "advance", "1h", *ns).output.strip() == "2026-01-05T10:10:00.000Z (frozen)"
    assert "frozen" in run("clock", "now", *ns).output
    requests.post(
        f"{url}/ns/qa-1/border-express/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    )
    assert run("token", "expire", "--carrier", "border-express", *ns).output.strip() == "expired 1 tokens"
    assert "POST   200  border-express:issueToken" in run("journal", *ns).output
    table = run("webhooks", *ns).output
    assert table == "no webhook deliveries in namespace qa-1 (1 subscription)\n"
    assert run("webhooks", "--json", *ns).exit_code == 0


def test_the_cli_says_when_the_server_is_not_there():
    result = run("fault", "list", "--url", "http://127.0.0.1:9")
    assert result.exit_code == 1 and "cannot reach" in result.output


@pytest.fixture(scope="module")
def ahead(tmp_path_factory):
    """`serve --scenario` with a good file and with a bad one, started together."""
    good, bad = (tmp_path_factory.mktemp(kind) / "s.yaml" for kind in ("good", "bad"))
    good.write_bytes(GOOD)
    bad.write_bytes(GOOD.replace(b"status: 503", b"status: 404"))
    serve = [*MOCK_CARRIERS, "serve", "--port", "0", "--scenario"]
    processes = Ahead({"good": lambda: Launched([*serve, str(good)]), "bad": lambda: Launched([*serve, str(bad)])})
    yield processes
    processes.stop()


def test_serve_applies_a_scenario_first(ahead):
    served = ahead["good"]
    assert served.first_line.startswith("scenario ")
    url = served.process.stdout.readline().split()[-1]
    faults = requests.get(f"{url}/__admin/namespaces/qa-1/faults", timeout=5).json()["faults"]
    assert [rule["effect"] for rule in faults] == ["status"]


def test_serve_refuses_a_bad_scenario(ahead):
    result = ahead["bad"].result()
    assert result.returncode == 1 and "faults[0].status" in result.stderr


MARKER_TEST = """
import pytest
import requests


@pytest.mark.carriers_scenario("scenario.yaml")
def test_marked(carriers):
    login = requests.post(carriers.url("bex") + "/api/service/login", timeout=5,
                          json={"username": "mock-bex-user", "password": "mock-bex-password"})
    assert login.status_code == 503


def test_unmarked(carriers):
    login = requests.post(carriers.url("bex") + "/api/service/login", timeout=5,
                          json={"username": "mock-bex-user", "password": "mock-bex-password"})
    assert login.status_code == 200
"""

pytest_plugins = ["pytester"]


def test_the_pytest_marker_applies_a_scenario(pytester):
    pytester.makefile(".yaml", scenario="faults:\n  - {carrier: bex, effect: status, status: 503}\n")
    pytester.makepyfile(test_marker=MARKER_TEST)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
