"""Orders: validation (`Errors[]` and ModelState), creation from JSON and forms, verify, lookup by
hash, PrePay and stored-card payment, parcel numbers, labels and documents, tracking on the clock,
and the Me endpoints."""

import base64
import copy
import io

import pytest
from bodies import P2G_ADDRESS as ADDRESS
from bodies import P2G_ORDER as ORDER
from bodies import p2g_order_with as order_with
from PIL import Image
from pypdf import PdfReader
from support import P2G, bearer, p2g_token, sandbox

ITEM_ID = ORDER["Items"][0]["Id"]
USA = {**ADDRESS, "Town": "South Jordan", "County": "Utah", "Postcode": "84095", "CountryIsoCode": "USA"}


@pytest.fixture
def clock(client):
    """The namespace's clock, got before the test's first token: getting it starts the namespace afresh."""
    return sandbox(client).clock


@pytest.fixture
def auth(client, clock):
    return bearer(p2g_token(client))


def create(client, auth, body=ORDER):
    return client.post(f"{P2G}/api/orders", json=body, headers=auth)


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


def balance(client, auth) -> float:
    return client.get(f"{P2G}/api/prepay", headers=auth).get_json()


def pay(client, auth, order) -> object:
    return client.post(path(order["Links"]["PayWithPrePay"]), headers=auth)


def test_create_an_order_as_documented(client, auth):
    response = create(client, auth)
    assert response.status_code == 200
    order = response.get_json()
    assert set(order) == {
        "OrderId",
        "Links",
        "TotalPrice",
        "TotalVat",
        "TotalPriceExVat",
        "Hash",
        "OrderlineIdMap",
        "TotalDiscount",
    }
    assert order["OrderId"].isdigit() and len(order["Hash"]) == 44
    assert set(order["Links"]) == {"PayWithPrePay", "payment", "help"}
    assert (
        order["Links"]["PayWithPrePay"]
        == f"http://localhost/parcel2go/api/orders/{order['OrderId']}/paywithprepay?hash={order['Hash']}"
    )
    [line] = order["OrderlineIdMap"]
    assert line["ItemId"] == ITEM_ID and line["OrderLineId"].isdigit() and len(line["Hash"]) == 44
    assert order["TotalPriceExVat"] == 6.45 and order["TotalVat"] == 1.29 and order["TotalPrice"] == 7.74


def test_an_order_without_extras_costs_less_by_the_extra(client, auth):
    with_sms = create(client, auth).get_json()
    without = create(client, auth, order_with(Upsells=[])).get_json()
    assert round(with_sms["TotalPriceExVat"] - without["TotalPriceExVat"], 2) == 0.3  # Sms: £0.30 ex VAT


def test_the_same_seed_gives_the_same_identifiers(make_app):
    first, second = make_app().test_client(), make_app().test_client()
    ids = [create(c, bearer(p2g_token(c))).get_json() for c in (first, second)]
    assert ids[0]["OrderId"] == ids[1]["OrderId"] and ids[0]["Hash"] == ids[1]["Hash"]


def test_the_official_plugin_posts_orders_as_forms(client, auth):
    form = {
        "Items[0][Id]": ITEM_ID,
        "Items[0][CollectionDate]": "2030-12-13T14:22:14+00:00",
        "Items[0][Service]": "dpd-next-day",
        "Items[0][Upsells][0][Type]": "Sms",
        **{
            f"Items[0][Parcels][0][{k}]": str(v)
            for k, v in ORDER["Items"][0]["Parcels"][0].items()
            if k != "DeliveryAddress"
        },
        **{f"Items[0][Parcels][0][DeliveryAddress][{k}]": str(v) for k, v in ADDRESS.items()},
        **{f"Items[0][CollectionAddress][{k}]": str(v) for k, v in ORDER["Items"][0]["CollectionAddress"].items()},
        "CustomerDetails[Email]": "j.doe@yahoo.com",
        "CustomerDetails[Forename]": "John",
        "CustomerDetails[Surname]": "Doe",
    }
    response = client.post(f"{P2G}/api/orders", data=form, headers=auth)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["TotalPrice"] == create(client, auth).get_json()["TotalPrice"]


