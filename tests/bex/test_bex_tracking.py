"""Anonymous tree-view tracking: header row, newest-first events, grouping, BEX's limits."""

import re

import pytest
from bodies import BEX_TRACKING_HEADER as HEADER
from support import BEX, sandbox

V3 = f"{BEX}/api/service/waybillquicktrackingv3customtreeview"


def _items(client, search, path=V3):
    response = client.get(path, query_string={"searchItems": search})
    assert response.status_code == 200
    return response.get_json()


def test_rows_are_the_documented_tree_view(client):
    body = _items(client, "BEX1000001")
    rows = body["items"]
    assert body["id"] == 0 and rows[0] == HEADER
    assert [r["col4"] for r in rows[1:]] == [
        "Delivered to SAMMY GROBLER",
        "Loaded for delivery",
        "Arrived CPT",
        "Departed JNB",
        "Handed to courier",
        "Waybill integrated",
    ]
    assert rows[1]["col2"] == "BEX1000001" and all(r["col2"] == "" for r in rows[2:])
    assert all(r["col3"] == "740481" and r["groupingIndex"] == 0 and r["dataTypeId"] == 2 for r in rows[1:])
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", r["col1"]) for r in rows[1:])
    assert len({r["id"] for r in rows[1:]}) == 1 and all(r["internalRef"] == str(r["id"]) for r in rows[1:])


def test_every_row_of_a_waybill_carries_the_waybills_id(client):
    """As the docs' sample shows: `id` 13751791 and `internalRef` "13751791" on all six rows."""
    rows = _items(client, "ACP1055352,BEX1000001")["items"][1:]
    ids = {(r["groupingIndex"], r["id"], r["internalRef"]) for r in rows}
    assert len(ids) == 2 and (0, 13751791, "13751791") in ids


@pytest.mark.parametrize(
    "path",
    [
        V3,
        f"{BEX}/api/waybillquicktrackingv3customtreeview",
        f"{BEX}/api/WaybillQuickTrackingV2CustomTreeview",
        f"{BEX}/api/service/WAYBILLQUICKTRACKINGV2CUSTOMTREEVIEW/",
    ],
)
def test_v2_v3_and_both_prefixes_agree(client, path):
    assert _items(client, "BEX1000001", path) == _items(client, "BEX1000001")


def test_several_items_get_their_own_groups_and_references_work(client):
    rows = _items(client, "BEX1000002, 740481,BEX9999999")["items"]
    groups = {r["groupingIndex"]: r["col2"] for r in rows[1:] if r["col2"]}
    assert groups == {0: "BEX1000002", 1: "BEX1000001"}


def test_notes_are_not_tracking_rows(client):
    rows = _items(client, "BEX1000002")["items"]
    assert all("10:00" not in r["col4"] for r in rows)


def test_the_walking_waybill_moves_with_the_clock(client):
    clock = sandbox(client).clock
    assert len(_items(client, "BEX1000003")["items"]) == 2
    clock.advance("2h")
    assert _items(client, "BEX1000003")["items"][1]["col4"] == "Handed to courier"
    clock.advance("7h")
    assert _items(client, "BEX1000003")["items"][1]["col4"] == "Delivered to JOHAN BOTHA"


def test_unknown_items_give_only_the_header(client):
    assert _items(client, "BEX9999999")["items"] == [HEADER]
    assert _items(client, "Item_1,Item_2,Item_3")["items"] == [HEADER]  # `_` is a character, not a wildcard


@pytest.mark.parametrize(
    "search, ex",
    [
        (",".join(f"BEX{n}" for n in range(11)), "A maximum of 10 search items is allowed."),
        ("BEX100*", "Wildcard and partial searches are not supported."),
        ("", "Please supply at least one waybill or reference number in searchItems."),
    ],
)
def test_limits_are_200_with_ex(client, search, ex):
    assert _items(client, search) == {"id": 0, "ex": ex}


def test_ten_items_are_fine(client):
    assert "ex" not in _items(client, ",".join(["BEX1000001"] * 10))


def test_tracking_needs_no_token(client):
    assert (
        client.post(V3, json={"searchItems": "BEX1000004"})
        .get_json()["items"][1]["col4"]
        .startswith("Delivery attempt failed")
    )
