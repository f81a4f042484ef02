"""Fault rules as data: matching, seeded decisions that repeat exactly, `after` and `times`, and
rule checking that names the field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.errors import Invalid
from mock_carriers.core.faults import FaultBook

OPERATIONS = {"bex": ["login", "track"], "parcel2go": ["getQuotes"]}


def fires(book: FaultBook, *request: str) -> bool:
    """Whether the first rule that may fire does, applied and claimed as the pipeline does it."""
    rule = next(book.candidates(*request), None)
    return rule is not None and book.claim(rule)


def outcomes(seed: int, probability: float, requests: int) -> list[bool]:
    book = FaultBook(seed)
    book.add({"effect": "status", "probability": probability}, OPERATIONS)
    return [fires(book, "bex", "login", "POST", "/api/service/login") for _ in range(requests)]


@given(st.integers(0, 10**6), st.floats(0, 1), st.integers(1, 60))
def test_the_same_seed_gives_the_same_outcomes(seed, probability, requests):
    assert outcomes(seed, probability, requests) == outcomes(seed, probability, requests)


def test_probability_bounds_and_rough_rate():
    assert not any(outcomes(1, 0.0, 100)) and all(outcomes(1, 1.0, 100))
    assert 350 < sum(outcomes(7, 0.4, 1000)) < 450


@given(st.integers(0, 20), st.integers(0, 20), st.integers(1, 50))
def test_after_skips_and_times_retires(after, times, requests):
    book = FaultBook(3)
    book.add({"effect": "status", "after": after, "times": times}, OPERATIONS)
    fired = [fires(book, "bex", "login", "POST", "/x") for _ in range(requests)]
    expected = [after < n + 1 <= after + times for n in range(requests)]
    assert fired == expected


def test_matching_by_carrier_operation_method_and_path_glob():
    book = FaultBook(1)
    book.add(
        {"effect": "status", "carrier": "bex", "operation": "track", "method": "get", "path": "/api/*"}, OPERATIONS
    )
    assert fires(book, "bex", "track", "GET", "/api/service/x")
    assert not fires(book, "bex", "track", "POST", "/api/service/x")
    assert not fires(book, "bex", "login", "GET", "/api/service/x")
    assert not fires(book, "parcel2go", "track", "GET", "/api/x")
    assert not fires(book, "bex", "track", "GET", "/other")


def test_candidates_are_lazy_and_only_a_claim_counts_as_fired():
    book = FaultBook(1)
    for spec in ({"effect": "latency", "ms": 1}, {"effect": "status", "times": 1}, {"effect": "malformed"}):
        book.add(spec, OPERATIONS)
    candidates = book.candidates("bex", "login", "POST", "/")
    assert [next(candidates).effect, next(candidates).effect] == ["latency", "status"]
    latency, status, malformed = book.rules()
    assert (latency.matched, status.matched, malformed.matched) == (1, 1, 0)  # not reached: not matched
    assert latency.fired == status.fired == 0  # chosen, not applied
    assert book.claim(status) and not book.claim(status)  # its one time is used
    assert status.retired and [rule.effect for rule in book.candidates("bex", "login", "POST", "/")] == [
        "latency",
        "malformed",
    ]


@pytest.mark.parametrize(
    "spec, field",
    [
        ({}, "effect"),
        ({"effect": "explode"}, "effect"),
        ({"effect": "status", "status": 404}, "status"),
        ({"effect": "status", "probability": 1.5}, "probability"),
        ({"effect": "status", "probability": "1"}, "probability"),
        ({"effect": "status", "times": -1}, "times"),
        ({"effect": "status", "after": 1.5}, "after"),
        ({"effect": "status", "carrier": "dhl"}, "carrier"),
        ({"effect": "status", "operation": "nope"}, "operation"),
        ({"effect": "status", "carrier": "bex", "operation": "getQuotes"}, "operation"),
        ({"effect": "latency", "ms": -5}, "ms"),
        ({"effect": "latency", "ms": 10**9}, "ms"),
        ({"effect": "latency", "distribution": "uniform", "min_ms": 9, "max_ms": 1}, "max_ms"),
        ({"effect": "latency", "distribution": "lognormal", "median_ms": 100}, "sigma"),
        ({"effect": "rate_limit", "retry_after_format": "minutes"}, "retry_after_format"),
        ({"effect": "quota"}, "limit"),
        ({"effect": "quota", "limit": 5, "window": "0s"}, "window"),
        ({"effect": "status", "ms": 5}, "ms"),
        ({"effect": "carrier_error", "message": ""}, "message"),
        ({"effect": "status", "path": ""}, "path"),
        ({"effect": "status", "description": "x" * 501}, "description"),
    ],
)
def test_a_bad_rule_names_its_field_and_adds_nothing(spec, field):
    book = FaultBook(1)
    book.add({"effect": "malformed"}, OPERATIONS)
    with pytest.raises(Invalid) as caught:
        book.add(spec, OPERATIONS)
    assert field in caught.value.fields and len(book) == 1


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "effect",
                "carrier",
                "operation",
                "probability",
                "times",
                "after",
                "ms",
                "status",
                "limit",
                "window",
                "distribution",
                "message",
                "path",
            ]
        ),
        st.none() | st.booleans() | st.integers(-5, 10**10) | st.floats() | st.text(max_size=10),
        max_size=6,
    )
)
def test_any_rule_is_added_or_refused_never_crashes(spec):
    book = FaultBook(1)
    try:
        book.add(spec, OPERATIONS)
    except Invalid as error:
        assert error.fields and len(book) == 0
