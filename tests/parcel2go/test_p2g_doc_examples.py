"""Every example in Parcel2Go's API documentation (api-docs.parcel2go.com), sent as written and
answered as documented in the default world. Each test is named after the docs' section; only
credentials and tokens are substituted (from the namespace document)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import io
import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bodies import P2G_ORDER_EXAMPLE
from PIL import Image
from support import P2G, CarrierSandbox

ACCEPT_ANY = {"User-Agent": "insomnia/5.14.6", "Accept": "*/*"}


def same_shape(documented, actual, where: str = "$") -> None:
    """Every documented field is there with the documented JSON type (numbers are numbers, whatever
    their value; a documented null must be null)."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        for key, value in documented.items():
            assert key in actual, f"{where}.{key} is missing from {sorted(actual)}"
            same_shape(value, actual[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not an array"
        for index, value in enumerate(documented):
            assert index < len(actual), f"{where}[{index}] is missing"
            same_shape(value, actual[index], f"{where}[{index}]")
    elif isinstance(documented, bool):
        assert isinstance(actual, bool), f"{where}: {actual!r} is not a boolean"
    elif isinstance(documented, (int, float)):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), f"{where}: {actual!r} is not a number"
    elif isinstance(documented, str):
        assert isinstance(actual, str), f"{where}: {actual!r} is not a string"
    else:
        assert actual is None, f"{where}: {actual!r} is not null"


@pytest.fixture
def world(client) -> dict:
    return client.get("/__admin/namespaces/default").get_json()["carriers"]["parcel2go"]


def token_request(client, world):
    """The docs' "Example token request", with the namespace's credentials."""
    credentials = world["credentials"]
    return client.post(
        f"{P2G}/auth/connect/token",
        headers=ACCEPT_ANY,
        data={
            "grant_type": "client_credentials",
            "scope": "public-api payment my-profile",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )


@pytest.fixture
def token(client, world) -> str:
    return token_request(client, world).get_json()["access_token"]


def api(token: str, content_type: str = "application/json") -> dict:
    return {**ACCEPT_ANY, "Content-Type": content_type, "Authorization": f"Bearer {token}"}


def local(url: str) -> str:
    return url.removeprefix("http://localhost")


# --- Authentication and Authorisation -----------------------------------------------------------


def test_authentication_example_token_request(client, world):
    response = token_request(client, world)
    assert response.status_code == 200
    body = response.get_json()
    same_shape({"access_token": "435435435345SDFS...", "expires_in": 7200, "token_type": "Bearer"}, body)
    assert body["expires_in"] == 7200 and body["token_type"] == "Bearer"


def test_authentication_example_bearer_request(client, token):
    body = {
        "CollectionAddress": {"Country": "GBR"},
        "DeliveryAddress": {"Country": "GBR"},
        "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
    }
    response = client.post(f"{P2G}/api/quotes", json=body, headers=api(token))
    assert response.status_code == 200
    quotes = response.get_json()["Quotes"]
    assert quotes
    same_shape(
        {
            "Service": {"Slug": "", "Name": "", "CourierName": "", "Links": {}},
            "TotalPrice": 0,
            "TotalPriceExVat": 0,
            "TotalVat": 0,
            "AvailableExtras": [],
            "Extras": [],
            "Discount": 0,
        },
        quotes[0],
    )


def test_implicit_flow_example_authorize_redirect(client, world):
    query = {
        "client_id": world["credentials"]["client_id"],
        "redirect_uri": "http://www.example.com/return",
        "response_type": "token",
        "scope": "openid public-api",
    }
    response = client.get(f"{P2G}/auth/connect/authorize", query_string=query)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("http://www.example.com/return")
    returned = parse_qs(urlsplit(location).fragment)  # the docs' "/return?access_token=...&token_type=Bearer"
    assert returned["access_token"][0] and returned["token_type"] == ["Bearer"] and returned["expires_in"] == ["7200"]


# --- Orders -------------------------------------------------------------------------------------

CREATED_ORDER = {
    "OrderId": "76423942",
    "Links": {
        "PayWithPrePay": "https://example.com/api/orders/76423942/paywithprepay?hash=hXJHm9/gsMM8QkLhu7z/Qb",
        "payment": "https://example.com/order/payment?id=76423942&hash=A0346D798A2AEA71D47776324F44",
        "help": "https://example.com/help-centre",
    },
    "TotalPrice": 7.38,
    "TotalVat": 1.23,
    "TotalPriceExVat": 6.15,
    "Hash": "hXJHm9/gsMM8QkLhu7z/QbRc+IdhzpLXx86f1te9p0o=",
    "OrderlineIdMap": [
        {
            "Hash": "9DXy5SLf6adMMqpZUljifjp92AfLwJuXaK+KYHCw9JA=",
            "OrderLineId": "115030194",
            "ItemId": "48867b5a-016e-4931-956c-e59b6eb84355",
        }
    ],
    "TotalDiscount": 0,
}


def test_orders_creating_an_order_successful_response(client, token):
    response = client.post(f"{P2G}/api/orders", json=P2G_ORDER_EXAMPLE, headers=api(token))
    assert response.status_code == 200
    order = response.get_json()
    same_shape(CREATED_ORDER, order)
    assert order["OrderlineIdMap"][0]["ItemId"] == P2G_ORDER_EXAMPLE["Items"][0]["Id"]
    assert (
        local(order["Links"]["PayWithPrePay"])
        == f"{P2G}/api/orders/{order['OrderId']}/paywithprepay?hash={order['Hash']}"
    )


def test_orders_adding_extras_to_your_order(client, token):
    with_sms = client.post(f"{P2G}/api/orders", json=P2G_ORDER_EXAMPLE, headers=api(token)).get_json()
    assert (with_sms["TotalPrice"], with_sms["TotalVat"], with_sms["TotalPriceExVat"]) == (3.47, 0.58, 2.89)
    plain = copy.deepcopy(P2G_ORDER_EXAMPLE)
    del plain["Items"][0]["Upsells"]
    without = client.post(f"{P2G}/api/orders", json=plain, headers=api(token)).get_json()
    assert (without["TotalPrice"], without["TotalVat"], without["TotalPriceExVat"]) == (3.11, 0.52, 2.59)


# --- Making a Payment and the Links object ------------------------------------------------------


def test_making_a_payment_prepay_and_the_links_object(client, token):
    order = client.post(f"{P2G}/api/orders", json=P2G_ORDER_EXAMPLE, headers=api(token)).get_json()
    for name in ("payment", "help"):  # the deep link into the booking flow, the help centre
        page = client.get(local(order["Links"][name]))
        assert page.status_code == 200 and page.mimetype == "text/html", name
    paid = client.post(local(order["Links"]["PayWithPrePay"]), headers=api(token))
    assert paid.status_code == 200
    links = {link["Name"]: local(link["Link"]) for link in paid.get_json()["Links"]}
    labels = client.get(links["Labels"], headers=api(token)).get_json()  # "an A4 PNG for all labels ... Base64"
    [png] = [base64.b64decode(label) for label in labels["Base64EncodedLabels"]]
    assert Image.open(io.BytesIO(png)).size == (794, 1123)
    for name in ("labels-a4", "labels-4x6", "labels-a4-4x6", "picking-list", "invoice"):  # PDF, no authorisation
        document = client.get(links[name])
        assert document.status_code == 200 and document.data.startswith(b"%PDF"), name
    assert client.get(links["help"]).status_code == 200


def test_links_object_print_in_store_documents(client, token):
    drop_off = copy.deepcopy(P2G_ORDER_EXAMPLE)
    drop_off["Items"][0].update(Service="evri-parcelshop-drop-off", Upsells=[{"Type": "PrintInStore"}])
    order = client.post(f"{P2G}/api/orders", json=drop_off, headers=api(token)).get_json()
    paid = client.post(local(order["Links"]["PayWithPrePay"]), headers=api(token)).get_json()
    links = {link["Name"]: local(link["Link"]) for link in paid["Links"]}
    for name in ("barcode-printinstore", "wallet-ios-printinstore"):  # PNG
        document = client.get(links[name])
        assert document.status_code == 200 and document.mimetype == "image/png", name
        Image.open(io.BytesIO(document.data)).verify()


# --- Customs ------------------------------------------------------------------------------------

CUSTOMS_ORDER = """{
  "Items": [
    {
      "Id": "c1361416-53ca-4d67-974a-60f5335cdaf1",
      "CollectionDate": "2017-02-09T10:09:11.9730419+00:00",
      "Parcels": [
        {
          "Id": "c1361416-53ca-4d67-974a-60f5335cdaf1",
          "Height": 10,
          "Length": 10,
          "EstimatedValue": 10,
          "Weight": 1,
          "Width": 10,
          "DeliveryAddress": {
            "ContactName": "Gary Wilson",
            "Email": "g.wilson@yahoo.com",
            "Phone": "+4477777777777",
            "Organisation": "",
            "Property": "1",
            "Street": "S Brooklyn View Ln",
            "Locality": "",
            "Town": "South Jordan",
            "County": "UTah",
            "Postcode": "84095",
            "CountryIsoCode": "USA"
          },
          "ContentsSummary": "Slippers",
          // Additional details of contents provided
          "Contents": [
            {
              "Description": "Slippers",
              "Quantity": "1",
              "EstimatedValue": "10"
            }
          ]
        }
      ],
      "Service": "24h-example",
      "CollectionAddress": {
        "ContactName": "Test",
        "Email": "collection@example.com",
        "Phone": "+4477777777777",
        "Property": "11",
        "Street": "Saville St",
        "Town": "Malton",
        "County": "North Yorkshire",
        "Postcode": "YO17 7LL",
        "CountryIsoCode": "GBR"
      },
      // additional details for customs below
      "OriginCountry": "GBR",
      "ExportReason": "Sale",
      "VatStatus": "Individual"
    }
  ],
  "CustomerDetails": {
    "Email": "jj@yahoo.com",
    "Forename": "Joe",
    "Surname": "Joggs"
  }
}"""
CUSTOMS_ITEM = "c1361416-53ca-4d67-974a-60f5335cdaf1"


def test_customs_example_of_an_order_specifying_customs_data(client, token):
    """Sent as written, `//` comments and all: Json.NET, which reads ASP.NET Web API bodies, skips them."""
    response = client.post(f"{P2G}/api/orders", data=CUSTOMS_ORDER, headers=api(token))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["OrderlineIdMap"][0]["ItemId"] == CUSTOMS_ITEM


def test_customs_example_of_a_failed_international_order(client, token):
    documented = {
        "Errors": [
            {"Type": "Customs", "Error": "Please supply the reason for exporting your parcel.", "ItemId": CUSTOMS_ITEM},
            {"Type": "Customs", "Error": "Please supply your VAT status.", "ItemId": CUSTOMS_ITEM},
            {
                "Type": "Customs",
                "Error": "Please supply details of your parcel's country of manufacture.",
                "ItemId": CUSTOMS_ITEM,
            },
            {
                "Type": "Customs",
                "Error": "Please supply details of your international parcel's contents.",
                "ItemId": CUSTOMS_ITEM,
            },
        ]
    }
    body = json.loads("\n".join(line for line in CUSTOMS_ORDER.splitlines() if "//" not in line))
    item = body["Items"][0]
    for name in ("OriginCountry", "ExportReason", "VatStatus"):
        del item[name]
    del item["Parcels"][0]["Contents"]
    response = client.post(f"{P2G}/api/orders", json=body, headers=api(token))
    assert response.status_code == 400
    same_shape(documented, response.get_json())
    assert response.get_json()["Errors"][:4] == documented["Errors"]


# --- Extras -------------------------------------------------------------------------------------

EXTRAS_QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 1.5, "Length": 9, "Width": 8, "Height": 10}],
}


