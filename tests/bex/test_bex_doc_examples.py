"""Every example request in BEX's own documentation (github.com/BEX-Express/BEX-API: the 2022
generation at 1e9d539, published as docs/carriers/bex.md describes, and the current one), sent as
written to the default world, answered as documented.

Only credentials are substituted (the username, password, account number, tokens and WebHook API key
come from the namespace document), plus the placeholders the docs leave for the reader
(`waybill_number`, `length_cm`, `filterA`, ...), each noted where it happens. Each documented
response's field names and JSON types must appear in the answer."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest
import requests
from bodies import BEX_NEXT_EVENTS, BEX_TRACKING_HEADER
from pypdf import PdfReader
from support import BEX

from mock_carriers.client import MockCarriers

V2022_QUOTE_BODY = {  # "Sample json quoting message body" (both generations), `//` comment dropped
    "dispatchDate": "2021-09-03",
    "totalWeight": "10",
    "dimMass": "25000",
    "accountNumber": "316085",
    "originSuburb": "Ballito",
    "originPostCode": "4319",
    "originLatCoord": -29.1234,
    "originLongCoord": "18.5099",
    "destinationLatCoord": "-26.1327",
    "destinationLongCoord": "28.1957",
}

DOCUMENTED_QUOTE_ITEM = {  # the first item of "json quoting response."
    "id": 0,
    "customerName": "BOEING AIRCRAFT COMPANY",
    "serviceId": 449,
    "serviceCodeStr": "ONC",
    "serviceNameStr": "OVERNIGHT COURIER",
    "originSuburb": "AGGENEYS",
    "originCity": "AGGENEYS",
    "originRateCategory": "REMOTE",
    "originBranchStr": "CAPE TOWN",
    "originHub": "CPT",
    "originLocationCode": "",
    "destinationSuburb": "CROYDON",
    "destinationCity": "KEMPTON PARK",
    "destinationRateCategory": "MAJOR",
    "destinationBranchStr": "JOHANNESBURG",
    "destinationHub": "JNB",
    "destinationLocationCode": "",
    "estimatedTransitDays": 4,
    "scheduledTransitDays": 4,
    "estimatedHolidays": 0,
    "scheduledHolidays": 0,
    "scheduleBy": "2021-10-05 16:00:00",
    "estimatedCollectionDateAndTime": "2021-10-05 18:00:00",
    "latestCollectionDateAndTime": "2021-10-05 18:00:00",
    "estimatedDeliveryDateAndTime": "2021-10-09 10:00:00",
    "scheduledDeliveryDateAndTime": "2021-10-09 14:00:00",
    "isDeliveryGuaranteed": "True",
    "surchargeAddons": "SURSAT",
    "customerChargeableWeight": 10,
    "baseRateTotal": 0.00,
    "fuel": 0.00,
    "insuranceRequired": 0.00,
    "otherSurcharges": 0.00,
    "surchargeTotal": 0.00,
    "subTotal": 0.00,
    "vat": 0.00,
    "totalCharges": 0.00,
}
DOCUMENTED_QUOTE = {"id": 0, "items": [DOCUMENTED_QUOTE_ITEM]}

DOCUMENTED_LOGIN = {
    "id": 19696,
    "value": "dOdw98ycsih298749bd6MbZre8o7tt3r3nhfowo8dnBDpEJvkzcQG1vb44sy",
    "isStrongPassword": "True",
    "isEmailVerified": "True",
    "email": "your.email@company.com",
    "signalREnabled": "False",
    "allowApiLogin": "False",
}


def _row(col1: str, col2: str, col4: str, col5: str) -> dict:
    return {
        "id": 13751791,
        "dataTypeId": 2,
        "headerName": "Tracking",
        "col1": col1,
        "col2": col2,
        "col3": "740493",
        "col4": col4,
        "col5": col5,
        "internalRef": "13751791",
        "groupingIndex": 0,
    }


DOCUMENTED_TRACKING = {
    "id": 0,
    "items": [  # "Sample json tracking response", both generations
        BEX_TRACKING_HEADER,
        _row("06-09-2021 08:03", "ACP1055352", "Delivered to PRTER ME.A at 08:26 on 03 Sep 2021", "SAMMY GROBLER"),
        _row("03-09-2021 08:26", "", "Driver confirmed successful delivery", "JACKIE MATHOLE"),
        _row("03-09-2021 07:06", "", "Loaded onto vehicle for delivery", "MORAKA RAMOKGOPA"),
        _row("03-09-2021 06:37", "", "Arrived into PRY depot", "MORAKA RAMOKGOPA"),
        _row("02-09-2021 21:35", "", "Departed JNB depot for PRY branch", "GEOFREY SEANEGO"),
        _row("02-09-2021 17:49", "", "Shipment integrated to courier system", "JONATHAN DAVIS"),
    ],
}

# The waybill response is documented as a table: `items` holding one object with these properties
# (waybillNumber "String value", the others prices).
DOCUMENTED_SUBMIT = {
    "items": [
        {
            "waybillNumber": "",
            "baseRateTotal": 0.0,
            "surchargesTotal": 0.0,
            "subTotal": 0.0,
            "vat": 0.0,
            "totalCharges": 0.0,
            "volRatio": 0,
        }
    ]
}

V2022_WIA_BODY = {  # "Sample json message body." of the 2022 waybill section
    "waybillNumber": "ST116664",
    "waybillDate": "2021-09-23",
    "serviceCode": "NCA",
    "accountNumber": "316085",
    "sendersRef": "you-can-put-your-own-references-here",
    "originCompany": "MARTINNAISE (PTY) LTD",
    "originFloorBuilding": "1ST FLOOR",
    "originStreet": "12 MODDERFONTEIN STREET",
    "originLocationName": "MODDERFONTEIN",
    "originCity": "",
    "originPostCode": "1645",
    "destinationCompany": "SPUR STEAK RANCHES",
    "destinationFloorBuilding": "UNIT 1",
    "destinationStreet": "165 MAIN RD",
    "destinationLocationName": "MUIZENBERG",
    "destinationCity": "",
    "destinationPostCode": "7950",
    "receiverContactName": "SHARON SNYMAN",
    "receiverMobile": "",
    "receiverEmail": "",
    "receiverTelephone": "+27811234512",
    "senderContactName": "",
    "senderMobile": "",
    "senderEmail": "",
    "senderTelephone": "",
    "specialInstructions": "PLEASE SIGN HANDOVER SHEET",
    "sursat": "",
    "surpub": "",
    "surahs": "",
    "insuranceRequired": "FALSE",
    "insuranceValue": 0,
    "returnParcelPrintingText": "FALSE",
    "printParcels": "FALSE",
    "printUrl": "",
    "originLat": 0,
    "originLon": None,
    "destinationLat": -26.11682,
    "destinationLon": 28.17926,
    "dimensions": [
        {"dimension1": "45", "dimension2": "45", "dimension3": "50", "weight": "18", "barcodeNumber": "ST116664_P1"}
    ],
}


def json_type(value: object) -> str:
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }[type(value)]


def assert_shape(actual: object, documented: object, where: str = "$") -> None:
    """Every documented field is there, with the documented JSON type (arrays item by item, the
    last documented item standing for any further ones)."""
    assert json_type(actual) == json_type(documented), f"{where}: {json_type(actual)}, not {json_type(documented)}"
    if isinstance(documented, dict):
        for key, value in documented.items():
            assert key in actual, f"{where}.{key} is missing"
            assert_shape(actual[key], value, f"{where}.{key}")
    elif isinstance(documented, list) and documented:
        assert actual, f"{where} is empty; the docs show items"
        for index, item in enumerate(actual):
            assert_shape(item, documented[min(index, len(documented) - 1)], f"{where}[{index}]")


@pytest.fixture
def bex(client) -> dict:
    """The namespace document's BEX credentials, as a client would read them."""
    return client.get("/__admin/namespaces/default").get_json()["carriers"]["bex"]["credentials"]


