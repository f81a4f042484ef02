"""parcelLab's order status lookups: every lookup set, the optional parameters, the access levels,
and the errors in parcelLab's v4 shape."""

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import PL, PL_AUTH, examples, sandbox

INFO = f"{PL}/v4/track/orders/info/"
BEARER = {"Authorization": "Bearer mock-pl-token"}


def info(http, headers=PL_AUTH, /, **query):
    """GET the order info; `client` is a parcelLab parameter, so the test client is `http` here."""
    return http.get(INFO, query_string=query, headers=headers)


def errors(response) -> list[tuple[str, str | None]]:
    body = response.get_json()
    assert body["type"] == "client_error"
    return [(e["code"], e["attr"]) for e in body["errors"]]


@pytest.mark.parametrize(
    "query, order",
    [
        ({"order_number": "ORD-1001", "account": 1612197}, "ORD-1001"),
        ({"order_number": "ORD-1001", "account": 1612197, "client_key": "shop-de"}, "ORD-1001"),
        ({"order_number": "ORD-1001", "account": 1612197, "client": "shop-de"}, "ORD-1001"),
        ({"external_order_id": "8b3a5c52-1f0e-4a7a-9c1e-6d2f0a9e4b11", "account": 1612197}, "ORD-1001"),
        ({"external_reference": "REF-1001", "account": 1612197}, "ORD-1001"),
        ({"tracking_number": "00340434161094042557", "courier": "dhl-germany"}, "ORD-1001"),
        ({"tracking_number": "1Z999AA10123456784", "courier": "ups", "account": 1612197}, "ORD-1002"),
        ({"customer_number": "CUST-77", "account": 1612197}, "ORD-1002"),
        ({"recipient_email": "Carla.Rossi@mock-carriers.example", "account": 1612197}, "ORD-1003"),
        ({"tracking_id": "7b3c2e4d5f6a7b8c9d0e1f2a"}, "ORD-1003"),
    ],
)
def test_every_lookup_set_finds_its_order(client, query, order):
    response = info(client, **query)
    assert response.status_code == 200 and response.get_json()["order_number"] == order


def test_the_response_has_every_documented_field(client):
    body = info(client, order_number="ORD-1001", account=1612197).get_json()
    assert set(body) == {
        "order_number",
        "client_key",
        "order_date",
        "recipient_name",
        "recipient_email",
        "destination_country_iso3",
        "trackings",
    }
    [tracking] = body["trackings"]  # the return is hidden unless asked for
    assert set(tracking) == {
        "tracking_number",
        "courier_info",
        "last_delivery_status",
        "delivery_location",
        "is_delayed",
        "is_exception",
        "is_return",
        "action_box",
        "recipient_name",
        "recipient_email",
        "destination_country_iso3",
        "recipient_postal_code",
        "identifiers_consignment",
        "shipping_address",
        "articles",
        "additional_attributes",
        "announced_delivery_date",
        "announced_delivery_date_min",
        "pod_identifier",
        "pod_signature",
        "pod_date",
        "timezone",
        "reporting_info",
        "supports_live_refresh",
        "checkpoints",
    }
    status = tracking["last_delivery_status"]
    assert status["lifecycle_status"] == "Delivered" and status["step"] == 4
    assert status["event_timestamp"].endswith("Z") and len(status["event_timestamp"]) == 24
    assert [c["status_code"] for c in tracking["checkpoints"]] == [
        "OrderProcessed",
        "InTransit",
        "OutForDelivery",
        "Delivered",
    ]
    assert tracking["courier_info"]["courier_tracking_url"].endswith("piececode=00340434161094042557")
    assert tracking["articles"][0]["version"] == "v1" and tracking["pod_signature"] == "A. Schmidt"
    assert tracking["reporting_info"]["delivery_date"] == status["event_timestamp"]


@pytest.mark.parametrize(
    "lang, text",
    [
        (None, "Delivered"),
        ("en", "Delivered"),
        ("de", "Zugestellt"),
        ("fr", "Zugestellt"),
        ("en-GB", "Delivered"),
        ("EN", "Delivered"),
    ],
)
def test_lang_defaults_to_en_and_falls_back_to_the_order_language_then_english(client, lang, text):
    """ "Default: en"; "falls back to trackings language and 'en' as last choice"."""
    query = {"order_number": "ORD-1001", "account": 1612197, **({"lang": lang} if lang else {})}
    status = info(client, **query).get_json()["trackings"][0]["last_delivery_status"]
    assert status["status_text"] == text