def example_quote(client, token, extras: list[dict]) -> dict:
    response = client.post(f"{P2G}/api/quotes", json={**EXTRAS_QUOTE, "Extras": extras}, headers=api(token))
    assert response.status_code == 200
    return next(q for q in response.get_json()["Quotes"] if q["Service"]["Slug"] == "24h-example")


def test_extras_how_do_i_get_a_quote_with_extras_like_text_messages(client, token):
    documented = {
        "AvailableExtras": [
            {"Type": "Cover", "Price": 7.5, "Vat": 1.5, "Total": 9, "Details": None},
            {"Type": "DeliveryGuarantee", "Price": 1.1, "Vat": 0.22, "Total": 1.32, "Details": None},
            {
                "Type": "ExtendedBaseCover",
                "Price": 0.2,
                "Vat": 0.04,
                "Total": 0.24,
                "Details": {"IncludedCover": "20.00", "MaxWeight": "5.00"},
            },
        ],
        "Discount": 0,
        "Extras": [{"Amount": 0.3, "Type": "Sms"}],
    }
    quote = example_quote(client, token, [{"Type": "Sms"}])
    same_shape(documented, quote)
    assert quote["AvailableExtras"] == documented["AvailableExtras"]  # "The example below shows Sms as £0.30"
    assert quote["Extras"] == documented["Extras"] and quote["Discount"] == 0


