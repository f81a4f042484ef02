"""`mock-carriers conform` as a user runs it: a driver command after `--`, the report card on the
terminal, the JSON, JUnit and HTML files, the exit status, and usage mistakes named before anything
runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner
from launching import MOCK_CARRIERS

from mock_carriers.cli import main

DRIVER = [sys.executable, str(Path(__file__).parents[1] / "conformance_command_driver.py")]
FAST = ["--request-timeout", "1", "--task-timeout", "8", "--workers", "6"]


def conform(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "MOCK_CARRIERS_URL"}
    return subprocess.run(
        [*MOCK_CARRIERS, "conform", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def conform_here(*args: str):
    """The same command in this process (click's runner), its server too: the subprocess above is
    what a user runs, this what each other test needs."""
    return CliRunner().invoke(main, ["conform", *args], env={"MOCK_CARRIERS_URL": None})


def test_a_good_driver_passes_with_exit_status_0_and_every_report(tmp_path):
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("json", "xml", "html")}
    done = conform(
        "--carrier", "parcel2go", "--task", "book", "--only", "baseline,reset-after-commit,pagination", "--only", "contract", "--skip", "contract",
        "--json", str(paths["json"]), "--junit", str(paths["xml"]), "--html", str(paths["html"]), *FAST, "--", *DRIVER,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  baseline" in done.stdout and "PASS  reset-after-commit" in done.stdout
    assert "2 passed, 0 failed, 1 not applicable" in done.stdout and "PASSED" in done.stdout
    report = json.loads(paths["json"].read_text())
    assert report["passed"] is True and report["carrier"] == "parcel2go" and report["task"] == "book"
    statuses = {v["check"]: v["status"] for v in report["verdicts"]}
    assert statuses == {"baseline": "pass", "reset-after-commit": "pass", "pagination": "n/a"}
    suite = ElementTree.parse(paths["xml"]).getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert len(cases) == 3 and cases["pagination"].find("skipped") is not None
    assert cases["baseline"].find("failure") is None
    assert "Conformance: parcel2go book" in paths["html"].read_text()


def test_a_failing_required_check_is_exit_status_1_with_its_evidence(tmp_path):
    junit = tmp_path / "report.xml"
    done = conform_here(
        "--carrier", "parcel2go", "--task", "book", "--only", "reset-after-commit", "--junit", str(junit), *FAST,
        "--", *DRIVER, "blind_commit",
    )  # fmt: skip
    assert done.exit_code == 1, done.output
    assert "FAIL  reset-after-commit" in done.output and "committed 2 times" in done.output
    assert "[reset]" in done.output and "/paywithprepay" in done.output  # the journal entries, cited
    failure = next(ElementTree.parse(junit).getroot().iter("failure"))
    assert "committed 2 times" in failure.get("message") and failure.get("type") == "required"


def test_a_garbage_printing_driver_gets_a_verdict_and_escaped_reports(tmp_path):
    html, junit = tmp_path / "r.html", tmp_path / "r.xml"
    done = conform_here(
        "--carrier", "bex", "--task", "receive-webhooks", "--only", "webhook-genuine", "--html", str(html),
        "--junit", str(junit), *FAST, "--", *DRIVER, "--misbehave", "garbage",
    )  # fmt: skip
    assert done.exit_code == 1
    assert "the driver ended before listening" in done.output
    page = html.read_text()
    assert "<b>not markup</b>" not in page and "&lt;b&gt;not markup&lt;/b&gt;" in page
    assert "<script>" not in page
    ElementTree.parse(junit)  # still well-formed XML, control characters and "]]>" included


def test_the_list_names_every_check_and_which_apply():
    result = CliRunner().invoke(main, ["conform", "--list", "--carrier", "borderless360", "--task", "sync"])
    assert result.exit_code == 0, result.output
    assert "pagination: every page read once, to the end  applies" in result.output
    assert "reset-after-commit: a lost answer does not pay or book twice  n/a:" in result.output
    assert "retry-after-date (optional)" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--carrier", "parcel-2-go", "--task", "book", "--", "x"], "'parcel-2-go' is not one of"),
        (["--carrier", "parcel2go", "--task", "ship", "--", "x"], "'ship' is not one of track, quote"),
        (["--carrier", "parcellab", "--task", "book", "--", "x"], "parcellab has no book task in the kit; its tasks:"),
        (["--carrier", "bex", "--task", "quote"], "give the driver command after --"),
        (["--task", "quote", "--", "x"], "give --carrier and --task"),
        (["--carrier", "bex", "--task", "quote", "--only", "hang,hangs", "--", "x"], "no check 'hangs'"),
        (["--carrier", "bex", "--task", "quote", "--url", "localhost:1", "--", "x"], "must start with http"),
    ],
)
def test_usage_mistakes_are_named_before_anything_runs(args, message):
    result = CliRunner().invoke(main, ["conform", *args], env={"MOCK_CARRIERS_URL": None})
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_server_that_does_not_answer_is_one_clear_line():
    result = CliRunner().invoke(
        main, ["conform", "--carrier", "bex", "--task", "quote", "--url", "http://127.0.0.1:9", "--", "x"]
    )
    assert result.exit_code == 1 and "cannot reach the mock at http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_an_unwritable_report_path_is_named(tmp_path):
    target = tmp_path / "missing" / "report.json"
    done = conform_here(
        "--carrier", "bex", "--task", "track", "--only", "baseline", "--json", str(target), *FAST, "--", *DRIVER,
    )  # fmt: skip
    assert done.exit_code == 1 and f"cannot write {target}" in done.output
