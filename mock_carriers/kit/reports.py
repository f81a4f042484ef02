"""The report card: each check's verdict with its evidence, as a terminal table, JSON, JUnit XML
(each check a test case, so CI shows them) and one self-contained HTML page. Everything a driver
or the mock wrote is escaped in the XML and HTML forms."""

from __future__ import annotations

import html
import json
import shutil
import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "n/a"  # as judges.py spells them
_CONTROL = {code: None for code in range(32) if code not in (9, 10, 13)}  # not allowed in XML 1.0


@dataclass
class Verdict:
    check: str
    title: str
    required: bool
    status: str
    summary: str
    evidence: list[str] = field(default_factory=list)
    outcome: dict | None = None
    journal: list[str] = field(default_factory=list)  # the run's requests, for a failure
    namespace: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "title": self.title,
            "required": self.required,
            "status": self.status,
            "summary": self.summary,
            "evidence": self.evidence,
            "outcome": self.outcome,
            "journal": self.journal,
            "namespace": self.namespace,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Report:
    carrier: str
    task: str
    driver: str
    seed: int
    url: str
    seconds: float
    verdicts: list[Verdict]

    @property
    def passed(self) -> bool:
        """True when no required check failed (optional ones may)."""
        return not any(v.status == FAIL and v.required for v in self.verdicts)

    def counts(self) -> dict[str, int]:
        return {status: sum(v.status == status for v in self.verdicts) for status in (PASS, FAIL, NOT_APPLICABLE)}

    def verdict(self, check: str) -> Verdict:
        return next(v for v in self.verdicts if v.check == check)

    def failed(self) -> list[str]:
        return [v.check for v in self.verdicts if v.status == FAIL]

    def to_dict(self) -> dict:
        return {
            "carrier": self.carrier,
            "task": self.task,
            "driver": self.driver,
            "seed": self.seed,
            "url": self.url,
            "seconds": round(self.seconds, 3),
            "passed": self.passed,
            "counts": self.counts(),
            "verdicts": [verdict.to_dict() for verdict in self.verdicts],
        }


def table(report: Report, verbose: bool = False) -> str:
    """The terminal report: one line per check, then the evidence of each failure (of every check
    with `verbose`)."""
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    id_width = max(len(v.check) for v in report.verdicts) if report.verdicts else 10
    lines = [f"mock-carriers conformance: {report.carrier} {report.task} -- {report.driver}", ""]
    for verdict in report.verdicts:
        mark = {PASS: "PASS", FAIL: "FAIL", NOT_APPLICABLE: " n/a"}[verdict.status]
        optional = "" if verdict.required or verdict.status != FAIL else " (optional)"
        head = f"  {mark}  {verdict.check:<{id_width}}  "
        body = textwrap.shorten(verdict.summary + optional, width=max(width - len(head), 20), placeholder="...")
        lines.append(head + body)
    shown = [v for v in report.verdicts if verbose and v.status != NOT_APPLICABLE or v.status == FAIL]
    for verdict in shown:
        lines += ["", f"{verdict.check} ({verdict.status}): {verdict.summary}"]
        lines += [f"    {line}" for line in verdict.evidence]
        if verdict.status == FAIL and verdict.outcome and verdict.outcome.get("stderr"):
            lines.append("    driver stderr (end):")
            lines += [f"      {line}" for line in verdict.outcome["stderr"].strip().splitlines()[-12:]]
        if verdict.journal:
            lines.append("    requests:")
            lines += [f"      {line}" for line in verdict.journal[-15:]]
    counts = report.counts()
    lines += [
        "",
        f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[NOT_APPLICABLE]} not applicable "
        f"in {report.seconds:.1f} s (seed {report.seed}): " + ("PASSED" if report.passed else "FAILED"),
    ]
    return "\n".join(lines)


def as_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def _xml_text(text: str) -> str:
    return escape(text.translate(_CONTROL))