def test_extras_how_do_i_get_parcel_protection(client, token):
    quote = example_quote(client, token, [{"Type": "ExtendedBaseCover"}, {"Type": "Cover"}])
    same_shape({"Extras": [{"Amount": 0.2, "Type": "ExtendedBaseCover"}, {"Amount": 6.5, "Type": "Cover"}]}, quote)
    # "the £20 protection and an additional cost for any protection above this value": 5% of 150 - 20
    assert {e["Type"]: e["Amount"] for e in quote["Extras"]} == {"ExtendedBaseCover": 0.2, "Cover": 6.5}
    assert [e["Type"] for e in quote["AvailableExtras"]] == ["Sms", "DeliveryGuarantee"]


# --- Country Subdivisions -----------------------------------------------------------------------

SUBDIVISIONS = {
    "Bonaire": "BQ-BO",
    "Canary Islands": "ES-CN",
    "Channel Islands": "GB-CI",
    "St. Eustatius": "BQ-SE",
    "Crete": "GR-M",
    "Balearic Islands": "ES-IB",
    "Ibiza": "ES-IBIZA",
    "Majorca": "ES-MAJORCA",
    "Menorca": "ES-MENORCA",
    "Northern Ireland": "NIR",
    "Scottish Highlands and Islands": "HIGH",
    "Azores": "PT-20",
    "Ceuta": "ES-CE",
    "Melilla": "ES-ML",
    "Tenerife": "ES-TF",
    "Gran Canaria": "ES-GC",
    "Lanzarote": "ES-LZ",
    "Fuerteventura": "ES-FU",
    "La Palma": "ES-LP",
    "La Gomera": "ES-LG",
    "El Hierro": "ES-EH",
    "Madeira": "PT-30",
    "Sicily": "IT-SI",
    "Sardinia": "IT-SA",
    "Isle of Man": "IOM",
    "Corsica": "FR-COR",
    "Saint Helena": "SH-HL",
    "Ascension": "SH-AC",
    "Tristan da Cunha": "SH-TA",
}