def test_an_order_without_a_language_falls_back_to_english(client):
    body = info(client, order_number="ORD-1003", account=1612197, lang="fr").get_json()
    assert body["trackings"][0]["last_delivery_status"]["status_text"] == "Delayed"
    assert body["trackings"][0]["is_delayed"] is True and body["trackings"][0]["reporting_info"]["is_delayed"]


def test_show_returns_and_single_tracking(client):
    both = info(client, order_number="ORD-1001", account=1612197, show_returns="true").get_json()["trackings"]
    assert [t["is_return"] for t in both] == [False, True]
    one = info(
        client,
        tracking_number="00340434161094042999",
        courier="dhl-germany",
        show_returns="true",
        single_tracking="true",
    ).get_json()["trackings"]
    assert [t["tracking_number"] for t in one] == ["00340434161094042999"]


def test_bearer_tokens_work_too(client):
    assert info(client, BEARER, order_number="ORD-1001", account=1612197).status_code == 200


def s_of(client, order="ORD-1001") -> str:
    return client.get("/__admin/namespaces/default").get_json()["carriers"]["parcellab"]["references"][f"s:{order}"]


def assert_reduced(body):
    tracking = body["trackings"][0]
    assert body["recipient_name"] is None and body["recipient_email"] is None
    assert set(tracking["shipping_address"].values()) == {None, "DEU"} and tracking["recipient_postal_code"] is None
    assert tracking["pod_signature"] is None and tracking["last_delivery_status"]["status_code"] == "Delivered"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"recipient_postal_code": "10115"},
        {"postal_code": "101 15"},
        {"recipient_email": "ANNA.SCHMIDT@mock-carriers.example"},
        {"s": "0" * 16},
        {"s": "nope", "recipient_email": "anna.schmidt@mock-carriers.example"},
    ],
)
def test_anonymous_callers_see_the_reduced_view(client, params):
    """Without a token, `s`, the email and the postal code "determine level of information access":
    anyone gets the order's status without personal data; never a 401."""
    response = info(client, {}, order_number="ORD-1001", account=1612197, **params)
    assert response.status_code == 200
    assert_reduced(response.get_json())


def test_a_valid_s_is_the_recipient_for_90_days(client):
    clock = sandbox(client).clock
    s = s_of(client)
    full = info(client, {}, order_number="ORD-1001", account=1612197, s=s).get_json()
    assert full["recipient_name"] == "Anna Schmidt" and full["trackings"][0]["shipping_address"]["city"] == "Berlin"
    assert_reduced(info(client, {}, order_number="ORD-1001", account=1612197, s=s[::-1]).get_json())
    clock.advance("87d")
    expired = info(client, {}, order_number="ORD-1001", account=1612197, s=s)  # its first tracking: 4 days ago
    assert expired.status_code == 200
    assert_reduced(expired.get_json())


@pytest.mark.parametrize(
    "check, full",
    [
        ({"recipient_email": "Anna.Schmidt@mock-carriers.example"}, True),
        ({"recipient_email": "someone@else.example"}, False),
        ({"recipient_postal_code": "10115"}, True),
        ({"recipient_postal_code": "99999"}, False),
    ],
)
def test_recipient_email_and_postal_code_check_s_again(client, check, full):
    body = info(client, {}, order_number="ORD-1001", account=1612197, s=s_of(client), **check).get_json()
    assert (body["recipient_email"] is not None) is full


def test_the_legacy_route_gives_s(client):
    response = client.get(
        f"{PL}/tracking-securityhash?orderNo=ORD-1001", headers={"user": "1612197", "token": "mock-pl-legacy"}
    )
    body = response.get_json()
    assert response.status_code == 200 and body["_id"] == "5e1f0c2a9b3d4e5f6a7b8c9d"
    assert body["_context"] == ["5e1f0c2a9b3d4e5f6a7b8c9e"] and body["validUntil"].endswith("Z")
    recipient = info(client, {}, order_number="ORD-1001", account=1612197, s=body["securityHash"])
    assert recipient.get_json()["recipient_name"] == "Anna Schmidt"
    for query in (
        "tid=5e1f0c2a9b3d4e5f6a7b8c9e",
        "courier=dhl-germany&trackingNo=00340434161094042557",
        "xid=8b3a5c52-1f0e-4a7a-9c1e-6d2f0a9e4b11",
    ):
        same = client.get(f"{PL}/tracking-securityhash?{query}", headers={"user": "1612197", "token": "mock-pl-legacy"})
        assert same.get_json()["securityHash"] == body["securityHash"]


