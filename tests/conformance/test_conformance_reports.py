"""The report card's forms stay readable and well-formed whatever a driver or the mock wrote into
the evidence, and the outcome of a run is read safely from whatever result file a driver left."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.kit import Report, Verdict, as_json, junit, page, table
from mock_carriers.kit.driver import CRASHED, REPORTED, SUCCEEDED, classify, read_result

TEXT = st.text(st.characters(codec="utf-8"), max_size=80) | st.sampled_from(["]]>", "<b>x</b>", "&amp;", "\x00\x1b"])


def report_of(verdicts: list[Verdict]) -> Report:
    return Report("parcel2go", "book", "python d.py <x>", 0, "http://127.0.0.1:1", 1.0, verdicts)


@given(st.lists(st.tuples(st.sampled_from(["pass", "fail", "n/a"]), TEXT, TEXT, st.booleans()), max_size=4))
def test_junit_and_html_are_well_formed_and_escaped_whatever_the_evidence(rows):
    verdicts = [
        Verdict(f"check-{n}", "t", required, status, summary, evidence=[line], outcome={"stderr": line})
        for n, (status, summary, line, required) in enumerate(rows)
    ]
    report = report_of(verdicts)
    suite = ElementTree.fromstring(junit(report).encode())
    assert len(list(suite.iter("testcase"))) == len(rows)
    assert len(list(suite.iter("failure"))) == sum(status == "fail" for status, *_ in rows)
    html = page(report)
    assert "<b>x</b>" not in html and "<x>" not in html
    assert json.loads(as_json(report))["passed"] == report.passed
    assert table(report).splitlines()[-1].endswith("PASSED" if report.passed else "FAILED")


def test_an_optional_failure_does_not_fail_the_report():
    report = report_of(
        [Verdict("retry-after-date", "t", False, "fail", "came early"), Verdict("a", "t", True, "pass", "ok")]
    )
    assert report.passed and "came early (optional)" in table(report)
    assert 'type="optional"' in junit(report)


@given(st.binary(max_size=200))
def test_any_result_file_is_read_without_an_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("result") / "result.json"
    path.write_bytes(data)
    result, problem = read_result(str(path))
    assert (result is None) != (problem is None)
    assert isinstance(result, dict) or problem.startswith("the result file")


@given(st.integers(-64, 255), st.sampled_from([None, {"error": "no"}, {"orders": 3}, [1]]))
def test_every_exit_is_classified(tmp_path_factory, code, document):
    path = tmp_path_factory.mktemp("result") / "result.json"
    if document is not None:
        path.write_text(json.dumps(document))
    outcome = classify(0.1, code, str(path))
    if code == 0:
        assert outcome.kind == SUCCEEDED
    elif code > 0 and isinstance(document, dict) and "error" in document:
        assert outcome.kind == REPORTED and outcome.error == "no"
    else:
        assert outcome.kind == CRASHED and outcome.detail