def test_country_subdivisions_table(client, token):
    rows = client.get(f"{P2G}/api/countries", headers=api(token)).get_json()
    subdivisions = {row["Name"]: row["Subdivision"] for row in rows if row["Subdivision"]}
    assert subdivisions == SUBDIVISIONS
    for row in rows:
        if row["Subdivision"]:
            body = {**EXTRAS_QUOTE, "DeliveryAddress": {"Country": row["Iso3Code"], "Subdivision": row["Subdivision"]}}
            quotes = client.post(f"{P2G}/api/quotes", json=body, headers=api(token)).get_json()["Quotes"]
            assert quotes, f"no quotes to {row['Name']}"


# --- Webhooks -----------------------------------------------------------------------------------

ENVELOPE = {
    "Id": "e0363b4a-aead-4dd5-bcc5-73793ad49974",
    "Timestamp": "2018-08-30T11:37:03.6386334+00:00",
    "Signature": "ac6cff923966b1dfcb4560e32d9a6683ea9b1c1f41aa3ad9c8e36658f7389703",
    "Type": "Example",
    "Payload": {},
}
TRACKING = {
    "OrderLineId": 1234567,
    "Timestamp": "2018-08-28T09:36:07.4805536+00:00",
    "StatusCode": "ABC",
    "StatusDescription": "Handed to Customer",
    "TrackingStage": "Delivered",
}
CASE = {
    "OrderLineId": 1234,
    "CustomerReference": "ab1234",
    "CaseId": 12345,
    "Reference": "ABER343434",
    "Status": "Approved",
    "CaseType": "Claim",
}  # OrderLineId and CaseId as the table types them: Int, int


