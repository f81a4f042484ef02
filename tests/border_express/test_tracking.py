"""Consignment detail, status history, timelines walking on the clock and by polls."""

from datetime import datetime

import pytest
from support import BE, be_token, bearer, sandbox

REF = {
    "delivered": "BE10000001",
    "in_transit": "BE10000002",
    "walking": "BE10000003",
    "walking_by_polls": "BE10000004",
    "exception": "BE10000005",
    "unsaved": "BE10000006",
    "not_found": "BE99999999",
}


@pytest.fixture
def get(client):
    """GET with a fresh token, so tests that move the clock by hours need not renew it."""
    return lambda path, **kw: client.get(f"{BE}{path}", headers=bearer(be_token(client)), **kw)


def _statuses(get, number, family="/api/v1/consignments"):
    response = get(f"{family}/{number}/Statuses")
    assert response.status_code == 200
    return response.get_json()["Statuses"]


@pytest.mark.parametrize("family", ["/api/v1/consignments", "/api/connotes"])
def test_delivered_history_is_newest_first_with_sydney_offsets(get, family):
    statuses = _statuses(get, REF["delivered"], family)
    assert [s["Status"] for s in statuses] == ["Delivered", "On Board", "In Transit", "In Transit", "Despatched"]
    assert statuses[0]["Suburb"] == "Richmond" and statuses[0]["State"] == "VIC" and statuses[0]["Postcode"] == "3121"
    times = [datetime.fromisoformat(s["DateOccurred"]) for s in statuses]
    assert times == sorted(times, reverse=True)
    for status in statuses:
        assert status["DateOccurred"][-6:] in ("+10:00", "+11:00")


def test_offsets_follow_daylight_saving(client, get):
    clock = sandbox(client).clock
    clock.set("2026-07-01T00:00:00Z")
    # the namespace origin stays where it was; what matters is that each time carries its own offset
    for status in _statuses(get, REF["delivered"]):
        when = datetime.fromisoformat(status["DateOccurred"])
        assert when.utcoffset().total_seconds() / 3600 in (10, 11)


@pytest.mark.parametrize("family", ["/api/v1/consignments", "/api/connotes"])
def test_detail_carries_status_and_eta(get, family):
    body = get(f"{family}/{REF['in_transit']}").get_json()
    assert body["ConsignmentNumber"] == REF["in_transit"]
    assert body["Status"] == "In Transit"
    assert body["ETADate"].endswith(("T00:00:00+10:00", "T00:00:00+11:00"))
    assert body["ReceiverSuburb"] == "Alexandria" and body["Items"] == 1


def test_paths_and_numbers_are_case_insensitive(get):
    assert get(f"/API/V1/Consignments/{REF['delivered'].lower()}/sTaTuSeS").status_code == 200
    assert get(f"/api/connotes/{REF['delivered']}/PODS/metadata").status_code == 200


def test_walking_timeline_moves_with_the_clock(client, get):
    clock = sandbox(client).clock
    assert [s["Status"] for s in _statuses(get, REF["walking"])] == ["Despatched"]
    clock.advance("1h59m")
    assert [s["Status"] for s in _statuses(get, REF["walking"])] == ["Despatched"]
    clock.advance("1m")
    assert [s["Status"] for s in _statuses(get, REF["walking"])] == ["In Transit", "Despatched"]
    assert get(f"/api/v1/consignments/{REF['walking']}/pods/Metadata").get_json() == []
    clock.advance("4h")
    assert _statuses(get, REF["walking"])[0]["Status"] == "Delivered"
    assert get(f"/api/v1/consignments/{REF['walking']}").get_json()["Status"] == "Delivered"
    assert get(f"/api/v1/consignments/{REF['walking']}/pods/Metadata").get_json()[0]["Id"] == 70003


def test_walking_by_polls_moves_one_step_per_read(get):
    seen = [get(f"/api/v1/consignments/{REF['walking_by_polls']}").get_json()["Status"] for _ in range(5)]
    assert seen == ["Despatched", "In Transit", "On Board", "Delivered", "Delivered"]


def test_exception(get):
    assert _statuses(get, REF["exception"])[0]["Status"] == "Futile Delivery"


@pytest.mark.parametrize("family", ["/api/v1/consignments", "/api/connotes"])
def test_unsaved_is_a_status_event_clients_see(get, family):
    """Clients map `Unsaved` among the Statuses values (carriers.md 1.2): entered, not despatched."""
    [status] = _statuses(get, REF["unsaved"], family)
    assert status["Status"] == "Unsaved" and status["Suburb"] == "Albury" and status["State"] == "NSW"
    body = get(f"{family}/{REF['unsaved']}").get_json()
    assert body["Status"] == "Unsaved" and body["StatusDate"] == status["DateOccurred"]
    assert body["DespatchDate"] is None