def test_an_international_order_without_customs_gets_the_documented_errors(client, auth):
    body = order_with(Service="fedex-international-economy", Upsells=[])
    body["Items"][0]["Parcels"][0]["DeliveryAddress"] = USA
    response = create(client, auth, body)
    assert response.status_code == 400
    assert response.get_json() == {
        "Errors": [
            {"Type": "Customs", "Error": "Please supply the reason for exporting your parcel.", "ItemId": ITEM_ID},
            {"Type": "Customs", "Error": "Please supply your VAT status.", "ItemId": ITEM_ID},
            {
                "Type": "Customs",
                "Error": "Please supply details of your parcel's country of manufacture.",
                "ItemId": ITEM_ID,
            },
            {
                "Type": "Customs",
                "Error": "Please supply details of your international parcel's contents.",
                "ItemId": ITEM_ID,
            },
        ]
    }


def test_an_international_order_with_customs_is_accepted(client, auth):
    body = order_with(
        Service="fedex-international-economy",
        Upsells=[],
        OriginCountry="GBR",
        ExportReason="sale",
        VatStatus="Individual",
    )
    body["Items"][0]["Parcels"][0].update(
        DeliveryAddress=USA, Contents=[{"Description": "Slippers", "Quantity": "1", "EstimatedValue": "10"}]
    )
    assert create(client, auth, body).status_code == 200


def test_a_registered_sender_needs_a_vat_number(client, auth):
    body = order_with(
        Service="fedex-international-economy",
        Upsells=[],
        OriginCountry="GBR",
        ExportReason="Gift",
        VatStatus="Registered",
    )
    body["Items"][0]["Parcels"][0].update(DeliveryAddress=USA, Contents=[{"Description": "Tea"}])
    assert create(client, auth, body).get_json()["Errors"] == [
        {"Type": "Customs", "Error": "Please supply your VAT number.", "ItemId": ITEM_ID}
    ]


@pytest.mark.parametrize(
    "changes, kind, text",
    [
        ({"Service": "no-such-service"}, "Service", "A price could not be found for these specifications."),
        (
            {"Service": "evri-parcelshop-drop-off", "Upsells": [{"Type": "Signature"}]},
            "Upsell",
            "The extra 'Signature' is not available on this service.",
        ),
    ],
)
def test_business_errors(client, auth, changes, kind, text):
    response = create(client, auth, order_with(**changes))
    assert response.status_code == 400
    assert response.get_json() == {"Errors": [{"Type": kind, "Error": text, "ItemId": ITEM_ID}]}


def first_collection_date(client, auth, service: str = "dpd-next-day") -> str:
    return client.post(f"{P2G}/api/collectiondates", json={"ServiceSlug": service}, headers=auth).get_json()[
        "CollectionDates"
    ][0]["CollectionDate"]


@pytest.mark.parametrize("asked", [None, "", "2017-02-09T10:09:11.9730419+00:00", "2020-01-01"])
def test_no_collection_date_or_a_past_one_books_the_first_collection_date(client, auth, asked, clock):
    """The official demo sends no CollectionDate; the docs' own examples send dates years past."""
    clock.freeze()
    body = order_with(CollectionDate=asked)
    if asked is None:
        del body["Items"][0]["CollectionDate"]
    order = create(client, auth, body)
    assert order.status_code == 200, order.get_json()
    order = order.get_json()
    found = client.get(
        f"{P2G}/api/orders", query_string={"orderId": order["OrderId"], "hash": order["Hash"]}, headers=auth
    ).get_json()
    assert found["Items"][0]["CollectionDate"][:10] == first_collection_date(client, auth)[:10]