def _token(client, bex, alternate: bool = False) -> str:
    return client.post(
        f"{BEX}/api/service/login",
        query_string={
            "username": bex["username"],
            "password": bex["password"],
            **({"preferAlternateToken": "true"} if alternate else {}),
        },
    ).get_json()["value"]


def _json(response) -> dict:
    assert response.status_code == 200 and response.mimetype == "application/json", response.data[:200]
    return response.get_json()


# --- the introduction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/getcustomquicktracking_V3?ref=invoices"),  # 2022
        ("POST", "/getcustomquicktracking_v3?ref=test123"),
    ],
)  # current
def test_parameters_illustration(client, method, path):
    """The "Parameters" section's illustration. No section documents this route and BEX's real
    routes live under /api/, so the mock answers what the docs promise for a wrong endpoint
    address: the 404 of an unknown route."""
    response = client.open(BEX + path, method=method)
    assert response.status_code == 404 and response.get_json()["Message"].startswith("No HTTP resource was found")


def test_errors_200_ok_with_ex_screenshot(client):
    """The screenshot under "Errors": a token-less call of a protected endpoint."""
    response = client.post(f"{BEX}/api/service/submitwaybillwia", json={})
    assert _json(response) == {"id": 0, "ex": "Access to 'Service.submitwaybillwia' does not allow anonymous access"}


