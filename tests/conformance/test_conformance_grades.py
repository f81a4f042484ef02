"""The kit grades what it claims to: the reference driver passes every check that applies to each
carrier's task, and for each check a driver naive in one way fails exactly that check and no other.
(The two controls, `baseline` and `webhook-genuine`, have no naive driver of their own: a driver
that fails them fails the checks built on them too.)"""

import pytest
from conformance_drivers import driver

from mock_carriers.kit import Options, conform
from mock_carriers.kit.catalogue import load

FAST = {"request_timeout": 1.0, "task_timeout": 10.0, "workers": 6}


@pytest.mark.parametrize("carrier, task", load().pairs(), ids=lambda value: value)
def test_the_reference_driver_passes_every_check_that_applies(carriers_server, carrier, task):
    report = conform(carriers_server, carrier, task, driver(), Options(**FAST))
    failures = {v.check: (v.summary, v.evidence) for v in report.verdicts if v.status == "fail"}
    assert failures == {}
    applicable = [check.id for check in load().checks if check.applies(load().task(carrier, task)) is None]
    assert [v.check for v in report.verdicts if v.status == "pass"] == applicable
    assert report.passed


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


@pytest.mark.parametrize(
    "knobs, carrier, task, check", NAIVE, ids=[f"{check}-{carrier}" for _, carrier, _, check in NAIVE]
)
def test_a_naive_driver_fails_exactly_its_check(carriers_server, knobs, carrier, task, check):
    report = conform(carriers_server, carrier, task, driver(**knobs), Options(**FAST))
    assert report.failed() == [check], [(v.check, v.summary) for v in report.verdicts if v.status == "fail"]
    verdict = report.verdict(check)
    assert verdict.evidence and verdict.journal or check.startswith("webhook")
    assert report.passed is (not verdict.required)


def test_every_check_but_the_controls_has_a_naive_driver():
    covered = {check for *_, check in NAIVE}
    assert covered == {check.id for check in load().checks} - {"baseline", "webhook-genuine"}
