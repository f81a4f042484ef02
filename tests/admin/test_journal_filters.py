"""The journal's filters (`since`, `operation`, `status`, `faulted`, `violated`), its `last_id`, and
one entry by id: what a tool following a namespace (the dashboard, a script) reads instead of the
whole journal every time. Bad values are 400s naming the parameter."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import BE, P2G, be_token, bearer, p2g_token

from mock_carriers.admin.journal_query import JournalQuery, parse
from mock_carriers.core.errors import Invalid

STATUSES = f"{BE}/api/v1/consignments/BE10000001/Statuses"
JOURNAL = "/__admin/namespaces/default/journal"


def ids(client, query: str = "") -> list[int]:
    response = client.get(f"{JOURNAL}?{query}")
    assert response.status_code == 200, response.get_json()
    return [entry["id"] for entry in response.get_json()["entries"]]


@pytest.fixture
def traffic(client):
    """1 token 200, 2 read 200, 3 read 401, 4 missing consignment 404, 5 read with a 503 fault."""
    token = be_token(client)
    client.get(STATUSES, headers=bearer(token))
    client.get(STATUSES)
    client.get(f"{BE}/api/v1/consignments/BE99999999", headers=bearer(token))
    client.post(
        "/__admin/namespaces/default/faults", json={"carrier": "border-express", "effect": "status", "times": 1}
    )
    client.get(STATUSES, headers=bearer(token))
    return client


def test_since_answers_only_what_is_new(traffic):
    assert ids(traffic, "since=3") == [4, 5]
    assert ids(traffic, "since=5") == []
    assert traffic.get(f"{JOURNAL}?since=5").get_json()["last_id"] == 5


def test_status_by_class_or_exactly(traffic):
    assert ids(traffic, "status=4xx") == [3, 4]
    assert ids(traffic, "status=401") == [3]
    assert ids(traffic, "status=5XX") == [5]
    assert ids(traffic, "status=2xx") == [1, 2]


def test_faulted_and_operation(traffic):
    assert ids(traffic, "faulted=true") == [5]
    assert ids(traffic, "faulted=false") == [1, 2, 3, 4]
    assert ids(traffic, "operation=getConsignmentStatuses") == [2, 3, 5]
    assert ids(traffic, "operation=getConsignmentStatuses&status=2xx&limit=1") == [2]


def test_filters_combine_with_carrier_and_limit(traffic):
    assert ids(traffic, "carrier=border-express&status=4xx&limit=1") == [4]
    assert ids(traffic, "carrier=bex") == []


def test_violated_picks_the_requests_that_broke_their_contract(make_app):
    client = make_app(strict=True).test_client()
    token = p2g_token(client)
    client.post(f"{P2G}/api/quotes", json={"Parcels": "many"}, headers=bearer(token))
    client.delete("/__admin/namespaces/default/violations")  # taken: the test broke the contract on purpose
    assert ids(client, "violated=true") == [2]
    assert ids(client, "violated=false") == [1]


def test_the_last_id_says_a_namespace_was_reset(client):
    be_token(client)
    be_token(client)
    assert client.get(f"{JOURNAL}?since=2").get_json()["last_id"] == 2
    client.delete("/__admin/namespaces/default")
    be_token(client)
    answer = client.get(f"{JOURNAL}?since=2").get_json()
    assert answer["entries"] == [] and answer["last_id"] == 1  # below `since`: start again


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=-1", "since"),
        ("since=x", "since"),
        ("status=600", "status"),
        ("status=4x", "status"),
        ("faulted=yes", "faulted"),
        ("violated=1", "violated"),
        ("operation=" + "x" * 301, "operation"),
    ],
)
def test_bad_filters_are_400s_naming_the_parameter(traffic, query, field):
    response = traffic.get(f"{JOURNAL}?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid" and field in body["fields"]


def test_one_entry_by_id(traffic):
    entry = traffic.get(f"{JOURNAL}/3").get_json()
    assert entry["id"] == 3 and entry["response"]["status"] == 401
    assert entry == traffic.get(f"{JOURNAL}?since=2").get_json()["entries"][0]
    assert traffic.get(f"{JOURNAL}/99").status_code == 404
    refused = traffic.get(f"{JOURNAL}/three")
    assert refused.status_code == 400 and "entry_id" in refused.get_json()["fields"]


def test_an_entry_the_journal_no_longer_keeps_is_a_404(make_app):
    client = make_app(journal_limit=2).test_client()
    for _ in range(3):
        be_token(client)
    assert client.get(f"{JOURNAL}/1").status_code == 404
    assert client.get(f"{JOURNAL}/3").get_json()["id"] == 3


@given(st.dictionaries(st.sampled_from(["since", "operation", "status", "faulted", "violated", "other"]), st.text()))
def test_any_query_string_is_a_query_or_an_invalid_naming_its_fields(args):
    try:
        query = parse(args)
    except Invalid as error:
        assert set(error.fields) <= {"since", "operation", "status", "faulted", "violated"} and error.fields
    else:
        assert isinstance(query, JournalQuery)
