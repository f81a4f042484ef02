"""The shipped scenarios by name: `scenario list`, `scenario show NAME`, `scenario apply NAME` and
`serve --scenario NAME`, found inside the installed package, wherever the command runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from launching import MOCK_CARRIERS

from mock_carriers import resources
from mock_carriers.cli import main
from mock_carriers.resources import data_dir

SHIPPED = sorted(path.stem for path in data_dir("scenarios").glob("*.yaml"))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_scenario_list_names_each_with_its_namespace_and_purpose():
    lines = run("scenario", "list").output.splitlines()
    assert [line.split()[0] for line in lines] == SHIPPED
    p2g = next(line for line in lines if line.startswith("parcel2go-429 "))
    assert "qa-p2g-429" in p2g and "Parcel2Go rate-limits quoting" in p2g


def test_scenario_show_prints_the_file_to_copy():
    assert run("scenario", "show", "parcel2go-429").output == (data_dir("scenarios") / "parcel2go-429.yaml").read_text()


@pytest.mark.parametrize("name", ["parcel2go-429", "parcel2go-429.yaml"])
def test_scenario_apply_takes_a_shipped_name(live_server, name):
    url = live_server()
    result = run("scenario", "apply", name, "--url", url)
    assert result.exit_code == 0 and "to qa-p2g-429: 1 fault rules" in result.output
    faults = requests.get(f"{url}/__admin/namespaces/qa-p2g-429/faults", timeout=5).json()["faults"]
    assert [rule["effect"] for rule in faults] == ["rate_limit"]


def test_a_file_of_that_name_wins_over_the_shipped_one(live_server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "parcel2go-429").write_text("namespace: mine\n")
    result = run("scenario", "apply", "parcel2go-429", "--url", live_server())
    assert result.exit_code == 0 and "to mine:" in result.output


def test_an_unknown_name_lists_the_shipped_ones():
    result = CliRunner().invoke(main, ["scenario", "apply", "nope", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "no file nor shipped scenario 'nope'" in result.output
    assert all(name in result.output for name in SHIPPED)
    assert CliRunner().invoke(main, ["scenario", "show", "nope"]).exit_code == 2


def test_names_are_found_in_an_installed_package(live_server, tmp_path, monkeypatch):
    """A wheel carries scenarios/ as mock_carriers/_data/scenarios: no checkout around it."""
    package = tmp_path / "site-packages" / "mock_carriers"
    for kind in ("fixtures", "contracts", "scenarios"):  # the server in this process reads them there too
        shutil.copytree(data_dir(kind), package / "_data" / kind)
    (package / "_data" / "scenarios" / "installed-only.yaml").write_text("# Only in the wheel.\nnamespace: wheel\n")
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert "installed-only" in run("scenario", "list").output
    assert "to wheel:" in run("scenario", "apply", "installed-only", "--url", live_server()).output


def test_serve_takes_a_shipped_name_from_any_folder(tmp_path):
    checkout = str(Path(__file__).resolve().parents[2])  # this mock_carriers, not another installed one
    process = subprocess.Popen(
        [*MOCK_CARRIERS, "serve", "--port", "0", "--scenario", "bex-ex-storm"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": checkout},
    )
    try:
        assert "applied to namespace qa-bex-ex-storm" in process.stdout.readline()
        url = process.stdout.readline().split()[-1]
        assert requests.get(f"{url}/__admin/namespaces/qa-bex-ex-storm/faults", timeout=5).json()["faults"]
    finally:
        process.terminate()
        process.wait(timeout=10)