def junit(report: Report) -> str:
    """JUnit XML: one testsuite, one testcase per check (failed: <failure>; not applicable:
    <skipped>), the evidence in the body."""
    counts = report.counts()
    suite = f"mock-carriers conformance {report.carrier} {report.task}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name={quoteattr(suite)} tests="{len(report.verdicts)}" failures="{counts[FAIL]}" '
        f'skipped="{counts[NOT_APPLICABLE]}" time="{report.seconds:.3f}">',
        f'  <testsuite name={quoteattr(suite)} tests="{len(report.verdicts)}" failures="{counts[FAIL]}" '
        f'errors="0" skipped="{counts[NOT_APPLICABLE]}" time="{report.seconds:.3f}">',
    ]
    for verdict in report.verdicts:
        name = quoteattr(verdict.check.translate(_CONTROL))
        classname = quoteattr(f"conformance.{report.carrier}.{report.task}")
        out.append(f'    <testcase name={name} classname={classname} time="{verdict.seconds:.3f}">')
        detail = _xml_text("\n".join([*verdict.evidence, *verdict.journal]))
        if verdict.status == FAIL:
            kind = "required" if verdict.required else "optional"
            out.append(
                f"      <failure message={quoteattr(verdict.summary.translate(_CONTROL))} type={quoteattr(kind)}>"
                f"{detail}</failure>"
            )
            stderr = (verdict.outcome or {}).get("stderr")
            if stderr:
                out.append(f"      <system-err>{_xml_text(stderr)}</system-err>")
        elif verdict.status == NOT_APPLICABLE:
            out.append(f"      <skipped message={quoteattr(verdict.summary.translate(_CONTROL))}/>")
        else:
            out.append(f"      <system-out>{_xml_text(verdict.summary)}\n{detail}</system-out>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>", ""]
    return "\n".join(out)


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}.pass{color:#176b2c}.fail{color:#b3261e;font-weight:600}.na{color:#777}
details{margin:.2rem 0}pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;white-space:pre-wrap;font-size:13px}
.verdict{font-weight:600;text-transform:uppercase}
"""


def page(report: Report) -> str:
    """One self-contained HTML page (no script, no external file) with every check's evidence."""
    e = html.escape
    counts = report.counts()
    verdict_word = "passed" if report.passed else "failed"
    rows = []
    for verdict in report.verdicts:
        css = {PASS: "pass", FAIL: "fail", NOT_APPLICABLE: "na"}[verdict.status]
        details = "\n".join(verdict.evidence)
        extra = ""
        if verdict.journal:
            extra += f"<p>Requests</p><pre>{e(chr(10).join(verdict.journal))}</pre>"
        stderr = (verdict.outcome or {}).get("stderr")
        if verdict.status == FAIL and stderr:
            extra += f"<p>Driver stderr (end)</p><pre>{e(stderr)}</pre>"
        body = (
            f"<details{' open' if verdict.status == FAIL else ''}><summary>{e(verdict.summary)}</summary>"
            f"<pre>{e(details)}</pre>{extra}</details>"
            if details or extra
            else e(verdict.summary)
        )
        rows.append(
            f'<tr><td class="verdict {css}">{e(verdict.status)}</td><td><code>{e(verdict.check)}</code><br>'
            f"{e(verdict.title)}{'' if verdict.required else ' (optional)'}</td><td>{body}</td></tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(f'Conformance: {report.carrier} {report.task}')}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Conformance: {e(report.carrier)} {e(report.task)} &mdash; {e(verdict_word)}</h1>"
        f"<p>Driver <code>{e(report.driver)}</code>, seed {report.seed}, against {e(report.url)}: "
        f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[NOT_APPLICABLE]} not applicable "
        f"in {report.seconds:.1f} s.</p>"
        f"<table><thead><tr><th>Verdict</th><th>Check</th><th>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>\n"
    )
