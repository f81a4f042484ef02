"""The conformance tests' own server, for the modules that grade many drivers at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from kit_batches import KitBatches

from mock_carriers.client import MockCarriers


@pytest.fixture(scope="package")
def kit_server():
    """A `mock-carriers serve` process of its own: graded together, the kit's runs keep a core busy
    on each side (the server's namespaces and answers; the kit, the journals and the drivers), and
    with the server in this process both sides would share one interpreter lock. Its answers are
    the same as `carriers_server`'s (this is how the kit grades against `--url`)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MOCK_CARRIERS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_carriers", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        first = process.stdout.readline()  # "mock-carriers X listening on http://127.0.0.1:PORT"
        assert " listening on " in first, f"serve did not start: {first!r}"
        yield MockCarriers.connect(first.split()[-1])
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="package")
def kit_batches(kit_server, request, tmp_path_factory):
    """Every conformance module's batch of kit runs (tests/kit_batches.py), against `kit_server`:
    `kit_batches(__name__)` is the module's, graded with the others the session runs on first use
    (only its own under xdist, where another worker may run the others)."""
    modules = {item.module.__name__ for item in request.session.items if getattr(item, "module", None)}
    together = not hasattr(request.config, "workerinput")
    return KitBatches(kit_server, modules, together, tmp_path_factory.mktemp)
