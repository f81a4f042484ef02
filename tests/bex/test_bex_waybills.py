"""Waybills: submit (v4 and the older wia), stored and tracked, priced, downloaded as real PDFs."""

import io

import pytest
from bodies import BEX_WAYBILL
from pypdf import PdfReader
from support import BEX, bex_token, sandbox

V4 = {
    "accountNumber": "ACC1001",
    **BEX_WAYBILL,
    "dimensions": [
        {"dimension1": "40", "dimension2": 30, "dimension3": 20, "weight": "6.5"},
        {"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 1},
    ],
}
WIA = {
    "accountNumber": "ACC1002",
    "serviceCode": "nca",
    "originCompany": "Karoo Coffee",
    "originLocationName": "Midrand",
    "destinationCompany": "Books",
    "destinationPostCode": "0083",
    "dimensions": [{"dimension1": 20, "dimension2": 20, "dimension3": 20, "weight": 3, "barcodeNumber": "X"}],
    "sursat": "FALSE",
}


@pytest.fixture
def clock(client):
    """The namespace's clock, got before the test's first token: getting it starts the namespace afresh."""
    return sandbox(client).clock


@pytest.fixture
def submit(client, clock):
    token = bex_token(client)
    return lambda path, body: client.post(f"{BEX}{path}", headers={"token": token}, json=body).get_json()


def test_submit_v4_returns_one_priced_item_and_tracking_finds_it(client, submit):
    body = submit("/api/service/submitwaybillv4", V4)
    item = body["items"][0]
    assert len(body["items"]) == 1 and item["waybillNumber"].startswith("BEX")
    assert item["totalCharges"] == round(item["subTotal"] + item["vat"], 2) and item["volRatio"] == 5000
    assert body["id"] == rows_id(client, item["waybillNumber"])
    rows = client.get(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": item["waybillNumber"]}
    ).get_json()["items"]
    assert rows[1]["col4"] == "Waybill integrated" and rows[1]["col3"] == "PO-9"


def rows_id(client, number: str) -> int:
    rows = client.get(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": number}
    ).get_json()["items"]
    return rows[1]["id"]


@pytest.mark.parametrize("service, ratio", [("SDX", 5000), ("DBD", 5000), ("ONC", 5000), ("NCA", 4000), ("BUD", 4000)])
def test_the_volumetric_ratio_depends_on_the_service(submit, service, ratio):
    """ "This ratio is directly dependent on the service delivery priority requested." """
    assert submit("/api/service/submitwaybillv4", {**V4, "serviceCode": service})["items"][0]["volRatio"] == ratio


def test_outlying_places_cost_more(submit):
    major = submit("/api/service/submitwaybillv4", V4)["items"][0]
    remote = submit("/api/service/submitwaybillv4", {**V4, "receiverSuburb": "Springbok"})["items"][0]
    assert remote["surchargesTotal"] > major["surchargesTotal"] and remote["baseRateTotal"] == major["baseRateTotal"]


def test_an_address_the_table_lacks_resolves_by_postcode_or_town(client, submit, clock):
    """The 2024 sample's sender: a suburb the mock does not know, in a town it does."""
    body = submit(
        "/api/service/submitwaybillv4",
        {**V4, "senderSuburb": "Ross Kent South", "senderCity": "Odendaalsrus", "senderPostCode": "9800"},
    )
    number = body["items"][0]["waybillNumber"]
    clock.advance("8h")
    rows = client.get(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": number}
    ).get_json()["items"]
    assert rows[1]["col4"] == "Departed BFN"


def test_a_submitted_waybill_walks_to_delivery(client, submit, clock):
    number = submit("/api/service/submitwaybillv4", V4)["items"][0]["waybillNumber"]
    clock.advance("26h")
    rows = client.get(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": number}
    ).get_json()["items"]
    assert [r["col4"] for r in rows[1:]] == [
        "Delivered to PRIYA NAIDOO",
        "Loaded for delivery",
        "Arrived DUR",
        "Departed JNB",
        "Handed to courier",
        "Waybill integrated",
    ]


def test_chosen_waybill_numbers_are_kept_and_must_be_new(submit):
    assert (
        submit("/api/service/submitwaybillv4", {**V4, "waybillNumber": "mine123"})["items"][0]["waybillNumber"]
        == "MINE123"
    )
    assert submit("/api/service/submitwaybillv4", {**V4, "waybillNumber": "MINE123"}) == {
        "id": 0,
        "ex": "Waybill number MINE123 already exists.",
    }
    assert submit("/api/service/submitwaybillv4", {**V4, "waybillNumber": "BEX1000001"})["ex"].startswith(
        "Waybill number"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/service/submitwaybillwia",
        "/api/submitwaybillwia",
        "/api/service/submitbexcollection",
        "/api/submitbexcollection",
    ],
)
def test_the_older_field_set_works_on_its_routes(submit, path):
    assert submit(path, WIA)["items"][0]["waybillNumber"].startswith("BEX")


