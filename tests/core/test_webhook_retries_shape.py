"""The one `webhook_retries` fixture shape, `{delays: [...]}`, and the older shapes still read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.webhooks import RetryPolicy, retry_delays

seconds = st.integers(1, 86_400)


@given(st.lists(seconds, max_size=50))
def test_delays_are_read_as_written(delays):
    assert retry_delays({"delays": [f"{value}s" for value in delays]}) == tuple(map(float, delays))
    assert retry_delays([f"{value}s" for value in delays[:20]]) == tuple(map(float, delays[:20]))  # a bare list


@given(seconds, st.integers(1, 30))
def test_first_delay_and_attempts_double(first, attempts):
    assert (
        retry_delays({"first_delay": f"{first}s", "attempts": attempts}) == RetryPolicy.backoff(first, attempts).delays
    )


@given(seconds, st.integers(0, 50))
def test_every_and_retries_repeat(every, retries):
    assert retry_delays({"every": f"{every}s", "retries": retries}) == (float(every),) * retries


@pytest.mark.parametrize(
    "carrier, section, status",
    [
        ("parcel2go", {"delays": ["10s", "20s"]}, 201),
        ("parcel2go", {"first_delay": "10s", "attempts": 3}, 201),
        ("parcellab", {"every": "5m", "retries": 2}, 201),
        ("borderless360", ["1m", "2m"], 201),
        ("parcel2go", {"attempts": 3}, 400),  # half an old shape
        ("parcellab", {"delays": ["soon"]}, 400),
    ],
)
def test_a_namespace_overlay_takes_every_shape_and_refuses_half_of_one(client, carrier, section, status):
    response = client.put("/__admin/namespaces/retries", json={"fixtures": {carrier: {"webhook_retries": section}}})
    assert response.status_code == status, response.get_json()
