"""`mock-carriers scaffold carrier`: in a copy of the project, a new carrier (each framework) is
written and registered, and its own tests and the route/contract consistency tests pass there,
with core/ and the fault code untouched. A refused name writes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mock_carriers.cli import main

ROOT = Path(__file__).resolve().parents[1]
UNTOUCHED = ("mock_carriers/core", "mock_carriers/fault_effects.py", "mock_carriers/connection_faults.py")
NEW = {"acme-post": "aspnet", "django-post": "drf"}


def _copy_project(into: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("mock_carriers", "fixtures", "contracts", "scenarios"):
        shutil.copytree(ROOT / folder, into / folder, ignore=ignore)
    (into / "tests").mkdir()
    for name in ("conftest.py", "head_start.py", "test_contracts.py"):  # and what the conftest imports
        shutil.copy2(ROOT / "tests" / name, into / "tests" / name)
    shutil.copy2(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def _hashes(root: Path) -> dict[str, str]:
    """Every file of the whole checkout by content, so any change anywhere shows."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, dict[str, str], dict]:
    root = _copy_project(tmp_path_factory.mktemp("project"))
    before = _hashes(root)
    with contextlib.chdir(
        root
    ):  # the command at the checkout's top, in this process; the new carriers' tests in their own
        runs = {
            name: CliRunner().invoke(main, ["scaffold", "carrier", name, "--framework", framework])
            for name, framework in NEW.items()
        }
    runs["pytest"] = _run(
        root,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:warnings",
        "-p",
        "no:xdist",
        "-k",
        "acme or django",
        "tests/acme_post",
        "tests/django_post",
        "tests/test_contracts.py",
    )
    return root, before, runs


def test_each_framework_gives_a_registered_carrier_whose_tests_and_contract_checks_pass(project):
    root, _, runs = project
    for name in NEW:
        assert runs[name].exit_code == 0, runs[name].output
        assert f"wrote {Path('contracts', f'{name}.openapi.yaml')}" in runs[name].output
    registry = (root / "mock_carriers/carriers/__init__.py").read_text()
    assert 'CarrierEntry("acme-post", "acme_post"),' in registry
    assert 'CarrierEntry("django-post", "django_post"),' in registry
    result = runs["pytest"]
    assert result.returncode == 0, result.stdout + result.stderr
    # three HTTP tests per carrier; route<->contract, valid OpenAPI, errors documented, guesses marked
    assert result.stdout.splitlines()[-1].startswith("14 passed"), result.stdout


def test_core_and_the_fault_code_are_untouched(project):
    root, before, _ = project
    after = _hashes(root)
    for path, digest in before.items():
        if path.startswith(UNTOUCHED):
            assert after.get(path) == digest, path
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == {"mock_carriers/carriers/__init__.py"}


@pytest.mark.parametrize(
    "args, words",
    [
        (["bex"], "carrier 'bex' already exists"),
        (["acme-post"], "carrier 'acme-post' already exists"),
        (["Acme Post"], "'Acme Post' is not a carrier name"),
        (["acme--post"], "is not a carrier name"),
        (["admin"], "'admin' is not a carrier name: it is taken"),
        (["class"], "'class' is not a carrier name: it is taken"),
        (["base"], "'base' is not a carrier name: it is taken"),
        (["new-post", "--host", "www.parcel2go.com"], "host 'www.parcel2go.com' already belongs to a carrier"),
        (["new-post", "--host", "not a host"], "host 'not a host' is not a host name"),
    ],
)
def test_a_refused_name_or_host_writes_nothing(project, args, words):
    root = project[0]
    before = _hashes(root)
    result = CliRunner().invoke(main, ["scaffold", "carrier", *args, "--into", str(root)])
    assert (result.exit_code, result.output.startswith("Error: ")) == (1, True), result.output
    assert words in result.output
    assert _hashes(root) == before


def test_a_folder_that_is_no_checkout_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["scaffold", "carrier", "acme-post", "--into", str(tmp_path)])
    assert result.exit_code == 1 and "is not a mock-carriers checkout" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_host_is_registered_with_the_carrier(tmp_path):
    root = _copy_project(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "scaffold",
            "carrier",
            "acme-post",
            "--into",
            str(root),
            "--host",
            "api.acme-post.example",
            "--host",
            "sandbox.acme-post.example",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        'CarrierEntry("acme-post", "acme_post", hosts=("api.acme-post.example", "sandbox.acme-post.example")),'
        in (root / "mock_carriers/carriers/__init__.py").read_text()
    )