def test_a_later_collection_date_is_kept(client, auth):
    order = create(client, auth).get_json()
    found = client.get(
        f"{P2G}/api/orders", query_string={"orderId": order["OrderId"], "hash": order["Hash"]}, headers=auth
    ).get_json()
    assert found["Items"][0]["CollectionDate"].startswith("2030-12-13T14:22:14")


def test_upsells_may_be_bare_names_as_the_official_plugin_posts_them(client, auth):
    as_objects = create(client, auth, order_with(Upsells=[{"Type": "Sms"}, {"Type": "Cover"}])).get_json()
    as_names = create(client, auth, order_with(Upsells=["sms", "Cover"]))
    assert as_names.status_code == 200, as_names.get_json()
    assert as_names.get_json()["TotalPrice"] == as_objects["TotalPrice"]
    form = {
        "Items[0][Id]": ITEM_ID,
        "Items[0][Service]": "dpd-next-day",
        "Items[0][Upsells][0]": "Sms",
        "Items[0][Upsells][1]": "Cover",
        **{
            f"Items[0][Parcels][0][{k}]": str(v)
            for k, v in ORDER["Items"][0]["Parcels"][0].items()
            if k != "DeliveryAddress"
        },
        **{f"Items[0][Parcels][0][DeliveryAddress][{k}]": str(v) for k, v in ADDRESS.items()},
        **{f"Items[0][CollectionAddress][{k}]": str(v) for k, v in ORDER["Items"][0]["CollectionAddress"].items()},
        "CustomerDetails[Email]": "j.doe@yahoo.com",
        "CustomerDetails[Forename]": "John",
        "CustomerDetails[Surname]": "Doe",
    }
    as_form = client.post(f"{P2G}/api/orders", data=form, headers=auth)
    assert as_form.status_code == 200, as_form.get_json()
    assert as_form.get_json()["TotalPrice"] == as_objects["TotalPrice"]
    unknown = create(client, auth, order_with(Upsells=["Teleport"]))
    assert unknown.status_code == 400
    assert unknown.get_json()["ModelState"] == {
        "request.Items[0].Upsells[0]": ["The value 'Teleport' is not valid for Upsells."]
    }


@pytest.mark.parametrize(
    "address, text",
    [
        ({**ADDRESS, "Postcode": "NOT A CODE"}, "Please supply a valid delivery postcode."),
        ({**ADDRESS, "Street": ""}, "Please supply the delivery street."),
        ({**ADDRESS, "CountryIsoCode": "XYZ"}, "Please supply a valid delivery country."),
    ],
)
def test_address_errors(client, auth, address, text):
    body = order_with()
    body["Items"][0]["Parcels"][0]["DeliveryAddress"] = address
    errors = create(client, auth, body).get_json()["Errors"]
    assert {"Type": "Address", "Error": text, "ItemId": ITEM_ID} in errors


def test_every_item_is_checked_and_ids_must_be_unique(client, auth):
    body = order_with()
    body["Items"].append(copy.deepcopy(body["Items"][0]))
    errors = create(client, auth, body).get_json()["Errors"]
    assert errors == [{"Type": "Item", "Error": "Each item must have a unique Id.", "ItemId": ITEM_ID}] * 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "request.Items"),
        ({"Items": [], "CustomerDetails": ORDER["CustomerDetails"]}, "request.Items"),
        ({"Items": ORDER["Items"]}, "request.CustomerDetails"),
        (order_with(Id="not-a-guid"), "request.Items[0].Id"),
        (order_with(CollectionDate="tomorrow"), "request.Items[0].CollectionDate"),
        (order_with(CollectionDate="99999-01-01"), "request.Items[0].CollectionDate"),
        (order_with(Parcels=[]), "request.Items[0].Parcels"),
        (order_with(ExportReason="Smuggling"), "request.Items[0].ExportReason"),
        (
            order_with(Parcels=[{**ORDER["Items"][0]["Parcels"][0], "Weight": "one"}]),
            "request.Items[0].Parcels[0].Weight",
        ),
        (
            order_with(Parcels=[{**ORDER["Items"][0]["Parcels"][0], "DeliveryAddress": None}]),
            "request.Items[0].Parcels[0].DeliveryAddress",
        ),
    ],
)
def test_model_binding_errors(client, auth, body, field):
    response = create(client, auth, body)
    assert response.status_code == 400 and field in response.get_json()["ModelState"]


