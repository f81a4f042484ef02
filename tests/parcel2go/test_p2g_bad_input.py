"""Bad input never crashes Parcel2Go's emulation: every malformed body, odd id or oversized form
gets a carrier-shaped 4xx, and no state changes."""

import json
import re
from urllib.parse import urlencode

import pytest
from bodies import P2G_ORDER as ORDER
from bodies import p2g_order_with as order_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import P2G, bearer, examples, p2g_token

from mock_carriers.app import MAX_BODY_BYTES

BODY_ROUTES = ["/api/quotes", "/api/orders", "/api/orders/verify", "/api/collectiondates", "/api/customs"]


@pytest.fixture
def auth(client):
    return bearer(p2g_token(client))


@pytest.mark.parametrize(
    "path, body, field",
    [
        (
            "/api/quotes",
            {"CollectionAddress": {"Country": "GBR"}, "DeliveryAddress": {"Country": "GBR"}, "Parcels": [None]},
            "request.Parcels[0]",
        ),
        ("/api/quotes", {"Extras": [None]}, "request.Extras[0]"),
        ("/api/customs", {"Items": [None]}, "request.Items[0]"),
        ("/api/customs", {"Items": [{"Id": "a", "Parcels": [None]}]}, "request.Items[0].Parcels[0]"),
        ("/api/orders", {**ORDER, "Items": [None]}, "request.Items[0]"),
        ("/api/orders/verify", order_with(Upsells=[None]), "request.Items[0].Upsells[0]"),
        ("/api/orders", order_with(Parcels=[None]), "request.Items[0].Parcels[0]"),
        (
            "/api/orders",
            order_with(Parcels=[{**ORDER["Items"][0]["Parcels"][0], "Contents": [None]}]),
            "request.Items[0].Parcels[0].Contents[0]",
        ),
    ],
)
def test_null_list_elements_are_model_state_errors(client, auth, path, body, field):
    response = client.post(f"{P2G}{path}", json=body, headers=auth)
    assert response.status_code == 400 and field in response.get_json()["ModelState"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/tracking/%C2%B2",
        "/api/labels/%C2%B2?referenceType=OrderLineId",
        "/api/labels/%EF%BC%91",
        "/api/orders/%C2%B2/parcelnumbers",
    ],
)
def test_digits_that_are_not_ascii_are_unknown_ids(client, auth, path):
    method = client.post if path.endswith("parcelnumbers") else client.get
    response = method(f"{P2G}{path}", headers=auth)
    assert response.status_code == 404 and "Message" in response.get_json()


def test_a_line_break_in_an_id_is_an_unknown_id(client, auth):
    response = client.post(f"{P2G}/api/orders/1%0A/parcelnumbers", headers=auth)
    assert response.status_code == 404 and "Message" in response.get_json()


def test_model_state_names_a_property_with_digits_in_it(client, auth):
    """The contract's ModelState keys once allowed letters only, so this 400 broke it."""
    response = client.post(
        f"{P2G}/api/collectiondates", json={"ServiceSlug": "dpd-next-day", "CountryIso3Code": "GBRX"}, headers=auth
    )
    assert response.status_code == 400 and "request.CountryIso3Code" in response.get_json()["ModelState"]


def test_form_keys_with_unicode_digits_are_names_not_positions(client, auth):
    form = {"CollectionAddress[Country]": "GBR", "DeliveryAddress[Country]": "GBR", "Parcels[²][Weight]": "2"}
    response = client.post(f"{P2G}/api/quotes", data=form, headers=auth)
    assert response.status_code == 400 and "request.Parcels" in response.get_json()["ModelState"]


@pytest.mark.parametrize("path", ["/api/quotes", "/auth/connect/token", "/auth/connect/revocation"])
def test_large_forms_are_refused_in_the_carriers_shape(client, auth, path):
    """Werkzeug before 3.1.9 refuses a form over 500 KB itself (the carrier's 413 here); later
    versions parse it, and it is then just a bad request. Over the body limit it is always 413."""
    big = client.post(f"{P2G}{path}", data={"x": "y" * 600_000}, headers=auth)
    assert big.status_code in (400, 413) and big.is_json
    too_big = client.post(f"{P2G}{path}", data={"x": "y" * (MAX_BODY_BYTES + 1)}, headers=auth)
    assert too_big.status_code == 413 and "Message" in too_big.get_json()


def test_deeply_nested_json_is_refused(client, auth):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(f"{P2G}/api/quotes", data=body, content_type="application/json", headers=auth)
    assert response.status_code == 400 and "request" in response.get_json()["ModelState"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Items",
                    "Parcels",
                    "Id",
                    "Weight",
                    "Service",
                    "CollectionAddress",
                    "DeliveryAddress",
                    "Country",
                    "CountryIsoCode",
                    "Upsells",
                    "Type",
                    "CollectionDate",
                    "CustomerDetails",
                    "ServiceSlug",
                    "Contents",
                    "Extras",
                    "Value",
                    "Height",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(BODY_ROUTES), json_values)
