"""Seeded and reproducible: the same seed gives a driver the same references, secret and webhook
deliveries (ids included); another seed other ones. Each check's namespace is dropped after it."""

from __future__ import annotations

import sys
from pathlib import Path

import requests
from click.testing import CliRunner
from conformance_drivers import driver

from mock_carriers.cli import main
from mock_carriers.kit import Options, conform

COMMAND = [sys.executable, str(Path(__file__).parents[1] / "conformance_command_driver.py")]


def seen(server, carrier, task, seed, only):
    """What the driver was given, and the ids of the deliveries it processed, per check."""
    runs = {}
    reference = driver()

    def recording(run):
        result = reference(run)
        runs[run.context_path.split("/")[-2]] = (run.references, run.secret, result)
        return result

    options = Options(seed=seed, only=only, request_timeout=1.0, task_timeout=10.0)
    report = conform(server, carrier, task, recording, options)
    assert report.passed
    return sorted((repr(refs), secret, repr(result)) for refs, secret, result in runs.values())


def test_the_same_seed_gives_the_same_run_and_another_seed_another(carriers_server):
    webhooks = ("webhook-genuine", "webhook-duplicate")
    first = seen(carriers_server, "bex", "receive-webhooks", 7, webhooks)
    assert seen(carriers_server, "bex", "receive-webhooks", 7, webhooks) == first
    assert seen(carriers_server, "bex", "receive-webhooks", 8, webhooks) != first
    booking = seen(carriers_server, "bex", "book", 7, ("baseline",))
    assert seen(carriers_server, "bex", "book", 7, ("baseline",)) == booking  # the same waybill number
    assert seen(carriers_server, "bex", "book", 8, ("baseline",)) != booking


def test_against_a_running_server_every_check_namespace_is_dropped(live_server):
    url = live_server()
    result = CliRunner().invoke(
        main, ["conform", "--carrier", "bex", "--task", "track", "--url", url, "--only", "baseline,hang",
               "--request-timeout", "0.5", "--", *COMMAND],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    live = [ns["namespace"] for ns in requests.get(f"{url}/__admin/namespaces", timeout=10).json()["namespaces"]]
    assert not [name for name in live if name.startswith("kit-")]