@pytest.mark.parametrize(
    "headers, status, detail",
    [
        ({}, 401, "No credentials given."),
        ({"user": "1612197", "token": "nope"}, 401, "Invalid credentials."),
        ({"user": "1700001", "token": "mock-pl-other-legacy"}, 404, "No matching tracking found."),
    ],
)
def test_legacy_route_errors(client, headers, status, detail):
    response = client.get(f"{PL}/tracking-securityhash?orderNo=ORD-1001", headers=headers)
    assert response.status_code == status and response.get_json()["errors"][0]["detail"] == detail


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer nope"},
        {"Authorization": "Parcellab-API-Token !!!"},
        {"Authorization": "Parcellab-API-Token " + base64.b64encode(b"1612197:wrong").decode()},
        {"Authorization": "bearer"},
    ],
)
def test_credentials_errors(client, headers):
    response = info(client, headers, order_number="ORD-1001", account=1612197)
    assert response.status_code == 401 and errors(response) == [("authentication_failed", None)]
    assert response.headers["WWW-Authenticate"] == "Parcellab-API-Token"  # DRF: a 401 names a scheme


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Token mock-pl-token", "Digest x", "", "Parcellab mock-pl-token"]
)
def test_an_authorization_of_another_scheme_is_anonymous(client, header):
    """DRF tries each authentication; when none claims the header, the caller is anonymous."""
    response = info(client, {"Authorization": header}, order_number="ORD-1001", account=1612197)
    assert response.status_code == 200
    assert_reduced(response.get_json())


def test_another_accounts_token_does_not_see_the_order(client):
    other = {"Authorization": "Bearer mock-pl-other-token"}
    assert info(client, other, order_number="ORD-1001", account=1612197).status_code == 404
    assert info(client, other, order_number="ORD-2001", account=1700001).status_code == 200


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [("validation_error", None)]),
        ({"account": 1612197}, [("validation_error", None)]),
        ({"order_number": "ORD-1001"}, [("validation_error", "account")]),
        ({"tracking_number": "00340434161094042557"}, [("validation_error", "courier")]),
        ({"external_reference": "REF-1001"}, [("validation_error", "account")]),
        ({"customer_number": "CUST-42"}, [("validation_error", "account")]),
        ({"recipient_email": "anna.schmidt@mock-carriers.example"}, [("validation_error", "account")]),
        ({"order_number": "ORD-1001", "tracking_id": "x", "account": 1}, [("validation_error", None)]),
        ({"external_order_id": "not-a-uuid", "account": 1612197}, [("validation_error", "external_order_id")]),
        ({"order_number": "ORD-1001", "account": "abc"}, [("validation_error", "account")]),
        ({"order_number": "", "account": 1612197}, [("validation_error", "order_number")]),
        (
            {"order_number": "ORD-1001", "account": 1612197, "live_refresh": "maybe"},
            [("validation_error", "live_refresh")],
        ),
        ({"recipient_email": "nope", "account": 1612197}, [("validation_error", "recipient_email")]),
        ({"order_number": "x" * 300, "account": 1612197}, [("validation_error", "order_number")]),
    ],
)
def test_lookup_errors_name_the_field(client, query, expected):
    response = info(client, **query)
    assert response.status_code == 400 and errors(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"order_number": "NOPE", "account": 1612197},
        {"order_number": "ORD-1001", "account": 1700001},
        {"order_number": "ORD-1001", "account": 1612197, "client_key": "other-shop"},
        {"tracking_number": "00340434161094042557", "courier": "ups"},
        {"order_number": "ORD-1001", "account": 1612197, "recipient_email": "x@y.zz"},
    ],
)
def test_unknown_orders_are_404(client, query):
    response = info(client, **query)
    assert response.status_code == 404 and errors(response) == [("not_found", None)]


