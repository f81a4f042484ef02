"""`mock-carriers namespaces list|create|reset|drop` against a running server."""

from __future__ import annotations

import json

import requests
from click.testing import CliRunner

from mock_carriers.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _token(url: str, namespace: str) -> None:
    requests.post(
        f"{url}/ns/{namespace}/border-express/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    )


def test_create_list_reset_drop(live_server, tmp_path):
    url = live_server()
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("parcel2go: {repeat_payment: reject}\n")
    created = run("namespaces", "create", "t42", "--seed", "7", "--strict", "--fixtures", str(overlay), "--url", url)
    assert created.exit_code == 0 and created.output.startswith("created t42 (seed 7, strict on)")
    assert ["bex", f"{url}/ns/t42/bex"] in [line.split() for line in created.output.splitlines()]

    listed = run("namespaces", "list", "--url", url).output.splitlines()
    assert listed[0].split() == ["NAMESPACE", "SEED", "CREATED"]
    assert [line.split()[:2] for line in listed[1:]] == [["default", "0"], ["t42", "7"]]

    _token(url, "t42")
    assert len(requests.get(f"{url}/__admin/namespaces/t42/journal", timeout=5).json()["entries"]) == 1
    reset = run("namespaces", "reset", "t42", "--url", url)
    assert reset.output == "reset t42: its world starts again from the fixtures (seed 7, strict on)\n"
    document = requests.get(f"{url}/__admin/namespaces/t42", timeout=5).json()
    assert document["seed"] == 7 and document["strict"] is True
    assert requests.get(f"{url}/__admin/namespaces/t42/journal", timeout=5).json()["entries"] == []

    assert run("namespaces", "drop", "t42", "--url", url).output == "dropped t42\n"
    assert requests.get(f"{url}/__admin/namespaces/t42", timeout=5).status_code == 404
    gone = CliRunner().invoke(main, ["namespaces", "drop", "t42", "--url", url])
    assert gone.exit_code == 1 and "no live namespace 't42'" in gone.output


def test_reset_all_and_the_default_namespace(live_server):
    url = live_server()
    for name in ("a", "b"):
        run("namespaces", "create", name, "--url", url)
    assert run("namespaces", "reset", "--all", "--url", url).output == "reset 3 namespaces\n"
    assert "default starts again" in run("namespaces", "drop", "default", "--url", url).output
    usage = CliRunner().invoke(main, ["namespaces", "reset", "--url", url])
    assert usage.exit_code == 2 and "NAME or --all" in usage.output


def test_json_output(live_server):
    url = live_server()
    document = json.loads(run("namespaces", "create", "j1", "--json", "--url", url).output)
    assert document["namespace"] == "j1" and "credentials" in document["carriers"]["bex"]
    listed = json.loads(run("namespaces", "list", "--json", "--url", url).output)
    assert [ns["namespace"] for ns in listed] == ["default", "j1"]


def test_a_bad_name_or_overlay_is_a_clear_error(live_server, tmp_path):
    url = live_server()
    bad = CliRunner().invoke(main, ["namespaces", "create", "no/slash", "--url", url])
    assert bad.exit_code == 2 and "invalid namespace name 'no/slash'" in bad.output
    assert CliRunner().invoke(main, ["journal", "-n", "..", "--url", url]).exit_code == 2
    overlay = tmp_path / "o.yaml"
    overlay.write_text("dhl: {}\n")
    unknown = CliRunner().invoke(main, ["namespaces", "create", "x", "--fixtures", str(overlay), "--url", url])
    assert unknown.exit_code == 1 and "fixtures.dhl" in unknown.output
    overlay.write_text("parcel2go: [")
    broken = CliRunner().invoke(main, ["namespaces", "create", "x", "--fixtures", str(overlay), "--url", url])
    assert broken.exit_code == 2 and "o.yaml" in broken.output and "line" in broken.output