def test_despatch_date_is_the_first_status_after_unsaved(client):
    overlay = {
        "border-express": {
            "consignments": {
                "MY1": {
                    "sender": {"name": "S", "suburb": "Albury", "state": "NSW", "postcode": "2640"},
                    "receiver": {"name": "R", "suburb": "Perth", "state": "WA", "postcode": "6000"},
                    "events": [
                        {"status": "Unsaved", "at": "-3h", "suburb": "Albury", "state": "NSW", "postcode": "2640"},
                        {"status": "Despatched", "at": "+1h", "suburb": "Albury", "state": "NSW", "postcode": "2640"},
                    ],
                }
            }
        }
    }
    clock = sandbox(client, "ov", fixtures=overlay).clock
    detail = "/ns/ov/border-express/api/v1/consignments/MY1"
    headers = bearer(be_token(client, prefix="/ns/ov/border-express"))
    assert client.get(detail, headers=headers).get_json()["DespatchDate"] is None
    clock.advance("1h")
    headers = bearer(be_token(client, prefix="/ns/ov/border-express"))  # the first expired with the hour
    body = client.get(detail, headers=headers).get_json()
    history = client.get(f"{detail}/Statuses", headers=headers).get_json()["Statuses"]
    assert [s["Status"] for s in history] == ["Despatched", "Unsaved"]
    assert body["Status"] == "Despatched" and body["DespatchDate"] == history[0]["DateOccurred"]


def test_nothing_due_yet_reads_unsaved_with_no_history(client):
    overlay = {
        "border-express": {
            "consignments": {
                "MY2": {
                    "sender": {"name": "S", "suburb": "Albury", "state": "NSW", "postcode": "2640"},
                    "receiver": {"name": "R", "suburb": "Perth", "state": "WA", "postcode": "6000"},
                    "events": [],
                }
            }
        }
    }
    client.put("/__admin/namespaces/ov2", json={"fixtures": overlay})
    headers = bearer(be_token(client, prefix="/ns/ov2/border-express"))
    body = client.get("/ns/ov2/border-express/api/v1/consignments/MY2", headers=headers).get_json()
    assert body["Status"] == "Unsaved" and body["StatusDate"] is None and body["DespatchDate"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/consignments/{nf}",
        "/api/v1/consignments/{nf}/Statuses",
        "/api/connotes/{nf}/pods/Metadata",
        "/api/v1/consignments/{nf}/pods/jpg",
        "/api/v1/consignments/{nf}/scans",
        "/api/v1/barcodes/{nf}/scans",
    ],
)
def test_unknown_consignments_get_problem_details(get, path):
    response = get(path.format(nf=REF["not_found"]))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Not Found" and body["status"] == 404
    assert body["type"].startswith("https://tools.ietf.org/html/rfc7231")
    assert body["traceId"].startswith("00-")


@pytest.mark.parametrize(
    "path",
    ["/api/v2/consignments/BE10000001", "/", "/api", "/api/v1/consignments", "/api/v1/consignments/BE10000001/unknown"],
)
def test_unknown_routes_get_the_aspnet_empty_404(get, path):
    response = get(path)
    assert response.status_code == 404 and response.data == b""


def test_scans_per_consignment_and_per_barcode(get):
    scans = get(f"/api/v1/consignments/{REF['delivered']}/scans").get_json()["Scans"]
    assert len(scans) == 10  # 5 scanned events x 2 items
    assert scans[0]["ScanType"] == "DL" and scans[0]["Description"] == "Delivered"
    one = get("/api/v1/barcodes/BE10000001002/scans").get_json()["Scans"]
    assert {s["Barcode"] for s in one} == {"BE10000001002"} and len(one) == 5
    types = get("/api/v1/scantypes").get_json()["ScanTypes"]
    assert {"Code": "DL", "Description": "Delivered"} in types


def test_each_read_is_journaled(client, get):
    get(f"/api/v1/consignments/{REF['delivered']}/Statuses")
    entries = client.get("/__admin/namespaces/default/journal?carrier=border-express&limit=1").get_json()["entries"]
    assert entries[0]["operation"] == "getConsignmentStatuses"
    assert entries[0]["response"]["status"] == 200 and '"Statuses"' in entries[0]["response"]["body"]
