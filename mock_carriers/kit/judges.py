"""The judges: small rules that turn a check's evidence into a verdict, each citing the journal
entries (by index) and the driver's outcome a developer needs to fix what failed. A check in the
catalogue names its judge and gives it parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl

from mock_carriers.core.drf.pagination import LimitOffset
from mock_carriers.kit.driver import REPORTED, SUCCEEDED, TIMED_OUT
from mock_carriers.kit.evidence import Evidence
from mock_carriers.kit.reports import FAIL, PASS

TOLERANCE_S = 0.005  # journal instants are in milliseconds


@dataclass
class Finding:
    status: str
    summary: str
    evidence: list[str] = field(default_factory=list)


Judge = Callable[[Evidence, dict], Finding]
JUDGES: dict[str, Judge] = {}


def judge(function: Judge) -> Judge:
    JUDGES[function.__name__] = function
    return function


def _fail(ev: Evidence, summary: str, *lines: str) -> Finding:
    return Finding(FAIL, summary, [*lines, f"driver: {ev.outcome.describe()}"])


def _pass(ev: Evidence, summary: str, *lines: str) -> Finding:
    return Finding(PASS, summary, [*lines, f"driver: {ev.outcome.describe()}"])


def _unusable_outcome(ev: Evidence, wanted: tuple[str, ...]) -> Finding | None:
    """A crash or a time-out fails any check; so does an outcome the check does not accept."""
    kind = ev.outcome.kind
    if kind in wanted:
        return None
    if kind == TIMED_OUT:
        limit = ev.notes["task_timeout"]  # the time it took to stop it is on the driver's line
        return _fail(ev, f"the driver was still running at its {limit:.1f} s time limit and was killed")
    if kind not in (SUCCEEDED, REPORTED):
        return _fail(ev, f"the driver crashed: {ev.outcome.detail}")
    if kind == SUCCEEDED:
        return _fail(ev, "the driver exited 0 (success) where it should have reported a failure")
    return _fail(ev, f"the driver reported a failure where it should have succeeded: {ev.outcome.error}")


def _goal(ev: Evidence) -> Finding | None:
    """The task must really have happened: one of its goal operations answered success."""
    if ev.reached_goal():
        return None
    return _fail(
        ev,
        f"the driver exited 0, but no {'/'.join(ev.spec.goal)} request answered success",
        *[ev.cite(entry) for entry in ev.of(ev.spec.goal)],
    )


def _first_fault(ev: Evidence, effect: str) -> dict | Finding:
    faulted = ev.faulted(effect)
    if faulted:
        return faulted[0]
    crashed = _unusable_outcome(ev, (SUCCEEDED, REPORTED))  # a crash or a time-out explains it best
    if crashed:
        return crashed
    return _fail(
        ev,
        f"the driver never sent the request the {effect} fault waits for ({'/'.join(ev.spec.target)})",
        *ev.journal_lines(10),
    )


@judge
def succeeds(ev: Evidence, params: dict) -> Finding:
    problem = _unusable_outcome(ev, (SUCCEEDED,)) or _goal(ev)
    if problem:
        return problem
    done = ev.reached_goal()[0]
    return _pass(ev, f"the task succeeded in {len(ev.entries)} requests", ev.cite(done))


@judge
def keeps_contract(ev: Evidence, params: dict) -> Finding:
    if ev.violations:
        lines = [
            f"#{v['entry']} {v['request']} -> {v['status']}: {v['in']} {v['json_path']}: {v['message']} "
            f"[rule: {v['rule']}; {v['operation']}]"
            for v in ev.violations
        ]
        count = len(ev.violations)
        return _fail(ev, f"{count} contract violation{'s' if count > 1 else ''} in the driver's requests", *lines)
    problem = _unusable_outcome(ev, (SUCCEEDED, REPORTED))
    if problem:
        return problem
    if not ev.entries:
        return _fail(ev, "the driver sent no request, so nothing could be checked")
    return _pass(ev, f"{len(ev.entries)} requests, none broke the contract")


@judge
def recovers_spaced(ev: Evidence, params: dict) -> Finding:
    fault = _first_fault(ev, "status")
    if isinstance(fault, Finding):
        return fault
    later = ev.after(fault, ev.of(ev.spec.target))
    recovered = next((n for n, entry in enumerate(later) if ev.ok(entry)), len(later) - 1)
    attempts = [fault, *later[: recovered + 1]]  # up to the first success: later calls are the task going on
    problem = _unusable_outcome(ev, (SUCCEEDED,)) or _goal(ev)
    if problem:
        problem.evidence[:0] = [ev.cite(entry) for entry in attempts[:6]]
        return problem
    retry = attempts[1] if len(attempts) > 1 else None
    if retry is None:
        return _fail(ev, f"the 503 at #{fault['id']} was never retried, yet the driver succeeded")
    gap = ev.gap_ms(fault, retry)
    cited = [ev.cite(fault), ev.cite(retry)]
    if gap < params["min_gap_ms"]:
        later = [e for e in attempts[1:] if ev.gap_ms(fault, e) < params["min_gap_ms"]]
        return _fail(
            ev,
            f"{len(later)} request{'s' if len(later) > 1 else ''} within {gap:.0f} ms after the 503 "
            f"(#{fault['id']}): no backoff (at least {params['min_gap_ms']} ms expected)",
            *cited,
        )
    if len(attempts) > params["max_attempts"]:
        return _fail(ev, f"{len(attempts)} attempts for one 503 (at most {params['max_attempts']})", *cited)
    return _pass(ev, f"retried {gap:.0f} ms after the 503, then succeeded", *cited)


@judge
def gives_up_bounded(ev: Evidence, params: dict) -> Finding:
    attempts = ev.faulted("status")
    cited = [ev.cite(entry) for entry in attempts[:3]]
    if len(attempts) > 3:
        cited += [f"... {len(attempts) - 4} more ...", ev.cite(attempts[-1])]
    if len(attempts) > params["max_attempts"]:
        return _fail(
            ev,
            f"{len(attempts)} attempts against a carrier that keeps answering 503 (at most {params['max_attempts']})",
            *cited,
        )
    problem = _unusable_outcome(ev, (REPORTED,))
    if problem:
        problem.evidence[:0] = cited
        return problem
    if not attempts:
        return _fail(ev, "the driver reported a failure before it reached the failing request", *ev.journal_lines(10))
    return _pass(ev, f"gave up after {len(attempts)} attempts and reported the failure", *cited)


@judge
def waits_retry_after(ev: Evidence, params: dict) -> Finding:
    throttled = [entry for entry in ev.entries if entry["response"]["status"] == 429]
    lines, early = [], []
    for entry in throttled:
        allowed = ev.retry_after(entry)
        following = ev.after(entry)
        lines.append(ev.cite(entry) + f" Retry-After: {entry['response']['headers'].get('Retry-After')}")
        if following and allowed is not None:
            waited = ev.at(following[0]) - ev.at(entry)
            lines.append(f"  next request {ev.cite(following[0])}, {waited:.3f} s later")
            if ev.at(following[0]) < allowed - TOLERANCE_S:
                early.append((entry, following[0], allowed - ev.at(entry), waited))
    if early:
        entry, nxt, needed, waited = early[0]
        return _fail(
            ev,
            f"the request after the 429 at #{entry['id']} came {waited:.3f} s later (#{nxt['id']}); "
            f"Retry-After asked for {needed:.3f} s",
            *lines,
        )
    if len(throttled) > params["max_throttled"]:
        return _fail(ev, f"{len(throttled)} requests were throttled (at most {params['max_throttled']})", *lines)
    problem = _unusable_outcome(ev, (SUCCEEDED,)) or _goal(ev)
    if problem:
        problem.evidence[:0] = lines
        return problem
    if not throttled:
        return _pass(ev, "no request was throttled: the driver stayed under the limit")
    count = f"{len(throttled)} throttled request{'s' if len(throttled) > 1 else ''}"
    return _pass(ev, f"waited as Retry-After asked after {count}, then succeeded", *lines)


@judge
def one_new_token(ev: Evidence, params: dict) -> Finding:
    fault = _first_fault(ev, "expire_token")
    if isinstance(fault, Finding):
        return fault
    later = ev.after(fault)
    recovered = next((e for e in ev.after(fault, ev.of(ev.spec.target)) if ev.ok(e)), None)
    window = [e for e in later if recovered is None or e["id"] < recovered["id"]]
    tokens = ev.of(ev.spec.token)
    new = [e for e in window if e in tokens]
    cited = [ev.cite(fault), *[ev.cite(e) for e in new[:5]]] + ([ev.cite(recovered)] if recovered else [])
    if recovered is None:
        problem = _unusable_outcome(ev, (SUCCEEDED,)) or _fail(
            ev, "the call the expired token failed was never repeated successfully"
        )
        problem.evidence[:0] = cited
        return problem
    if len(new) != 1:
        return _fail(
            ev,
            f"{len(new)} new tokens ({ev.ids(new)}) between the expiry at #{fault['id']} and the repeated "
            f"call #{recovered['id']}; exactly one expected",
            *cited,
        )
    finding = _unusable_outcome(ev, (SUCCEEDED,)) or _goal(ev)
    if finding:
        finding.evidence[:0] = cited
        return finding
    return _pass(ev, f"one new token (#{new[0]['id']}) after the expiry, then #{recovered['id']} succeeded", *cited)


@judge
def reports_without_looping(ev: Evidence, params: dict) -> Finding:
    effect = ev.check.setup["faults"][0]["effect"]
    fault = _first_fault(ev, effect)
    if isinstance(fault, Finding):
        return fault
    targets = ev.of(ev.spec.target)
    refused = [fault, *[e for e in ev.after(fault, targets) if not ev.ok(e)]]
    tokens = ev.after(fault, ev.of(ev.spec.token))
    cited = [ev.cite(e) for e in refused[:4]] + [ev.cite(e) for e in tokens[:3]]
    if len(refused) > params["max_rejected"]:
        return _fail(
            ev,
            f"{len(refused)} refused calls ({ev.ids(refused[:8])}{', ...' if len(refused) > 8 else ''}): "
            f"a loop (at most {params['max_rejected']})",
            *cited,
        )
    if len(tokens) > params["max_tokens"]:
        return _fail(
            ev, f"{len(tokens)} new tokens after #{fault['id']} (at most {params['max_tokens']}): a loop", *cited
        )
    problem = _unusable_outcome(ev, (REPORTED,))
    if problem:
        problem.evidence[:0] = cited
        if ev.outcome.kind == SUCCEEDED:
            problem.summary = (
                f"the driver exited 0 (success) although #{fault['id']} was refused"
                f"{' and nothing after it succeeded' if not ev.after(fault, [e for e in targets if ev.ok(e)]) else ''}"
            )
        return problem
    return _pass(ev, f"reported the failure after {len(refused)} refused call{'s' if len(refused) > 1 else ''}", *cited)


@judge
def commits_once(ev: Evidence, params: dict) -> Finding:
    fault = _first_fault(ev, "reset")
    if isinstance(fault, Finding):
        return fault
    done = [entry for entry in ev.of(ev.spec.commit) if ev.ok(entry)]
    cited = [ev.cite(entry) for entry in ev.of(ev.spec.commit)[:6]]
    if len(done) > 1:
        return _fail(
            ev,
            f"committed {len(done)} times ({ev.ids(done)}): the first (#{fault['id']}) went through, "
            f"only its answer was lost",
            *cited,
        )
    problem = _unusable_outcome(ev, (SUCCEEDED,))
    if problem:
        problem.evidence[:0] = cited
        if done and ev.outcome.kind == REPORTED:
            problem.summary = (
                f"#{done[0]['id']} went through (its answer was lost to a reset), but the driver "
                f"reported a failure instead of checking: {ev.outcome.error}"
            )
        return problem
    return _pass(ev, f"done once (#{done[0]['id']}), the lost answer checked rather than repeated", *cited)


@judge
def ends_in_time(ev: Evidence, params: dict) -> Finding:
    fault = _first_fault(ev, "hang")
    if isinstance(fault, Finding):
        return fault
    problem = _unusable_outcome(ev, (SUCCEEDED, REPORTED))
    if problem:
        if ev.outcome.kind == TIMED_OUT:
            problem.summary = (
                f"still waiting on #{fault['id']}, which never answers, {ev.outcome.seconds:.1f} s after the start: "
                f"no request timeout (it should give up within {ev.notes.get('request_timeout')} s)"
            )
        problem.evidence[:0] = [ev.cite(fault)]
        return problem
    return _pass(ev, f"gave up on #{fault['id']} and ended by itself", ev.cite(fault))


@judge
def copes(ev: Evidence, params: dict) -> Finding:
    fault = _first_fault(ev, "malformed")
    if isinstance(fault, Finding):
        return fault
    problem = _unusable_outcome(ev, (SUCCEEDED, REPORTED))
    if problem:
        problem.summary = f"after the malformed answer of #{fault['id']}: {problem.summary.removeprefix('the driver ')}"
        problem.evidence[:0] = [ev.cite(fault)]
        return problem
    how = "retried and succeeded" if ev.outcome.kind == SUCCEEDED else "reported a failure"
    return _pass(ev, f"{how} after the malformed answer of #{fault['id']}", ev.cite(fault))


@judge
def pages_once(ev: Evidence, params: dict) -> Finding:
    count = ev.notes["count"]
    pages = [entry for entry in ev.of([(ev.spec.pages or {})["operation"]]) if ev.ok(entry)]
    windows = []
    for entry in pages:
        limit, offset = _PAGER.window(parse_qsl(entry["request"]["query"], keep_blank_values=True))
        windows.append((offset, min(offset + limit, count), entry))
    repeated, beyond, covered = [], [], set[int]()
    for start, end, entry in windows:
        if start >= count and count:
            beyond.append(entry)
        elif any(position in covered for position in range(start, end)):
            repeated.append(entry)
        covered.update(range(start, end))
    missing = count - len(covered)
    summary_lines = [ev.cite(entry) + f" offset {start}, {end - start} orders" for start, end, entry in windows[:25]]
    if repeated:
        return _fail(
            ev,
            f"{len(repeated)} page{'s' if len(repeated) > 1 else ''} read again ({ev.ids(repeated)})",
            *summary_lines,
        )
    if beyond:
        return _fail(ev, f"read past the last page ({ev.ids(beyond)}): it did not stop at `next: null`", *summary_lines)
    if missing > 0:
        return _fail(ev, f"{missing} of {count} orders never read: the pages stopped early", *summary_lines)
    problem = _unusable_outcome(ev, (SUCCEEDED,))
    if problem:
        problem.evidence[:0] = summary_lines
        return problem
    return _pass(ev, f"{len(windows)} pages, {count} orders, each page once, stopped at the last", *summary_lines[-3:])


_PAGER = LimitOffset(default_limit=20)


@judge
def webhooks(ev: Evidence, params: dict) -> Finding:
    lines = [sent.describe() for sent in ev.sent]
    if ev.notes.get("listening"):
        return _fail(ev, ev.notes["listening"], *lines)
    problem = _unusable_outcome(ev, (SUCCEEDED,))
    wrong = [sent for sent in ev.sent if (sent.status is not None and 200 <= sent.status < 300) != sent.genuine]
    processed = (ev.outcome.result or {}).get("processed")
    if wrong:
        first = wrong[0]
        what = "refused a genuine delivery" if first.genuine else "accepted a delivery it should have refused"
        return _fail(ev, f"{what}: {first.describe()}", *lines)
    if problem:
        problem.evidence[:0] = lines
        return problem
    if not isinstance(processed, list):
        return _fail(ev, 'the result has no "processed" list', *lines, f"result: {str(ev.outcome.result)[:300]}")
    processed = [str(item) for item in processed]
    expected = list(dict.fromkeys(sent.id for sent in ev.sent if sent.genuine))
    refused = {sent.id for sent in ev.sent if not sent.genuine} - set(expected)
    twice = sorted({item for item in processed if processed.count(item) > 1})
    missing = [item for item in expected if item not in processed]
    acted = sorted(refused & set(processed))
    lines.append(f"processed: {processed}")
    if acted:
        return _fail(ev, f"processed a delivery it refused: {acted[0]}", *lines)
    if twice:
        return _fail(
            ev, f"processed {twice[0]} {processed.count(twice[0])} times: a repeated delivery counts once", *lines
        )
    if missing:
        return _fail(ev, f"did not report processing {missing[0]}", *lines)
    return _pass(ev, f"{len(ev.sent)} deliveries answered as expected, {len(expected)} processed once each", *lines)
