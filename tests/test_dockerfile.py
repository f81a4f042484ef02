"""The Dockerfile, checked without a Docker engine: its install is the README's, it runs as a user
that is not root, and its HEALTHCHECK command (run here, as Docker would run it in the container)
passes against a live server, with or without an admin token, and fails when nothing answers."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mock_carriers.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
README = ROOT / "README.md"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    logical, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, arguments = pending.strip().partition(" ")
        logical.append((keyword.upper(), arguments.strip()))
        pending = ""
    return logical


def arguments_of(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in instructions() if instruction == keyword]


def readme_install() -> str:
    """The install command of the README's Quickstart (the first `pip install` of its first sh block)."""
    quickstart = README.read_text(encoding="utf-8").split("\n## Quickstart\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", quickstart, re.S).group(1)
    return next(part.strip() for part in block.split("&&") if part.strip().startswith("pip install"))


def healthcheck_command() -> str:
    (healthcheck,) = arguments_of("HEALTHCHECK")
    return healthcheck.split(" CMD ", 1)[1].strip()


def test_the_install_step_is_the_readmes():
    installs = [run for run in arguments_of("RUN") if "pip install" in run]
    assert installs == [readme_install()] == ["pip install ."]


def test_it_runs_as_a_user_that_is_not_root():
    users = arguments_of("USER")
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0") and user.isdigit()  # numeric, for runAsNonRoot checks
    created = " ".join(run for run in arguments_of("RUN") if "useradd" in run)
    assert f"--uid {user}" in created
    steps = instructions()
    install = next(i for i, (kind, args) in enumerate(steps) if kind == "RUN" and "pip install" in args)
    assert max(i for i, (kind, _) in enumerate(steps) if kind == "USER") > install  # the install ran as root


def test_it_serves_on_every_interface_on_the_exposed_port():
    assert arguments_of("EXPOSE") == [str(Settings().port)]
    (command,) = arguments_of("CMD")
    assert command.startswith("[") and '"serve", "--host", "0.0.0.0"' in command
    assert arguments_of("FROM")[0].startswith("python:3.11")


def test_the_healthcheck_asks_the_liveness_path_with_python():
    command = healthcheck_command()
    assert command.startswith("python -c ") and "/__admin/livez" in command and "curl" not in command


def _run_healthcheck(port: int) -> subprocess.CompletedProcess:
    """The HEALTHCHECK's command as Docker's shell form runs it, with this interpreter as `python`."""
    argv = shlex.split(healthcheck_command())
    assert argv[0] == "python"
    env = {**os.environ, "MOCK_CARRIERS_PORT": str(port)}
    return subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("admin_token", [None, "s3cret"])
def test_the_healthcheck_passes_on_a_live_server(live_server, admin_token):
    url = live_server(**({"admin_token": admin_token} if admin_token else {}))
    result = _run_healthcheck(urlsplit(url).port)
    assert result.returncode == 0, result.stderr


def test_the_healthcheck_fails_when_nothing_answers():
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        assert _run_healthcheck(sock.getsockname()[1]).returncode != 0
