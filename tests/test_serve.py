"""`mock-carriers serve` and `fixtures check` as a user runs them: real processes, real sockets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from launching import MOCK_CARRIERS, PYTHON, Ahead, Launched

from mock_carriers.resources import data_dir

COMMAND = MOCK_CARRIERS
SCRIPT = Path(sys.executable).parent / "mock-carriers"
QA_SCENARIO = "namespace: qa\nseed: 5\n"

PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mock.example.test"}
# Which proxies' X-Forwarded-* a server believes: (the process asked for, honoured).
TRUST = {
    "by default": ("plain", True),
    "a listed proxy": ("trusting 10/8, 192.168/16 and 127.0.0.1", True),
    "an unlisted proxy": ("trusting 10/8", False),
    "none by the environment": ("trusting none by the environment", False),
    "the flag over the environment": ("trusting * over the environment's none", True),
}


def _serve(*args: str, env: dict | None = None) -> Launched:
    return Launched([*COMMAND, "serve", "--port", "0", *args], env={**os.environ, **(env or {})})


def _broken_fixtures(tmp_path: Path) -> Path:
    text = (data_dir("fixtures") / "border-express.yaml").read_text()
    broken = text.replace('postcode: "3121"}', 'postcode: "31210"}', 1)
    assert broken != text
    (tmp_path / "border-express.yaml").write_text(broken)
    return tmp_path


IMPORTS = (
    "import sys, mock_carriers.cli; "
    "print(sorted({m for m in sys.modules if m.startswith(('mock_carriers.kit.', 'mock_carriers.carriers.'))}))"
)


@pytest.fixture(scope="module")
def ahead(tmp_path_factory):
    """Each test's own process (the tests that only read a plain server share one), started ahead."""
    broken = str(_broken_fixtures(tmp_path_factory.mktemp("broken")))
    own = tmp_path_factory.mktemp("own")
    text = (data_dir("fixtures") / "border-express.yaml").read_text().replace("mock-be-secret", "my-own-secret")
    (own / "border-express.yaml").write_text(text)
    unknown = tmp_path_factory.mktemp("unknown")
    (unknown / "nobody.yaml").write_text("x: 1\n")
    qa = tmp_path_factory.mktemp("scenario") / "qa.yaml"
    qa.write_text(QA_SCENARIO)
    pinned = ("--scenario", str(qa), "--max-namespaces", "1", "--namespace-idle", "0")
    processes = Ahead(
        {
            "plain": lambda: _serve(),
            "to stop": lambda: _serve(),
            "version": lambda: Launched([str(SCRIPT), "--version"]),
            "admin token by the environment": lambda: _serve(env={"MOCK_CARRIERS_ADMIN_TOKEN": "t0ken"}),
            "broken fixtures": lambda: Launched([*COMMAND, "serve", "--port", "0", "--fixtures", broken]),
            "own fixtures": lambda: _serve("--fixtures", str(own)),
            "check the shipped": lambda: Launched([*COMMAND, "fixtures", "check"]),
            "check broken": lambda: Launched([*COMMAND, "fixtures", "check", broken]),
            "check unknown": lambda: Launched([*COMMAND, "fixtures", "check", str(unknown)]),
            "trusting 10/8, 192.168/16 and 127.0.0.1": lambda: _serve(
                "--trust-forwarded", "10.0.0.0/8", "--trust-forwarded", "192.168.0.0/16,127.0.0.1"
            ),
            "trusting 10/8": lambda: _serve("--trust-forwarded", "10.0.0.0/8"),
            "trusting none by the environment": lambda: _serve(env={"MOCK_CARRIERS_TRUST_FORWARDED": "none"}),
            "trusting * over the environment's none": lambda: _serve(
                "--trust-forwarded", "*", env={"MOCK_CARRIERS_TRUST_FORWARDED": "none"}
            ),
            "qa pinned": lambda: _serve(*pinned),
            "qa pinned, to reset": lambda: _serve(*pinned),
            "every interface": lambda: _serve("--host", "0.0.0.0"),
            "imports": lambda: Launched([*PYTHON, "-c", IMPORTS]),
        }
    )
    yield processes
    processes.stop()


def test_serve_prints_its_url_and_answers(ahead):
    line = ahead["plain"].first_line
    assert line.startswith("mock-carriers ") and "listening on http://127.0.0.1:" in line
    url = line.split()[-1]
    assert requests.get(f"{url}/__admin/health", timeout=5).json()["status"] == "ok"
    token = requests.post(
        f"{url}/border-express/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    )
    assert token.status_code == 200


def test_sigterm_stops_it_cleanly(ahead):
    served = ahead["to stop"]
    assert "listening on" in served.first_line  # serving, so its handler is in place
    process = served.process
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_the_console_script_is_installed(ahead):
    result = ahead["version"].result()
    assert result.returncode == 0 and "mock-carriers" in result.stdout


def test_environment_sets_the_admin_token(ahead):
    url = ahead["admin token by the environment"].first_line.split()[-1]
    assert requests.get(f"{url}/__admin/health", timeout=5).status_code == 401
    assert requests.get(f"{url}/__admin/health", headers={"Authorization": "Bearer t0ken"}, timeout=5).ok


def test_serve_refuses_broken_fixtures_naming_file_line_and_field(ahead):
    refused = ahead["broken fixtures"]
    directory = Path(refused.argv[-1])
    result = refused.result()
    assert result.returncode != 0
    line = next(
        n for n, text in enumerate((directory / "border-express.yaml").read_text().splitlines(), 1) if '"31210"' in text
    )
    assert f"border-express.yaml:{line}: consignments.BE10000001.receiver.postcode" in result.stderr


def test_fixtures_override_the_shipped_world(ahead):
    url = ahead["own fixtures"].first_line.split()[-1]
    form = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "my-own-secret"}
    assert requests.post(f"{url}/border-express/token", data=form, timeout=5).status_code == 200


