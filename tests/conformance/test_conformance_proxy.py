"""`--proxy`: a client that hard-codes the carrier's https:// host is graded unchanged, reaching the
mock through HTTPS_PROXY with the mock's CA trusted, as the README's proxy set-up does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from launching import MOCK_CARRIERS

from mock_carriers.kit import Options, TaskFailed, conform

DRIVER = [sys.executable, str(Path(__file__).parents[1] / "conformance_command_driver.py")]
TRACK = "/api/service/waybillquicktrackingv3customtreeview"


def test_the_cli_grades_a_command_driver_through_the_proxy(tmp_path):
    report_path = tmp_path / "report.json"
    env = {key: value for key, value in os.environ.items() if key != "MOCK_CARRIERS_URL"}
    done = subprocess.run(
        [*MOCK_CARRIERS, "conform", "--proxy", "--carrier", "parcel2go", "--task", "book",
         "--only", "baseline,reset-after-commit", "--json", str(report_path), "--request-timeout", "1",
         "--task-timeout", "8", "--", *DRIVER],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(report_path.read_text())
    assert {v["check"]: v["status"] for v in report["verdicts"]} == {"baseline": "pass", "reset-after-commit": "pass"}


def test_a_callable_gets_the_real_host_and_the_proxy_settings(carriers_server):
    seen = []

    def track(run):
        seen.append((run.base_url, dict(run.proxy_env)))
        answer = requests.post(
            run.base_url + TRACK,
            json={"searchItems": run.references["waybill"]},
            proxies={"https": run.proxy_env["HTTPS_PROXY"]},
            verify=run.proxy_env["REQUESTS_CA_BUNDLE"],
            timeout=run.timeouts["request"],
        )
        if answer.status_code != 200 or "ex" in answer.json():
            raise TaskFailed(f"tracking failed: {answer.status_code}")

    report = conform(carriers_server, "bex", "track", track, Options(proxy=True, only=("baseline", "business-error")))
    assert [(v.check, v.status) for v in report.verdicts] == [("baseline", "pass"), ("business-error", "pass")]
    base_url, proxy_env = seen[0]
    assert base_url == "https://api.bex.co.za"
    assert proxy_env["HTTPS_PROXY"].startswith("http://") and Path(proxy_env["REQUESTS_CA_BUNDLE"]).is_file()
