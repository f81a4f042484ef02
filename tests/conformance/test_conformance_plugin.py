"""The `carriers_conformance` fixture, as a user's test suite uses it: a Python callable driver
graded by the same engine as `mock-carriers conform`, the test failing with the report card when a
required check fails."""

pytest_plugins = ["pytester"]

SUITE = """
import json

import requests
from mock_carriers.kit import TaskFailed

def track(run):
    base, refs = run.base_url, run.references
    for attempt in range(3):
        answer = requests.post(base + "/api/service/waybillquicktrackingv3customtreeview",
                               json={"searchItems": refs["waybill"]}, timeout=run.timeouts["request"])
        if answer.status_code == 200:
            break
    if answer.status_code != 200 or "ex" in answer.json():
        raise TaskFailed(f"tracking failed: {answer.status_code}")
    return {"rows": len(answer.json()["items"])}

def blind(run):
    requests.post(run.base_url + "/api/service/waybillquicktrackingv3customtreeview",
                  json={"searchItems": run.references["waybill"]}, timeout=run.timeouts["request"])

def test_my_client(carriers_conformance):
    report = carriers_conformance("bex", "track", track, only=["baseline", "business-error"], request_timeout=1)
    assert [v.status for v in report.verdicts] == ["pass", "pass"]

def test_a_blind_client(carriers_conformance):
    carriers_conformance("bex", "track", blind, only=["business-error"], request_timeout=1)

def test_hints_reach_the_driver(carriers_conformance):
    seen = []

    def noting(run):
        with open(run.context_path) as context:
            seen.append((run.hints, json.load(context)["hints"]))
        return track(run)

    carriers_conformance("bex", "track", noting, only=["baseline"], hints={"backoff": 0.2}, request_timeout=1)
    assert seen == [({"backoff": 0.2}, {"backoff": 0.2})]

def test_inspecting_without_failing(carriers_conformance):
    report = carriers_conformance("bex", "track", blind, only=["business-error"], request_timeout=1, fail=False)
    assert report.failed() == ["business-error"] and not report.passed
"""


def test_the_fixture_grades_a_callable_and_fails_the_test_with_the_report_card(pytester):
    pytester.makepyfile(test_graded_client=SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_blind_client*",
            "mock-carriers conformance: bex track -- blind",
            "  FAIL  business-error  the driver exited 0 (success) although #1 was refused*",
            "*0 passed, 1 failed, 0 not applicable in * (seed 0): FAILED",
        ]
    )