def csharp_sample_hash(envelope: dict, secret: str) -> str:
    """The docs' C# sample: Id + ":" + Timestamp.ToString("yyyy-MM-dd HH:mm:ss") + ":" + Type."""
    stamp = datetime.fromisoformat(envelope["Timestamp"][:26] + envelope["Timestamp"][27:])
    text = f"{envelope['Id']}:{stamp:%Y-%m-%d %H:%M:%S}:{envelope['Type']}"
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_webhooks_format_tracking_and_cases(live_server, webhook_sink):
    admin = CarrierSandbox(live_server(), "parcel2go")
    admin.subscribe(webhook_sink.url, secret="abcd")
    admin.clock.freeze()
    admin.clock.advance("1h")  # the delivered order's claim, the walking order's drop-off
    posts = {post.json()["Type"]: post.json() for post in webhook_sink.wait_for(2)}
    for kind, payload in (("Tracking", TRACKING), ("Case", CASE)):
        envelope = posts[kind]
        same_shape(ENVELOPE, envelope)
        same_shape(payload, envelope["Payload"])
        assert (
            envelope["Timestamp"].endswith("+00:00") and envelope["Payload"].get("Timestamp", "+00:00")[-6:] == "+00:00"
        )
        assert envelope["Signature"] == csharp_sample_hash(envelope, "abcd")
    assert posts["Case"]["Payload"] == {**CASE, "OrderLineId": 115030194}


def test_verifying_webhooks_csharp_sample():
    """The sample's own input: 33bb3c63-..., new DateTime(2018,01,01), "Case", secret "abcd"."""
    from mock_carriers.carriers.parcel2go.webhooks import signature

    sample = {
        "Id": "33bb3c63-c2ec-4b69-8db3-301fa8cfe024",
        "Timestamp": "2018-01-01T00:00:00.0000000+00:00",
        "Type": "Case",
    }
    expected = csharp_sample_hash(sample, "abcd")
    assert signature("abcd", sample["Id"], datetime.fromisoformat("2018-01-01T00:00:00+00:00"), "Case") == expected


# --- Endpoints ----------------------------------------------------------------------------------


def test_endpoints_urls(live_server):
    base = f"{live_server()}/parcel2go"
    config = requests.get(f"{base}/auth/.well-known/openid-configuration", timeout=5)
    assert config.status_code == 200 and config.json()["token_endpoint"] == f"{base}/auth/connect/token"
    assert config.json()["issuer"] == f"{base}/auth"
    for page in ("/api/docs", "/api/swagger"):
        response = requests.get(base + page, timeout=5)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html"), page