def test_methods_and_slashes(client):
    response = client.post(INFO, headers=PL_AUTH)
    assert response.status_code == 405 and response.get_json()["errors"][0]["detail"] == 'Method "post" not allowed.'
    redirect = client.get(f"{PL}/v4/track/orders/info?order_number=ORD-1001", headers=PL_AUTH)
    assert redirect.status_code == 301 and redirect.headers["Location"] == f"{INFO}?order_number=ORD-1001"


def test_regional_hosts(client):
    for host in ("api.parcellab.com", "api.eu.parcellab.com", "api.us.parcellab.com"):
        response = client.get(
            "/v4/track/orders/info/?order_number=ORD-1001&account=1612197", headers={**PL_AUTH, "Host": host}
        )
        assert response.status_code == 200


LOOKUPS = [
    {"order_number": "ORD-1002", "account": 1612197},
    {"external_order_id": "8b3a5c52-1f0e-4a7a-9c1e-6d2f0a9e4b11", "account": 1612197},
    {"tracking_number": "1Z999AA10123456784", "courier": "ups"},
    {"customer_number": "CUST-42", "account": 1612197},
    {"tracking_id": "7b3c2e4d5f6a7b8c9d0e1f2a"},
    {"external_reference": "REF-1001", "account": 1612197},
]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(LOOKUPS), st.data())
def test_a_complete_set_finds_its_order_and_a_partial_one_names_what_is_missing(make_app, lookup, data):
    client = make_app().test_client()
    assert info(client, **lookup).status_code == 200
    required = [
        name
        for name in lookup
        if name
        not in (
            "order_number",
            "external_order_id",
            "tracking_number",
            "customer_number",
            "tracking_id",
            "external_reference",
        )
    ]
    if required:
        dropped = data.draw(st.sampled_from(required))
        partial = {k: v for k, v in lookup.items() if k != dropped}
        assert errors(info(client, **partial)) == [("validation_error", dropped)]


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "account",
                "order_number",
                "client_key",
                "client",
                "courier",
                "customer_number",
                "external_order_id",
                "external_reference",
                "lang",
                "live_refresh",
                "recipient_email",
                "recipient_postal_code",
                "postal_code",
                "s",
                "single_tracking",
                "show_returns",
                "tracking_id",
                "tracking_number",
            ]
        ),
        st.text(max_size=40),
        max_size=6,
    ),
    st.booleans(),
)
def test_no_query_makes_a_500(make_app, query, with_token):
    client = make_app().test_client()
    response = info(client, PL_AUTH if with_token else {}, **query)
    assert response.status_code in (200, 400, 401, 404), response.data
    assert response.get_json()["type"] == "client_error" if response.status_code != 200 else True


def test_a_return_named_by_its_own_tracking_number_is_shown(client):
    one = info(client, tracking_number="00340434161094042999", courier="dhl-germany", single_tracking="1")
    assert [t["tracking_number"] for t in one.get_json()["trackings"]] == ["00340434161094042999"]
    both = info(client, tracking_number="00340434161094042999", courier="dhl-germany").get_json()["trackings"]
    assert [t["is_return"] for t in both] == [False, True]


@pytest.mark.parametrize("account", ["1.612197e6", "1612197.5", "0x1"])
def test_account_must_be_a_plain_integer(client, account):
    assert errors(info(client, order_number="ORD-1001", account=account)) == [("validation_error", "account")]


def test_the_legacy_route_reads_an_upper_case_xid(client):
    response = client.get(
        f"{PL}/tracking-securityhash?xid=8B3A5C52-1F0E-4A7A-9C1E-6D2F0A9E4B11",
        headers={"user": "1612197", "token": "mock-pl-legacy"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_tokens_are_valid_until_revoked_through_the_admin_api(client, action):
    clock = sandbox(client).clock
    clock.advance("400d")
    assert info(client, order_number="ORD-1002", account=1612197).status_code == 200  # no expiry of their own
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "parcellab", "client_id": "1612197"})
    assert errors(info(client, order_number="ORD-1002", account=1612197)) == [("authentication_failed", None)]
    assert errors(info(client, BEARER, order_number="ORD-1002", account=1612197)) == [("authentication_failed", None)]