def test_fixtures_check(ahead):
    checks = [ahead[name] for name in ("check the shipped", "check broken", "check unknown")]
    ok, bad, unknown = (check.result() for check in checks)
    assert ok.returncode == 0 and "ok    " in ok.stdout
    assert bad.returncode == 1 and "receiver.postcode" in bad.stderr
    assert unknown.returncode == 1 and "no carrier named 'nobody'" in unknown.stderr


def test_a_port_in_use_is_a_clear_error(ahead):
    port = ahead["plain"].first_line.rsplit(":", 1)[-1].strip()
    result = subprocess.run([*COMMAND, "serve", "--port", port], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "in use" in result.stderr and "Traceback" not in result.stderr


def _issuer(url: str) -> str:
    return requests.get(f"{url}/parcel2go/auth/.well-known/openid-configuration", headers=PROXIED, timeout=5).json()[
        "issuer"
    ]


@pytest.mark.parametrize("case", TRUST)
def test_trust_forwarded_names_the_proxies_believed(ahead, case):
    name, honoured = TRUST[case]
    url = ahead[name].first_line.split()[-1]
    assert _issuer(url) == ("https://mock.example.test/parcel2go/auth" if honoured else f"{url}/parcel2go/auth")


@pytest.mark.parametrize(
    "args, env", [(["--admin-token", ""], {}), (["--admin-token", "  "], {}), ([], {"MOCK_CARRIERS_ADMIN_TOKEN": ""})]
)
def test_an_empty_admin_token_is_refused_at_start_up(args, env):
    """An empty token would silently leave the admin API open."""
    from click.testing import CliRunner

    from mock_carriers.cli import main

    result = CliRunner().invoke(main, ["serve", "--port", "0", *args], env=env)
    assert result.exit_code != 0 and "admin token is empty" in result.output


def test_create_app_refuses_an_empty_admin_token():
    from mock_carriers import create_app
    from mock_carriers.settings import Settings

    with pytest.raises(ValueError, match="admin token is empty"):
        create_app(Settings(admin_token=""))


def test_a_start_up_scenarios_namespace_is_never_dropped_for_room(ahead):
    served = ahead["qa pinned"]
    assert "applied to namespace qa" in served.first_line
    url = served.process.stdout.readline().split()[-1]
    for name in ("x", "y"):  # idle at once (--namespace-idle 0): each new one drops the one before
        assert requests.put(f"{url}/__admin/namespaces/{name}", timeout=5).status_code == 201
    listed = requests.get(f"{url}/__admin/namespaces", timeout=5).json()["namespaces"]
    assert [ns["namespace"] for ns in listed] == ["default", "qa", "y"]


def test_on_every_interface_the_start_up_line_names_urls_a_client_can_use(ahead):
    line = ahead["every interface"].first_line
    port = line.split("http://0.0.0.0:", 1)[1].split()[0]
    assert f"listening on http://0.0.0.0:{port} (every interface)" in line
    assert f"from another machine http://<this host's address>:{port}" in line
    assert line.split()[-1] == f"http://127.0.0.1:{port}"  # the URL stays last, where scripts read it
    assert requests.get(f"{line.split()[-1]}/__admin/livez", timeout=5).json() == {"status": "ok"}


def test_after_a_reset_default_is_listed_and_the_scenarios_namespace_is_still_never_dropped(ahead):
    served = ahead["qa pinned, to reset"]
    assert "applied to namespace qa" in served.first_line
    url = served.process.stdout.readline().split()[-1]

    def listed() -> list[str]:
        return [ns["namespace"] for ns in requests.get(f"{url}/__admin/namespaces", timeout=5).json()["namespaces"]]

    assert requests.post(f"{url}/__admin/reset", timeout=5).json() == {"reset": 2}
    assert listed() == ["default"]
    login = {"username": "mock-bex-user", "password": "mock-bex-password"}
    for name in ("qa", "x", "y"):  # made by first use on a carrier route, each idle at once
        assert requests.post(f"{url}/ns/{name}/bex/api/service/login", json=login, timeout=5).status_code == 200
    assert listed() == ["default", "qa", "y"]


def test_the_command_line_loads_no_carrier_nor_the_conformance_kit_until_a_command_needs_them(ahead):
    """Start-up cost: `mock-carriers serve` pays for the app, not for every command's machinery."""
    result = ahead["imports"].result()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['mock_carriers.kit.command']"  # the `conform` command itself only