def test_the_older_field_set_names_contacts_sender_and_receiver(client, submit, clock):
    number = submit("/api/service/submitbexcollection", {**WIA, "receiverContactName": "Sharon Snyman"})["items"][0][
        "waybillNumber"
    ]
    clock.advance("26h")
    rows = client.get(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": number}
    ).get_json()["items"]
    assert rows[1]["col4"] == "Delivered to SHARON SNYMAN"


@pytest.mark.parametrize(
    "name",
    [
        "autoGenerateWaybillNumber",
        "insuranceRequired",
        "returnParcelPrintingText",
        "printParcels",
        "printParcelsPrintNode",
    ],
)
def test_bools_are_bound_as_dotnet_binds_them(client, submit, name):
    assert "items" in submit("/api/service/submitwaybillv4", {**V4, name: "FALSE"})
    assert submit("/api/service/submitwaybillv4", {**V4, name: "1"}) == {
        "id": 0,
        "ex": f"The value '1' is not valid for {name}.",
    }
    assert client.get("/__admin/namespaces/default/webhooks").get_json()["deliveries"] == []


@pytest.mark.parametrize(
    "change, ex",
    [
        ({"accountNumber": "ACC9999"}, "Account number is not registered for transactions with this token."),
        ({"serviceCode": "XYZ"}, "Invalid service code 'XYZ'. Use one of SDX, DBD, ONC, NCA, BUD."),
        ({"dimensions": []}, "At least one parcel is required in dimensions."),
        ({"dimensions": "many"}, "At least one parcel is required in dimensions."),
        (
            {"dimensions": [{"dimension1": 1, "dimension2": 1, "dimension3": 1, "weight": 0}]},
            "dimensions[0].weight must be a number of kilograms greater than 0.",
        ),
        ({"dimensions": [{"weight": 2}]}, "dimensions[0] needs dimension1, dimension2 and dimension3 in centimetres."),
        ({"receiverSuburb": "Nowhere"}, "Unable to resolve the receiver suburb 'Nowhere'."),
        ({"waybillNumber": "BAD-NUMBER!"}, "waybillNumber may only contain letters and digits."),
    ],
)
def test_invalid_waybills_are_200_with_ex_and_store_nothing(client, submit, change, ex):
    assert submit("/api/service/submitwaybillv4", {**V4, **change}) == {"id": 0, "ex": ex}
    deliveries = client.get("/__admin/namespaces/default/webhooks").get_json()["deliveries"]
    assert deliveries == []


@pytest.mark.parametrize("name", ["submitwaybillv4", "submitwaybillwia", "submitbexcollection"])
def test_submit_needs_a_token(client, name):
    assert client.post(f"{BEX}/api/service/{name}", json=V4).get_json() == {
        "id": 0,
        "ex": f"Access to 'Service.{name}' does not allow anonymous access",
    }


def test_the_ewaybill_is_an_a4_pdf(client):
    token = bex_token(client, alternate=True)
    response = client.post(f"{BEX}/api/service/downloadewaybill", json={"token": token, "waybillNumber": "BEX1000001"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="BEX1000001.pdf"'
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert "BEX1000001" in page.extract_text()
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210


def test_labels_one_page_per_parcel_at_label_size(client):
    token = bex_token(client, alternate=True)
    response = client.get(
        f"{BEX}/api/service/downloadparcellabels",
        query_string={"token": token, "waybillNumbers": "BEX1000002,BEX1000001001"},
    )
    assert response.headers["Content-Disposition"] == 'attachment; filename="ParcelLabels.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 3
    texts = [p.extract_text() for p in reader.pages]
    assert "BEX1000002001" in texts[0] and "BEX1000002002" in texts[1] and "BEX1000001001" in texts[2]
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4, 1) == 100.8
    assert round(float(reader.pages[0].mediabox.height) / 72 * 25.4, 1) == 149.8


@pytest.mark.parametrize(
    "params, ex_start",
    [
        ({"waybillNumber": "BEX1000001"}, "Access to 'Service.downloadewaybill'"),
        ({"waybillNumber": "BEX9999999", "alt": True}, "Waybill 'BEX9999999' was not found."),
        ({"alt": True}, "waybillNumber is required."),
    ],
)
def test_download_errors_are_json_ex(client, params, ex_start):
    token = bex_token(client, alternate=params.pop("alt", False))
    response = client.post(f"{BEX}/api/service/downloadewaybill", json={"token": token, **params})
    assert response.status_code == 200 and response.get_json()["ex"].startswith(ex_start)
    assert "Content-Disposition" not in response.headers


def test_the_api_token_is_not_a_download_token(client):
    token = bex_token(client)
    response = client.post(
        f"{BEX}/api/service/downloadparcellabels", json={"token": token, "waybillNumbers": "BEX1000001"}
    )
    assert response.get_json()["ex"] == "Access to 'Service.downloadparcellabels' does not allow anonymous access"