def test_no_json_body_makes_a_500(client, auth, path, body):
    response = client.post(f"{P2G}{path}", json=body, headers=auth)
    assert response.status_code in (200, 400), response.data
    assert response.is_json


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(BODY_ROUTES), st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=8))
def test_no_form_makes_a_500(client, auth, path, pairs):
    response = client.post(
        f"{P2G}{path}", data=urlencode(pairs), content_type="application/x-www-form-urlencoded", headers=auth
    )
    assert response.status_code in (200, 400), response.data


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(min_size=1, max_size=30).filter(lambda t: "/" not in t and t not in (".", "..")),
    st.sampled_from(
        [
            "/api/tracking/{}",
            "/api/labels/{}",
            "/api/orders/{}/parcelnumbers",
            "/api/dropshops/{}/location?location=YO17",
            "/documents/{}/labels-a4?hash=x",
            "/images/couriers/{}",
        ]
    ),
)
def test_no_identifier_makes_a_500(client, auth, text, template):
    url = f"{P2G}{template.format(text)}"
    response = (client.post if "parcelnumbers" in template else client.get)(url, headers=auth)
    assert response.status_code in (200, 400, 404), response.data


def test_a_rejected_payment_changes_nothing(client, auth):
    before = client.get(f"{P2G}/api/prepay", headers=auth).get_json()
    for suffix in ("?hash=%00", "?hash=" + "A" * 5000):
        assert client.post(f"{P2G}/api/orders/76423950/paywithprepay{suffix}", headers=auth).status_code == 400
    assert client.get(f"{P2G}/api/prepay", headers=auth).get_json() == before


@pytest.mark.parametrize(
    "body, field, message",
    [
        (
            {"CollectionAddress": {"Country": {"a": 1}}},
            "request.CollectionAddress.Country",
            "The value '{\"a\":1}' is not valid for Country.",
        ),
        (
            {"DeliveryAddress": {"Country": ["GBR"]}},
            "request.DeliveryAddress.Country",
            "The value '[\"GBR\"]' is not valid for Country.",
        ),
        ({"Parcels": {"a": None}}, "request.Parcels", "The value '{\"a\":null}' is not valid for Parcels."),
        (
            {"Parcels": []},
            "request.Parcels",
            "The field Parcels must be a string or array type with a minimum length of '1'.",
        ),
        (
            {"Parcels": [{"Weight": 1, "Length": 1, "Width": 1, "Height": 1}] * 21},
            "request.Parcels",
            "The field Parcels must be a string or array type with a maximum length of '20'.",
        ),
        (
            {"Parcels": [{"Weight": 1e30, "Length": 1, "Width": 1, "Height": 1}]},
            "request.Parcels[0].Weight",
            "The field Weight must be between 0.01 and 1000.",
        ),
    ],
)
def test_model_state_speaks_dotnet_never_python(client, auth, body, field, message):
    full = {
        "CollectionAddress": {"Country": "GBR"},
        "DeliveryAddress": {"Country": "GBR"},
        "Parcels": [{"Weight": 1, "Length": 1, "Width": 1, "Height": 1}],
        **body,
    }
    response = client.post(f"{P2G}/api/quotes", json=full, headers=auth)
    assert response.status_code == 400 and response.get_json()["ModelState"][field] == [message]


@pytest.mark.parametrize("data", ["{bad json", "\x00\xff", '{"a": 1} /* never closed', "/", '{"a": "x" // no end'])
def test_an_unreadable_body_is_web_apis_own_words(client, auth, data):
    response = client.post(f"{P2G}/api/quotes", data=data, content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {
        "Message": "The request is invalid.",
        "ModelState": {"request": ["An error has occurred."]},
    }


def test_json_comments_are_skipped_as_jsonnet_does(client, auth):
    body = """{"CollectionAddress": {"Country": "GBR"}, // the sender
               "DeliveryAddress": {"Country": "GBR", "Town": "Mal//ton /* not a comment */"},
               /* the parcels */ "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}]}"""
    with_comments = client.post(f"{P2G}/api/quotes", data=body, content_type="application/json", headers=auth)
    assert with_comments.status_code == 200
    plain = {
        "CollectionAddress": {"Country": "GBR"},
        "DeliveryAddress": {"Country": "GBR"},
        "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
    }
    assert with_comments.get_json() == client.post(f"{P2G}/api/quotes", json=plain, headers=auth).get_json()


plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text("abcXYZ019 ", max_size=10),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Items",
                    "Parcels",
                    "Weight",
                    "Service",
                    "Country",
                    "Upsells",
                    "Type",
                    "CollectionDate",
                    "CollectionAddress",
                    "DeliveryAddress",
                    "Extras",
                    "CustomerDetails",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(BODY_ROUTES), plain_json)
def test_no_model_state_message_holds_a_python_repr(client, auth, path, body):
    """A value shown back is the text sent or the JSON sent, never Python's repr of it."""
    response = client.post(f"{P2G}{path}", json=body, headers=auth)
    for messages in (response.get_json().get("ModelState") or {}).values() if response.status_code == 400 else ():
        for message in messages:
            shown = re.fullmatch(r"The value '(.*)' is not valid for \w+\.", message)
            if shown and not re.fullmatch(r"[abcXYZ019 ]*", shown.group(1)) and len(shown.group(1)) < 100:
                json.loads(shown.group(1))  # (at 100 characters the text is cut)