def test_errors_account_not_registered(client, bex):
    body = {**V2022_QUOTE_BODY, "accountNumber": "316085"}  # an account this token does not hold, as written
    response = client.post(
        f"{BEX}/api/service/getquoteservicedeliverypricingv2", json=body, headers={"token": _token(client, bex)}
    )
    assert _json(response) == {"id": 0, "ex": "Account number is not registered for transactions with this token."}


# --- login ----------------------------------------------------------------------------------------


def test_login_2022_jquery_example(client, bex):
    """`$.ajax({url: 'https://api.bex.co.za/api/service/login?username=' + user + '&password=' + pass,
    type: 'POST'})`, no body."""
    response = client.post(f"{BEX}/api/service/login?username={bex['username']}&password={bex['password']}")
    body = _json(response)
    assert_shape(body, DOCUMENTED_LOGIN)
    assert "ex" not in body


def test_login_2022_url_parameters_example(client, bex):
    """ "Example Service Call using the URL Parameters": `http://insight.bex.co.za/api/service/login?username=...`"""
    assert_shape(
        _json(client.get(f"{BEX}/api/service/login?username={bex['username']}&password={bex['password']}")),
        DOCUMENTED_LOGIN,
    )


def test_login_json_body_example(client, bex):
    """The current docs' JSON body: `{"username": "your_bex_username", "password": "your_bex_password"}`."""
    response = client.post(f"{BEX}/api/service/login", json={"username": bex["username"], "password": bex["password"]})
    assert_shape(_json(response), DOCUMENTED_LOGIN)


def test_login_jquery_example(client, bex):
    """The current jQuery sample: `...login?userName=' + user + '&password=' + pass`, POST, no body."""
    response = client.post(f"{BEX}/api/service/login?userName={bex['username']}&password={bex['password']}")
    body = _json(response)
    assert_shape(body, DOCUMENTED_LOGIN)
    assert body["value"] == _token(client, bex)  # "unique to your integration user identity"


def test_login_2022_token_header_example(client, bex):
    """ "Javascript showing the token defined in the headers": POST submitwaybillwia with `token` and
    `Content-Type: application/json` (the snippet sends no body): the token is accepted; the empty
    waybill is the business error."""
    response = client.post(
        f"{BEX}/api/service/submitwaybillwia",
        headers={"token": _token(client, bex), "Content-Type": "application/json"},
    )
    assert _json(response) == {"id": 0, "ex": "accountNumber is required."}


# --- tracking -------------------------------------------------------------------------------------


def test_tracking_2022_get_example(client):
    """`GET https://api.bex.co.za/api/waybillquicktrackingv3customtreeview?searchItems=ACP1055352,MDH42240,MA210214`:
    the documented sample, row for row (the other two numbers are not found)."""
    response = client.get(f"{BEX}/api/waybillquicktrackingv3customtreeview?searchItems=ACP1055352,MDH42240,MA210214")
    assert _json(response) == DOCUMENTED_TRACKING


def test_tracking_2022_json_body_example(client):
    """The 2022 "Sample json message body" (typographic quotes in the docs; JSON meant)."""
    response = client.post(
        f"{BEX}/api/waybillquicktrackingv3customtreeview", json={"searchItems": "ACP1055352,MDH42240,MA210214"}
    )
    assert _json(response) == DOCUMENTED_TRACKING