def test_a_token_of_one_account_named_for_another_is_refused(client):
    forged = {"Authorization": "Parcellab-API-Token " + base64.b64encode(b"1700001:mock-pl-token").decode()}
    assert errors(info(client, forged, order_number="ORD-1002", account=1612197)) == [("authentication_failed", None)]


def test_the_token_fault_spoils_a_parcellab_api_token(client):
    client.post(
        "/__admin/namespaces/default/faults", json={"carrier": "parcellab", "effect": "revoke_token", "times": 1}
    )
    assert info(client, order_number="ORD-1002", account=1612197).status_code == 401
    assert info(client, order_number="ORD-1002", account=1612197).status_code == 401  # it stays revoked


@pytest.mark.parametrize(
    "word, shown",
    [
        ("YES", 2),
        ("on", 2),
        ("T", 2),
        ("y", 2),
        ("1", 2),
        ("True", 2),
        ("no", 1),
        ("OFF", 1),
        ("f", 1),
        ("N", 1),
        ("0", 1),
    ],
)
def test_booleans_are_read_as_drf_reads_them(client, word, shown):
    """DRF's BooleanField: yes/on/t/y/1/true and no/off/f/n/0/false, in any case."""
    clock = sandbox(client).clock
    clock.freeze()
    body = info(client, order_number="ORD-1002", account=1612197, live_refresh=word).get_json()
    assert len(body["trackings"][0]["checkpoints"]) == shown  # live: the in-transit scan parcelLab has not synced


def test_drfs_booleans_are_no_strict_mode_violation(make_app):
    client = make_app(strict=True).test_client()
    assert (
        info(
            client,
            order_number="ORD-1002",
            account=1612197,
            live_refresh="Yes",
            single_tracking="off",
            show_returns="N",
        ).status_code
        == 200
    )
    assert client.get("/__admin/namespaces/default/violations").get_json()["violations"] == []


def test_a_repeated_parameter_uses_its_last_value(client):
    response = client.get(
        f"{INFO}?order_number=NOPE&order_number=ORD-1002&account=1612197&lang=de&lang=en", headers=PL_AUTH
    )
    body = response.get_json()
    assert response.status_code == 200 and body["order_number"] == "ORD-1002"
    assert body["trackings"][0]["last_delivery_status"]["status_text"] == "Order processed"


def test_fields_the_docs_show_as_lists_or_objects_are_never_null(client):
    clock = sandbox(client).clock
    clock.freeze()
    body = info(client, {}, order_number="ORD-1003", account=1612197).get_json()
    [tracking] = body["trackings"]
    for name in (
        "courier_info",
        "last_delivery_status",
        "action_box",
        "shipping_address",
        "articles",
        "additional_attributes",
        "reporting_info",
        "checkpoints",
    ):
        assert tracking[name] is not None, name
    assert tracking["action_box"]["opening_hours"] == [] and isinstance(tracking["action_box"]["raw"], dict)
    assert all(isinstance(c["estimated_delivery_date"], dict) for c in tracking["checkpoints"])
    article = info(client, order_number="ORD-1002", account=1612197).get_json()["trackings"][0]["articles"][0]
    assert article["tags"] == [] and article["additional_attributes"] == []
    shoe = info(client, order_number="ORD-1001", account=1612197).get_json()["trackings"][0]["articles"][0]
    assert shoe["tags"] == ["running"] and shoe["additional_attributes"] == [{"key": "gender", "value": "unisex"}]


def test_a_tracking_before_its_first_checkpoint_has_a_pending_status(client):
    overlay = {
        "orders": {
            "ORD-1002": {
                "trackings": [
                    {
                        "tracking_id": "9d9d9d9d9d9d9d9d9d9d9d9d",
                        "tracking_number": "1Z999AA10000000001",
                        "courier": "ups",
                        "created": "-1h",
                        "checkpoints": [{"at": "+1h", "status": "InTransit", "location": "Nürnberg"}],
                    }
                ]
            }
        }
    }
    assert client.put("/__admin/namespaces/t1", json={"fixtures": {"parcellab": overlay}}).status_code == 201
    body = client.get(
        "/ns/t1/parcellab/v4/track/orders/info/?order_number=ORD-1002&account=1612197", headers=PL_AUTH
    ).get_json()
    status = body["trackings"][0]["last_delivery_status"]
    assert status["lifecycle_status"] == "Pending" and status["step"] == 0 and status["event_timestamp"] is None
