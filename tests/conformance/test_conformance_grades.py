"""The kit grades what it claims to: the reference driver passes every check that applies to each
carrier's task, and for each check a driver naive in one way fails exactly that check and no other.
(The two controls, `baseline` and `webhook-genuine`, have no naive driver of their own: a driver
that fails them fails the checks built on them too.)

The reports are graded together (`kit_batch`, with the other modules' batches) in a process
and against a server of their own, and each test reads its own."""

from dataclasses import replace

import pytest
from conformance_drivers import driver
from kit_batches import KitBatch, kit_batch

from mock_carriers.kit import Options, Report
from mock_carriers.kit.catalogue import load

# The drivers' request timeout: long enough that a busy machine answers every call in time, as short
# as the `hang` check allows without growing longer than `retry-after-date` (it waits one out). The
# naive driver that never times out has 1 s: the kit gives it four of them and 2 s to end.
FAST = {"request_timeout": 2.0, "task_timeout": 10.0, "workers": 12}  # workers: every check of a task at once
NO_TIMEOUT = {**FAST, "request_timeout": 1.0}
# Reports graded at a time: enough to overlap their waits, few enough to leave the machine's cores some room.
AT_ONCE = 12
PAIRS = load().pairs()

NAIVE = [
    # (the knob that makes it naive, carrier, task, the one check it must fail)
    ({"lower_case_fields": True}, "parcel2go", "quote", "contract"),
    ({"instant_retry": True}, "parcel2go", "quote", "server-error-once"),
    ({"retry_forever": True}, "border-express", "track", "server-error-persistent"),
    ({"dates_only": True}, "parcel2go", "quote", "retry-after-seconds"),
    ({"seconds_only": True}, "bex", "quote", "retry-after-date"),
    ({"no_refresh": True}, "parcel2go", "track", "token-expiry"),
    ({"loop_on_401": True}, "border-express", "track", "credential-revoked"),
    ({"ignore_ex": True}, "bex", "quote", "business-error"),
    ({"blind_commit": True}, "parcel2go", "book", "reset-after-commit"),
    ({"blind_commit": True}, "bex", "book", "reset-after-commit"),
    ({"no_timeout": True}, "borderless360", "track", "hang"),
    ({"crash_on_bad_json": True}, "parcellab", "track", "malformed-body"),
    ({"reread_first_page": True}, "borderless360", "sync", "pagination"),
    ({"short_list_on_401": True}, "borderless360", "sync", "pagination-token-expiry"),
    ({"max_wait": 2.0}, "parcellab", "track", "rate-limit"),
    ({"trust_all": True}, "bex", "receive-webhooks", "webhook-forged"),
    ({"no_stale_check": True}, "parcel2go", "receive-webhooks", "webhook-stale"),
    ({"no_dedupe": True}, "borderless360", "receive-webhooks", "webhook-duplicate"),
    ({"reject_older": True}, "bex", "receive-webhooks", "webhook-out-of-order"),
]
NAIVE_IDS = [f"{check}-{carrier}" for _, carrier, _, check in NAIVE]


LONG = ("parcellab", "track")  # the task whose runs take longest after the `hang` one
QUIET = ["server-error-once-parcel2go"]  # told from a good driver by 100 ms only (an instant retry)


@kit_batch
def batch(server, folder) -> KitBatch:
    """Each reference run (by carrier and task) and each naive run (by its id), the longest first:
    the naive driver with no request timeout (its `hang` check is the longest of all), then the runs
    of parcelLab's track task (its `rate-limit` check waits its limit out), then the rest, so that
    no long run starts last. A QUIET naive driver's own check is graded alone, before any batch
    starts: a busy machine can delay an instant retry by the 100 ms the check allows."""
    naive = {name: (carrier, task, driver(**knobs)) for name, (knobs, carrier, task, _) in zip(NAIVE_IDS, NAIVE)}
    own = {name: check for name, (*_, check) in zip(NAIVE_IDS, NAIVE) if name in QUIET}
    alone = {name: (*naive[name], Options(**FAST, only=(own[name],))) for name in QUIET}
    runs = naive | {pair: (*pair, driver()) for pair in PAIRS}
    longest = ["hang-borderless360", *(key for key, (carrier, task, _) in runs.items() if (carrier, task) == LONG)]
    jobs = {key: runs.pop(key) for key in longest} | runs

    def options(key) -> Options:
        return Options(**(NO_TIMEOUT if key == "hang-borderless360" else FAST), skip=(own[key],) if key in own else ())

    return KitBatch({key: (*job, options(key)) for key, job in jobs.items()}, AT_ONCE, alone)


@pytest.fixture(scope="module")
def reports(kit_batches):
    """key -> Report: a QUIET driver's report holds its check graded alone and the others."""
    graded = kit_batches(__name__)

    def report(key) -> Report:
        found = graded.report(key)
        if key not in graded.alone:
            return found
        order = [check.id for check in load().checks]
        verdicts = found.verdicts + graded.alone[key].verdicts
        return replace(found, verdicts=sorted(verdicts, key=lambda v: order.index(v.check)))

    return report


@pytest.mark.parametrize("carrier, task", PAIRS, ids=lambda value: value)
def test_the_reference_driver_passes_every_check_that_applies(reports, carrier, task):
    report = reports((carrier, task))
    failures = {v.check: (v.summary, v.evidence) for v in report.verdicts if v.status == "fail"}
    assert failures == {}
    applicable = [check.id for check in load().checks if check.applies(load().task(carrier, task)) is None]
    assert [v.check for v in report.verdicts if v.status == "pass"] == applicable
    assert report.passed


@pytest.mark.parametrize(
    "name, carrier, task, check", [(name, *row[1:]) for name, row in zip(NAIVE_IDS, NAIVE)], ids=NAIVE_IDS
)
def test_a_naive_driver_fails_exactly_its_check(reports, name, carrier, task, check):
    report = reports(name)
    assert (report.carrier, report.task) == (carrier, task)
    assert report.failed() == [check], [(v.check, v.summary) for v in report.verdicts if v.status == "fail"]
    verdict = report.verdict(check)
    assert verdict.evidence and verdict.journal or check.startswith("webhook")
    assert report.passed is (not verdict.required)


def test_every_check_but_the_controls_has_a_naive_driver():
    covered = {check for *_, check in NAIVE}
    assert covered == {check.id for check in load().checks} - {"baseline", "webhook-genuine"}