def test_tracking_json_request_example(client):
    response = client.post(
        f"{BEX}/api/service/waybillquicktrackingv3customtreeview", json={"searchItems": "ACP1055352,MDH42240,MA210214"}
    )
    assert _json(response) == DOCUMENTED_TRACKING


def test_tracking_query_parameters_example(client):
    """`/api/service/waybillquicktrackingv3customtreeview?searchItems=Item_1,Item_2,Item_3`: placeholders,
    found nowhere, so only the header row (the `_` is no wildcard)."""
    body = _json(client.get(f"{BEX}/api/service/waybillquicktrackingv3customtreeview?searchItems=Item_1,Item_2,Item_3"))
    assert body == {"id": 0, "items": DOCUMENTED_TRACKING["items"][:1]}


# --- quoting --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/getquoteservicedeliverypricingV2",  # 2022
        "/api/service/getquoteservicedeliverypricingv2",
    ],
)  # current
def test_quoting_sample_body(client, bex, path):
    """The coordinates win over Ballito: the documented answer's own Aggeneys to Croydon (Kempton Park)."""
    response = client.post(
        BEX + path,
        json={**V2022_QUOTE_BODY, "accountNumber": bex["account_number"]},
        headers={"token": _token(client, bex)},
    )
    body = _json(response)
    assert_shape(body, DOCUMENTED_QUOTE)
    onc = next(item for item in body["items"] if item["serviceCodeStr"] == "ONC")
    places = (
        "originSuburb",
        "originCity",
        "originRateCategory",
        "originBranchStr",
        "originHub",
        "originLocationCode",
        "destinationSuburb",
        "destinationCity",
        "destinationRateCategory",
        "destinationBranchStr",
        "destinationHub",
        "destinationLocationCode",
        "serviceId",
        "serviceNameStr",
        "estimatedTransitDays",
    )
    assert {key: onc[key] for key in places} == {key: DOCUMENTED_QUOTE_ITEM[key] for key in places}
    assert onc["scheduleBy"] == "2021-09-03 16:00:00"


SNIPPETS = {  # "We are flexible as to how you supply the addressing." (both generations)
    "1 just coordinates": {
        "originLatCoord": "-26.2462726",
        "originLonCoord": "28.0969053",
        "destinationLatCoord": "-26.5372133",
        "destinationLonCoord": "29.1284535",
        "totalWeight": "43",
        "dimMass": "224000",
    },
    "2 just location names": {
        "originSuburb": "Steeledale",
        "originPostCode": "2197",
        "destinationSuburb": "Secunda",
        "destinationPostCode": "2302",
        "totalWeight": "43",
        "dimMass": "224000",
    },
    "3 a combination of both": {
        "originLatCoord": "-26.2462726",
        "originLonCoord": "28.0969053",
        "destinationSuburb": "Secunda",
        "destinationPostCode": "2302",
        "totalWeight": "43",
        "dimMass": "224000",
    },
}


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_quoting_addressing_snippets(client, bex, snippet):
    """No account number in the snippets: the token's default account quotes. 43 kg and 224000 cm3
    (the docs' two boxes) charge the greater: 44.8 volumetric kg at 5000 cm3/kg, in half kilograms."""
    response = client.post(
        f"{BEX}/api/service/getquoteservicedeliverypricingv2",
        json=SNIPPETS[snippet],
        headers={"token": _token(client, bex)},
    )
    body = _json(response)
    assert_shape(body, DOCUMENTED_QUOTE)
    onc = next(item for item in body["items"] if item["serviceCodeStr"] == "ONC")
    assert (onc["originSuburb"], onc["destinationSuburb"]) == ("STEELEDALE", "SECUNDA")
    assert onc["customerChargeableWeight"] == 45 and onc["customerName"] == "KAROO COFFEE ROASTERS (PTY) LTD"


# --- waybills -------------------------------------------------------------------------------------


def test_waybill_2022_sample_json_body(client, bex):
    """The destination's coordinates win over Muizenberg, as quoting documents; `"FALSE"` strings bind as bools."""
    response = client.post(
        f"{BEX}/api/service/submitwaybillwia",
        json={**V2022_WIA_BODY, "accountNumber": bex["account_number"]},
        headers={"token": _token(client, bex)},
    )
    body = _json(response)
    assert_shape(body, DOCUMENTED_SUBMIT)
    assert len(body["items"]) == 1 and body["items"][0]["waybillNumber"] == "ST116664"
    assert body["items"][0]["volRatio"] == 4000  # NCA, a road service