def test_verify_prices_without_creating(client, auth):
    response = client.post(f"{P2G}/api/orders/verify", json=ORDER, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["TotalPrice"] == 7.74 and body["Items"][0]["ItemId"] == ITEM_ID
    assert body["Items"][0]["Extras"] == [{"Type": "Sms", "Amount": 0.3}]
    assert client.post(f"{P2G}/api/orders/verify", json=order_with(Service="x"), headers=auth).status_code == 400


def test_get_an_order_by_id_and_hash(client, auth):
    order = create(client, auth).get_json()
    response = client.get(
        f"{P2G}/api/orders", query_string={"orderId": order["OrderId"], "hash": order["Hash"]}, headers=auth
    )
    body = response.get_json()
    assert body["OrderId"] == order["OrderId"] and body["PaidDate"] is None and body["TotalPrice"] == 7.74
    assert body["Links"]["PayWithPrePay"] == order["Links"]["PayWithPrePay"]
    parcel = body["Items"][0]["Parcels"][0]
    assert parcel["TrackingNumber"] is None and parcel["PrintInStoreBarcode"] is None


def test_a_hash_sent_unencoded_still_matches(client, auth):
    """`+` in a raw query string reads as a space; the documented links carry the hash raw."""
    order = create(client, auth).get_json()
    raw = f"{P2G}/api/orders?orderId={order['OrderId']}&hash={order['Hash']}"
    assert client.get(raw, headers=auth).status_code == 200


@pytest.mark.parametrize("query", ["orderId=76423942&hash=wrong", "orderId=1&hash=x", "orderId=abc&hash=x"])
def test_unknown_orders_and_wrong_hashes_are_404(client, auth, query):
    response = client.get(f"{P2G}/api/orders?{query}", headers=auth)
    assert response.status_code == 404 and "could not be found" in response.get_json()["Message"]


def test_get_order_needs_its_arguments(client, auth):
    response = client.get(f"{P2G}/api/orders?orderId=76423942", headers=auth)
    assert response.status_code == 400 and "hash" in response.get_json()["ModelState"]


def test_pay_with_prepay_debits_the_balance_once_per_payment(client, auth):
    before = balance(client, auth)
    order = create(client, auth).get_json()
    response = pay(client, auth, order)
    assert response.status_code == 200
    links = response.get_json()["Links"]
    assert links[0]["Name"] == "Labels" and "/api/labels/" in links[0]["Link"]
    assert {link["Name"] for link in links} >= {"labels-a4", "labels-4x6", "invoice", "help"}
    assert balance(client, auth) == round(before - 7.74, 2)
    paid = client.get(
        f"{P2G}/api/orders", query_string={"orderId": order["OrderId"], "hash": order["Hash"]}, headers=auth
    ).get_json()
    assert paid["PaidDate"] is not None and paid["Items"][0]["Parcels"][0]["TrackingNumber"].startswith("1550")


def test_paying_twice_charges_again_as_the_sandbox_does(client, auth):
    order = create(client, auth).get_json()
    before = balance(client, auth)
    pay(client, auth, order)
    assert pay(client, auth, order).status_code == 200
    assert balance(client, auth) == round(before - 2 * 7.74, 2)


def test_a_namespace_can_reject_repeat_payments(client, auth):
    client.put("/__admin/namespaces/strict", json={"fixtures": {"parcel2go": {"repeat_payment": "reject"}}})
    prefix = "/ns/strict/parcel2go"
    token = bearer(p2g_token(client, prefix=prefix))
    order = client.post(f"{prefix}/api/orders", json=ORDER, headers=token).get_json()
    url = f"{prefix}/api/orders/{order['OrderId']}/paywithprepay?hash={order['Hash']}"
    assert client.post(url, headers=token).status_code == 200
    second = client.post(url, headers=token)
    assert second.status_code == 400 and second.get_json()["Errors"][0]["Name"] == "OrderAlreadyPaid"
    assert client.get(f"{prefix}/api/prepay", headers=token).get_json() == round(250 - 7.74, 2)


def test_insufficient_balance_changes_nothing(client, auth):
    client.put(
        "/__admin/namespaces/poor",
        json={"fixtures": {"parcel2go": {"accounts": {"mock-p2g-account": {"prepay_balance": 5}}}}},
    )
    prefix = "/ns/poor/parcel2go"
    token = bearer(p2g_token(client, prefix=prefix))
    order = client.post(f"{prefix}/api/orders", json=ORDER, headers=token).get_json()
    response = client.post(f"{prefix}/api/orders/{order['OrderId']}/paywithprepay?hash={order['Hash']}", headers=token)
    assert response.status_code == 400
    error = response.get_json()["Errors"][0]
    assert error["Name"] == "InsufficientFunds" and "£5.00" in error["Description"]
    assert client.get(f"{prefix}/api/prepay", headers=token).get_json() == 5
    found = client.get(f"{prefix}/api/orders?orderId={order['OrderId']}&hash={order['Hash']}", headers=token)
    assert found.get_json()["PaidDate"] is None


@pytest.mark.parametrize("suffix", ["", "?hash=", "?hash=wrong"])
def test_paying_needs_the_right_hash(client, auth, suffix):
    order = create(client, auth).get_json()
    before = balance(client, auth)
    response = client.post(f"{P2G}/api/orders/{order['OrderId']}/paywithprepay{suffix}", headers=auth)
    assert response.status_code == 400 and response.get_json()["Errors"][0]["Name"] == "InvalidHash"
    assert balance(client, auth) == before


def test_paying_an_unknown_order(client, auth):
    response = client.post(f"{P2G}/api/orders/123/paywithprepay?hash=x", headers=auth)
    assert response.status_code == 404 and "Message" in response.get_json()


def test_pay_with_a_stored_card_leaves_prepay_alone(client, auth):
    cards = client.get(f"{P2G}/api/storedcards", headers=auth).get_json()
    assert cards[0]["LastFourDigits"] == "4242"
    order = create(client, auth).get_json()
    before = balance(client, auth)
    base = f"{P2G}/api/orders/{order['OrderId']}/paywithstoredcard?hash={order['Hash']}"
    missing = client.post(f"{base}&storedCardId=1", headers=auth)
    assert missing.status_code == 400 and missing.get_json()["Errors"][0]["Name"] == "StoredCardNotFound"
    assert client.post(f"{base}&storedCardId={cards[0]['Id']}", headers=auth).status_code == 200
    assert balance(client, auth) == before


def test_parcel_numbers_appear_once_paid(client, auth):
    order = create(client, auth).get_json()
    url = f"{P2G}/api/orders/{order['OrderId']}/parcelnumbers"
    assert client.post(url, headers=auth).get_json() == {"TrackingNumbers": []}
    pay(client, auth, order)
    [number] = client.post(url, headers=auth).get_json()["TrackingNumbers"]
    assert isinstance(number["ParcelId"], int) and number["TrackingNumber"].startswith("1550")


def test_another_accounts_order_needs_its_hash(make_app):
    client = make_app().test_client()
    client.put(
        "/__admin/namespaces/default",
        json={
            "fixtures": {
                "parcel2go": {
                    "accounts": {
                        "other": {
                            "prepay_balance": 0,
                            "detail": {"Forename": "A", "Surname": "B", "Email": "c"},
                            "stored_cards": [],
                            "collection_addresses": [],
                            "delivery_addresses": [],
                        }
                    },
                    "clients": {"other-client": {"client_secret": "s", "account": "other", "scopes": ["public-api"]}},
                }
            }
        },
    )
    mine = bearer(p2g_token(client))
    order = create(client, mine).get_json()
    theirs = bearer(p2g_token(client, {"client_id": "other-client", "client_secret": "s"}))
    url = f"{P2G}/api/orders/{order['OrderId']}/parcelnumbers"
    assert client.post(url, headers=theirs).status_code == 404
    assert client.post(f"{url}?hash={order['Hash']}", headers=theirs).status_code == 200


def labels(client, auth, reference, **query):
    return client.get(f"{P2G}/api/labels/{reference}", query_string=query, headers=auth)


def decode(response) -> list[bytes]:
    return [base64.b64decode(item) for item in response.get_json()["Base64EncodedLabels"]]


def test_labels_are_real_documents_showing_the_tracking_number(client, auth):
    order = create(client, auth).get_json()
    pay(client, auth, order)
    number = client.post(f"{P2G}/api/orders/{order['OrderId']}/parcelnumbers", headers=auth).get_json()[
        "TrackingNumbers"
    ][0]["TrackingNumber"]
    as_pdf = labels(client, auth, order["OrderId"], labelFormat="PDF", labelMedia="Label4X6")
    assert as_pdf.get_json()["SuccessfulLabels"] == 1 and as_pdf.get_json()["FailedLabels"] == 0
    [pdf] = decode(as_pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert f"TRACKING: {number}" in page.extract_text() and round(float(page.mediabox.width)) == 288
    [png] = decode(labels(client, auth, order["OrderId"], labelFormat="png", labelMedia="a4"))
    image = Image.open(io.BytesIO(png))
    assert image.size == (794, 1123) and f"TRACKING: {number}" in image.text["Description"]


def test_the_labels_link_after_payment_gives_an_a4_png(client, auth):
    order = create(client, auth).get_json()
    link = pay(client, auth, order).get_json()["Links"][0]["Link"]
    [png] = decode(client.get(path(link), headers=auth))
    assert Image.open(io.BytesIO(png)).size == (794, 1123)


def test_an_unpaid_order_has_only_failed_labels(client, auth):
    order = create(client, auth).get_json()
    body = labels(client, auth, order["OrderId"]).get_json()
    assert body == {"SuccessfulLabels": 0, "FailedLabels": 1, "Base64EncodedLabels": []}


def test_detail_levels_with_nothing_are_404(client, auth):
    order = create(client, auth).get_json()
    pay(client, auth, order)
    for level in ("Instructions", "AdditionalDocuments", "CommercialInvoice"):
        response = labels(client, auth, order["OrderId"], detailLevel=level)
        assert response.status_code == 404 and "Message" in response.get_json()
    assert len(decode(labels(client, auth, order["OrderId"], detailLevel="All"))) == 1


def test_an_international_drop_off_has_every_document(client, auth):
    body = order_with(
        Service="fedex-international-economy",
        Upsells=[],
        OriginCountry="GBR",
        ExportReason="Sale",
        VatStatus="Individual",
    )
    body["Items"][0]["Parcels"][0].update(DeliveryAddress=USA, Contents=[{"Description": "Slippers", "Quantity": 2}])
    order = create(client, auth, body).get_json()
    pay(client, auth, order)
    for level, pages in (("AdditionalDocuments", 1), ("CommercialInvoice", 1), ("All", 3)):
        assert len(decode(labels(client, auth, order["OrderId"], detailLevel=level))) == pages


def test_labels_by_order_line_with_the_line_hash(client, auth):
    order = create(client, auth).get_json()
    pay(client, auth, order)
    line = order["OrderlineIdMap"][0]
    response = labels(client, auth, line["OrderLineId"], referenceType="OrderLineId", hash=line["Hash"])
    assert response.get_json()["SuccessfulLabels"] == 1


@pytest.mark.parametrize(
    "query, field",
    [
        ({"labelFormat": "GIF"}, "labelFormat"),
        ({"detailLevel": "Some"}, "detailLevel"),
        ({"labelMedia": "A5"}, "labelMedia"),
        ({"referenceType": "Hash"}, "referenceType"),
    ],
)
def test_label_parameters_are_checked(client, auth, query, field):
    response = labels(client, auth, "76423942", **query)
    assert response.status_code == 400 and field in response.get_json()["ModelState"]


@pytest.mark.parametrize(
    "reference, kind", [("99999999", "OrderId"), ("abc", "OrderLineId"), ("9" * 30, "OrderLineId")]
)
def test_labels_of_unknown_references(client, auth, reference, kind):
    assert labels(client, auth, reference, referenceType=kind).status_code == 404


def test_public_documents_need_only_the_hash(client, auth):
    order = create(client, auth).get_json()
    links = {link["Name"]: path(link["Link"]) for link in pay(client, auth, order).get_json()["Links"]}
    pdf = client.get(links["labels-a4"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    invoice = PdfReader(io.BytesIO(client.get(links["invoice"]).data)).pages[0].extract_text()
    assert "Total 7.74 GBP" in invoice
    picking = PdfReader(io.BytesIO(client.get(links["picking-list"]).data)).pages[0].extract_text()
    assert "PICKING LIST" in picking and "Contents: Slippers" in picking and "Malton YO17 7LL" in picking
    assert "barcode-printinstore" not in links and "wallet-ios-printinstore" not in links  # collected, not dropped off
    assert (
        client.get(f"{P2G}/documents/{order['OrderId']}/wallet-ios-printinstore?hash={order['Hash']}").status_code
        == 404
    )
    assert client.get(links["labels-a4"].replace("hash=", "hash=x")).status_code == 404
    assert client.get(f"{P2G}/documents/{order['OrderId']}/nothing?hash={order['Hash']}").status_code == 404


def test_the_customer_pages_the_links_name_are_the_mocks_stand_ins(client, auth):
    order = create(client, auth).get_json()
    payment = client.get(path(order["Links"]["payment"]))
    assert payment.status_code == 200 and payment.mimetype == "text/html"
    assert b"stand-in" in payment.data and order["OrderId"].encode() in payment.data and b"not paid" in payment.data
    assert client.get(path(order["Links"]["help"])).status_code == 200
    assert client.get(path(order["Links"]["payment"]).replace("hash=", "hash=x")).status_code == 404
    assert client.get(f"{P2G}/order/payment").status_code == 404
    paid = {link["Name"]: path(link["Link"]) for link in pay(client, auth, order).get_json()["Links"]}
    assert client.get(paid["help"]).status_code == 200
    assert b"paid." in client.get(path(order["Links"]["payment"])).data
    found = client.get(f"{P2G}/api/orders?orderId={order['OrderId']}&hash={order['Hash']}", headers=auth).get_json()
    parcel = found["Items"][0]["Parcels"][0]
    page = client.get(path(parcel["Links"]["tracking-page"]))
    assert page.status_code == 200 and parcel["TrackingNumber"].encode() in page.data


def test_a_drop_off_order_gets_a_print_in_store_code(client, auth):
    order = create(client, auth, order_with(Service="evri-parcelshop-drop-off", Upsells=[{"Type": "PrintInStore"}]))
    order = order.get_json()
    links = {link["Name"]: path(link["Link"]) for link in pay(client, auth, order).get_json()["Links"]}
    barcode = client.get(links["barcode-printinstore"])
    assert barcode.mimetype == "image/png" and Image.open(io.BytesIO(barcode.data)).size == (384, 576)
    wallet = client.get(links["wallet-ios-printinstore"])
    assert wallet.mimetype == "image/png" and Image.open(io.BytesIO(wallet.data)).size == (375, 667)
    code = client.get(f"{P2G}/api/orders?orderId={order['OrderId']}&hash={order['Hash']}", headers=auth).get_json()[
        "Items"
    ][0]["Parcels"][0]["PrintInStoreBarcode"]
    assert code in Image.open(io.BytesIO(wallet.data)).text["Description"]
    found = client.get(f"{P2G}/api/orders?orderId={order['OrderId']}&hash={order['Hash']}", headers=auth).get_json()
    assert found["Items"][0]["Parcels"][0]["PrintInStoreBarcode"].startswith("P2G")
    assert len(decode(labels(client, auth, order["OrderId"], detailLevel="Instructions"))) == 1


def test_a_paid_line_walks_its_stages_on_the_clock(client, clock):
    clock.set("2030-12-13T08:00:00Z")
    clock.freeze()
    auth = bearer(p2g_token(client, scope="public-api payment"))
    order = create(client, auth).get_json()  # collection at 14:22 that day
    line = order["OrderlineIdMap"][0]["OrderLineId"]
    tracking = f"{P2G}/api/tracking/{line}"
    assert client.get(tracking, headers=auth).get_json() == {"Results": []}
    pay(client, auth, order)
    assert client.get(tracking, headers=auth).get_json() == {"Results": []}

    def stages_after(duration: str) -> list[str]:
        clock.advance(duration)
        results = client.get(tracking, headers=bearer(p2g_token(client))).get_json()["Results"]  # tokens live 2 h
        return [r["TrackingStage"] for r in results]

    assert stages_after("9h") == ["Collected"]  # collected at 16:22, two hours after the 14:22 collection
    stages = stages_after("1d")
    assert stages == ["Delivered", "DeliveryScheduled", "AtDepot", "InTransit", "Collected"]  # newest first


def test_fixture_orders_track_at_once(client, auth):
    results = client.get(f"{P2G}/api/tracking/115030194", headers=auth).get_json()["Results"]
    assert results[0]["TrackingStage"] == "Delivered" and results[0]["Description"] == "Handed to Customer"
    stamps = [r["Timestamp"] for r in results]
    assert stamps == sorted(stamps, reverse=True) and results[-1]["TrackingStage"] == "Collected"
    walking = client.get(f"{P2G}/api/tracking/115030210", headers=auth).get_json()
    assert walking == {"Results": []}


@pytest.mark.parametrize("line", ["1", "abc", "-5", "9" * 40])
def test_tracking_unknown_lines(client, auth, line):
    assert client.get(f"{P2G}/api/tracking/{line}", headers=auth).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_me_endpoints(client, auth, method):
    call = getattr(client, method)
    assert call(f"{P2G}/api/me/detail", headers=auth).get_json()["Forename"] == "Joe"
    assert call(f"{P2G}/api/me/deliveryAddresses", headers=auth).get_json()[0]["Town"] == "Scarborough"
    assert call(f"{P2G}/api/me/collectionaddresses", headers=auth).get_json()[0]["Postcode"] == "YO17 7LL"


def test_routes_match_in_any_case_and_other_methods_are_405(client, auth):
    assert client.get(f"{P2G}/API/Countries", headers=auth).status_code == 200
    response = client.delete(f"{P2G}/api/orders", headers=auth)
    assert response.status_code == 405 and "does not support http method 'DELETE'" in response.get_json()["Message"]
    assert client.get(f"{P2G}/api/prepay/balance", headers=auth).status_code == 404


def test_a_rejected_order_changes_nothing(make_app):
    """Same seed, same identifiers: a rejected order in between must not have used any up."""
    clients = [make_app().test_client(), make_app().test_client()]
    tokens = [bearer(p2g_token(c)) for c in clients]
    assert create(clients[0], tokens[0], order_with(Service="nope")).status_code == 400
    assert create(clients[0], tokens[0], order_with(Id="bad")).status_code == 400
    first, second = (create(c, t).get_json() for c, t in zip(clients, tokens))
    assert first["OrderId"] == second["OrderId"] and first["Hash"] == second["Hash"]
    assert balance(clients[0], tokens[0]) == 250