def test_waybill_2022_jquery_example(client, bex):
    """The 2022 jQuery sample: login by query string, then `JSON.stringify(postData)` with
    `contentType: 'application/json; charset=UTF8'` and the token header. Its script never adds
    `totalPieces` and `actualWeight` to the body, and misspells `AdditionalReferneces`: sent so."""
    login = client.post(f"{BEX}/api/service/login?username={bex['username']}&password={bex['password']}").get_json()
    post_data = {
        "accountNumber": bex["account_number"],
        "waybillNumber": "IT2701152404",
        "waybillDate": "20150127",
        "sendersRef": "WE HAVE A REFERENCE",
        "serviceCode": "NCA",
        "originCompany": "THE BOEING COMPANY",
        "originFloorBuilding": "UNIT 6 ASSEMBLY BUILDING",
        "originStreet": "21 AIRCRAFT LANE",
        "originLocationName": "MARLBORO",
        "originPostCode": "2050",
        "senderContactName": "JONATHAN",
        "senderTelephone": "0119299700",
        "senderMobile": "0821234321",
        "senderEmail": "JONATHAN@BOEING.COM",
        "destinationCompany": "THE AIRLINER CO",
        "destinationFloorBuilding": "1ST FLOOR HEAD OFFICE",
        "destinationStreet": "21 TULP STREET",
        "destinationLocationName": "MILNERTON",
        "destinationPostCode": "7401",
        "receiverContactName": "DEREK",
        "receiverTelephone": "0218641202",
        "receiverMobile": "0833211234",
        "receiverEmail": "DEREK@THEAIRLINER.COM",
        "insuranceRequired": True,
        "insuranceValue": 1000,
        "instructions": "DO NOT INVERT COMPONENT",
        "AdditionalReferneces": [{"value": "REFERENCE ONE"}],
        "Dimensions": [
            {
                "barcodeNumber": "IT2701152404P1",
                "Dimension1": 10,
                "Dimension2": 20,
                "Dimension3": 30,
                "Weight": 12.3,
                "Reference": "AIRFRAME COMPONENT",
            }
        ],
    }
    response = client.post(
        f"{BEX}/api/service/submitwaybillwia",
        data=json.dumps(post_data),
        content_type="application/json; charset=UTF8",
        headers={"token": login["value"]},
    )
    body = _json(response)
    assert_shape(body, DOCUMENTED_SUBMIT)
    assert body["items"][0]["waybillNumber"] == "IT2701152404"


def test_waybill_2022_submitbexcollection_example(client, bex):
    """URL `https://api.bex.co.za/api/service/submitbexcollection`, BODY `{"accountNumber":"112311",
    "waybillNumber":"ABC123456", "waybillDate":"2014-12-16"….. etc….. }`: the "etc" is the section's
    field set, taken from its sample body."""
    body = {
        **V2022_WIA_BODY,
        "accountNumber": bex["account_number"],
        "waybillNumber": "ABC123456",
        "waybillDate": "2014-12-16",
    }
    response = client.post(f"{BEX}/api/service/submitbexcollection", json=body, headers={"token": _token(client, bex)})
    answer = _json(response)
    assert_shape(answer, DOCUMENTED_SUBMIT)
    assert answer["items"][0]["waybillNumber"] == "ABC123456"


def test_waybill_sample_json_body(client, bex):
    """The current "Sample json message body", its `//` comments dropped; placeholders that are not
    JSON filled in: `sender_latitude` and the other coordinates as null, `length_cm`, `breadth_cm`,
    `height_cm` and `parcel_weight_kg` as the jQuery sample's 40, 30, 1 and 6. `"YYYY-MM-DD"` is
    sent as written (BEX does not answer with it)."""
    body = {
        "waybillNumber": "",
        "autoGenerateWaybillNumber": True,
        "waybillDate": "YYYY-MM-DD",
        "accountNumber": bex["account_number"],
        "serviceCode": "ONC",
        "sendersRef": "a reference for the sender",
        "instructions": "special instructions for the courier",
        "insuranceRequired": False,
        "insuranceValue": 0,
        "senderCompany": "Doe Digital Works",
        "senderFloorBuilding": "17 Cheltham House, Floor 3",
        "senderStreet": "123 John Doe Avenue",
        "senderSuburb": "Ross Kent South",
        "senderCity": "Odendaalsrus",
        "senderPostCode": "9800",
        "senderProvince": "Free State",
        "senderContactName": "John Doe",
        "senderMobile": "1234567890",
        "senderEmail": "john@domain.com",
        "senderTel": "1234567890",
        "senderTelHome": "1234567890",
        "senderLat": None,
        "senderLon": None,
        "receiverCompany": "Jane Flower Works",
        "receiverFloorBuilding": "Floor B-4",
        "receiverStreet": "166 Wringham Drive",
        "receiverSuburb": "Table View",
        "receiverCity": "Cape Town",
        "receiverPostCode": "7441",
        "receiverProvince": "Western Cape",
        "receiverContactName": "Jane Doe",
        "receiverMobile": "1234567890",
        "receiverEmail": "jane@domain.com",
        "receiverTel": "1234567890",
        "receiverTelHome": "1234567890",
        "receiverLat": None,
        "receiverLon": None,
        "returnParcelPrintingText": False,
        "printParcels": False,
        "printUrl": "",
        "printParcelsPrintNode": False,
        "dimensions": [{"dimension1": 40, "dimension2": 30, "dimension3": 1, "weight": 6, "reference": ""}],
        "additionalReferences": [{"value": "reference_1"}, {"value": "reference_2"}],
    }
    response = client.post(f"{BEX}/api/service/submitwaybillv4", json=body, headers={"token": _token(client, bex)})
    answer = _json(response)
    assert_shape(answer, DOCUMENTED_SUBMIT)
    assert answer["items"][0]["waybillNumber"] and answer["items"][0]["volRatio"] == 5000


def test_waybill_jquery_example(client, bex):
    """The current jQuery sample: login with `userName`, then the JSON body with the token header.
    The script pushes its parcel into an undeclared `dims` and sends it as `postData.dims`; the
    parcel goes in `dimensions`, as its own JSON sample and parameter table have it."""
    token = client.post(
        f"{BEX}/api/service/login?userName={bex['username']}&password={bex['password']}",
    ).get_json()["value"]
    post_data = {
        "waybillNumber": "IT2701152404",
        "autoGenerateWaybillNumber": False,
        "waybillDate": "20150127",
        "accountNumber": bex["account_number"],
        "serviceCode": "NCA",
        "sendersRef": "WE HAVE A REFERENCE",
        "instructions": "DO NOT INVERT COMPONENT",
        "insuranceRequired": False,
        "insuranceValue": 0,
        "senderCompany": "THE BOEING COMPANY",
        "senderFloorBuilding": "UNIT 6 ASSEMBLY BUILDING",
        "senderStreet": "21 AIRCRAFT LANE",
        "senderSuburb": "MARLBORO",
        "senderCity": "SANDTON",
        "senderPostCode": "2050",
        "senderProvince": "GAUTENG",
        "senderLat": None,
        "senderLon": None,
        "senderContactName": "JONATHAN",
        "senderMobile": "0821234321",
        "senderEmail": "JONATHAN@BOEING.COM",
        "senderTel": "0119299700",
        "senderTelHome": "0119299700",
        "receiverCompany": "THE AIRLINER CO",
        "receiverFloorBuilding": "1ST FLOOR HEAD OFFICE",
        "receiverStreet": "21 TULP STREET",
        "receiverSuburb": "MILNERTON",
        "receiverCity": "CAPE TOWN",
        "receiverPostCode": "7401",
        "receiverProvince": "WESTERN CAPE",
        "receiverLat": None,
        "receiverLon": None,
        "receiverContactName": "DEREK",
        "receiverMobile": "0833211234",
        "receiverEmail": "DEREK@THEAIRLINER.COM",
        "receiverTel": "0218641202",
        "receiverTelHome": "0218641202",
        "dimensions": [
            {"dimension1": 40, "dimension2": 30, "dimension3": 1, "weight": 6, "reference": "AIRFRAME COMPONENT"}
        ],
        "additionalReferences": [{"value": "ORDER 22341"}],
        "returnParcelPrintingText": False,
        "printParcels": False,
        "printUrl": "",
        "printParcelsPrintNode": False,
    }
    response = client.post(
        f"{BEX}/api/service/submitwaybillv4",
        json=post_data,
        headers={"token": token},
        content_type="application/json; charset=UTF8",
    )
    answer = _json(response)
    assert_shape(answer, DOCUMENTED_SUBMIT)
    assert answer["items"][0]["waybillNumber"] == "IT2701152404" and answer["items"][0]["volRatio"] == 4000


# --- stationery downloads (current docs) ------------------------------------------------------------


def test_waybill_downloads_ewaybill_download(client, bex):
    """`{"token": "alternate_token", "waybillNumber": "waybill_number"}` (the placeholder: the docs'
    tracked waybill), with the token of a login with `preferAlternateToken` true."""
    response = client.post(
        f"{BEX}/api/service/downloadewaybill",
        json={"token": _token(client, bex, alternate=True), "waybillNumber": "ACP1055352"},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")  # "the download will happen automatically"
    assert "ACP1055352" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_waybill_downloads_labels_downloads(client, bex):
    """`{"token": "alternate_token", "waybillNumbers": "waybill_number_1,waybill_number_2,waybill_number_3,..."}`."""
    response = client.post(
        f"{BEX}/api/service/downloadparcellabels",
        json={"token": _token(client, bex, alternate=True), "waybillNumbers": "ACP1055352,BEX1000001,BEX1000002"},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 4  # one label per parcel: 1 + 1 + 2
    assert (round(float(page.mediabox.width) / 72 * 2.54, 2), round(float(page.mediabox.height) / 72 * 2.54, 2)) == (
        10.08,
        14.98,
    )


# --- webhooks -------------------------------------------------------------------------------------

SECRET = "a-secret-key-that-you-generate-of-32-chars"  # "A secret key that you generate"

DOCUMENTED_NOTIFICATIONS = {  # "Event Types/Payloads", both generations
    "tracking_event": {
        "Action": "tracking_event",
        "WaybillNumber": "12345",
        "TrackingDate": "2021-07-12 11:59:25",
        "TrackingUser": "John Doe",
        "TrackingDescription": "tracking description",
        "TrackingReference": "some reference",
        "TrackingTypeId": -1,
    },
    "pod": {
        "Action": "pod",
        "WaybillNumber": "12345",
        "PODDate": "2021-07-12",
        "PODTime": "11:34:25",
        "Signee": "Jane Doe",
        "PODPieces": 1,
    },
    "attempted_delivery": {
        "Action": "attempted_delivery",
        "WaybillNumber": "12345",
        "AttemptedDate": "2021-07-12",
        "AttemptedTime": "11:12:16",
        "NonDeliveryReason": "Wrong route",
        "DriverComment": "driver",
    },
    "waybill_note": {
        "Action": "waybill_note",
        "PostedBy": "John Doe",
        "NoteDate": "2021-07-12 12:08:16",
        "NoteText": "Customer will phone when home",
    },
    "waybill_update": {
        "Action": "waybill_update",
        "WaybillNumber": "12345",
        "Service": "ONC",
        "InsuranceRequired": False,
        "InsuranceValue": 0,
        "ActualWeight": 1.0,
        "VolumetricWeight": 1.0,
        "ChargeableWeight": 1.0,
        "BaseRateTotal": 25,
        "SurchargesTotal": 17.50,
        "SubTotal": 42.50,
        "Vat": 6.38,
        "TotalCharges": 48.88,
        "Parcels": [
            {
                "ParcelBarcodeNumber": "P1",
                "Dimension1": 40,
                "Dimension2": 30,
                "Dimension3": 1,
                "Weight": 1.0,
                "ParcelDescription": "",
            }
        ],
    },
}


class Hooks:
    """BEX's webhook host as the docs address it, on a live mock, in a namespace of its own."""

    def __init__(self, url: str, namespace: str, overlay: dict | None = None) -> None:
        self.sandbox = MockCarriers.connect(url).sandbox(namespace, fixtures={"bex": overlay or {}})
        self.base = f"{url}/ns/{namespace}/bex"
        self.key = self.sandbox.credentials("bex")["webhook_api_key"]

    def post(self, path: str, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(self.base + path, json=body, headers=headers or {}, timeout=15)


@pytest.mark.parametrize("filters", [["pod", "tracking_event"], []], ids=["some events", "all events"])
def test_webhooks_registration_and_activation(live_server, webhook_sink, filters):
    """Register (`X-InsightWebHooks-Auth` and `{WebHookUri, Secret, Description, Filters}`; the
    docs' `filterA`/`filterB` placeholders filled with documented filters, or `[]` for all), "you
    receive a 200 OK response"; then `ActivateWebHook` `{webHookKey}`: 200, deliveries start."""
    hooks = Hooks(live_server(), "doc-hooks")
    registered = hooks.post(
        "/api/webhooks/registrations",
        {
            "WebHookUri": webhook_sink.url,
            "Secret": SECRET,
            "Description": "A description for your webhook",
            "Filters": filters,
        },
        headers={"X-InsightWebHooks-Auth": hooks.key},
    )
    assert registered.status_code == 200 and registered.json()["Filters"] == filters
    assert hooks.post("/api/ActivateWebHook", {"webHookKey": hooks.key}).status_code == 200
    subscriptions = hooks.sandbox.webhooks.subscriptions()
    assert [s["active"] for s in subscriptions] == [True]


def test_webhooks_unsubscribing(live_server, webhook_sink):
    """`POST https://webhook.bex.co.za/api/UnsubscribeWebHook` with `{webHookKey: "your API key"}`."""
    hooks = Hooks(live_server(), "doc-unsubscribe")
    hooks.post(
        "/api/webhooks/registrations",
        {"WebHookUri": webhook_sink.url, "Secret": SECRET, "Description": "d", "Filters": []},
        headers={"X-InsightWebHooks-Auth": hooks.key},
    )
    hooks.post("/api/ActivateWebHook", {"webHookKey": hooks.key})
    assert hooks.post("/api/UnsubscribeWebHook", {"webHookKey": hooks.key}).status_code == 200
    assert [s["active"] for s in hooks.sandbox.webhooks.subscriptions()] == [False]


def test_webhooks_payloads_and_signature(live_server, webhook_sink):
    """Every event type's documented payload, in the basic payload structure `{Id, Attempt,
    Properties, Notifications:[{Action, ...}]}`, signed as the C# sample verifies it:
    `ms-signature: sha256=` + hex HMAC-SHA256 of the body with the registration's secret."""
    url = live_server()
    hooks = Hooks(url, "doc-payloads", BEX_NEXT_EVENTS)
    hooks.post(
        "/api/webhooks/registrations",
        {"WebHookUri": webhook_sink.url, "Secret": SECRET, "Description": "all", "Filters": []},
        headers={"X-InsightWebHooks-Auth": hooks.key},
    )
    hooks.post("/api/ActivateWebHook", {"webHookKey": hooks.key})
    credentials = hooks.sandbox.credentials("bex")
    token = requests.post(
        f"{hooks.base}/api/service/login",
        json={"username": credentials["username"], "password": credentials["password"]},
        timeout=5,
    ).json()["value"]
    hooks.sandbox.clock.freeze()
    submitted = requests.post(
        f"{hooks.base}/api/service/submitwaybillv4",
        headers={"token": token},
        timeout=5,
        json={
            "accountNumber": credentials["account_number"],
            "serviceCode": "ONC",
            "senderSuburb": "Sandton",
            "receiverSuburb": "Umhlanga",
            "receiverContactName": "Priya Naidoo",
            "dimensions": [{"dimension1": 40, "dimension2": 30, "dimension3": 1, "weight": 1}],
        },
    ).json()
    assert "items" in submitted
    hooks.sandbox.clock.advance("27h")
    seen = {}
    for post in webhook_sink.posts():
        envelope = post.json()
        assert_shape(
            envelope,
            {
                "Id": "a unique id for this message",
                "Attempt": 1,
                "Properties": {},
                "Notifications": [{"Action": "tracking_type"}],
            },
        )
        signature = hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
        assert post.headers["ms-signature"].lower() == f"sha256={signature}"
        seen.setdefault(envelope["Notifications"][0]["Action"], envelope["Notifications"][0])
    assert set(seen) == set(DOCUMENTED_NOTIFICATIONS)
    for action, documented in DOCUMENTED_NOTIFICATIONS.items():
        assert_shape(seen[action], documented, action)
