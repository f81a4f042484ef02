"""parcelLab's v4 views as DRF views: content negotiation before authentication, Allow on every
answer, DRF's JSON media type, OPTIONS; the legacy call is no DRF view."""

import pytest
from support import PL, PL_AUTH

INFO = f"{PL}/v4/track/orders/info/"
WIDGET = f"{PL}/v4/track/orders/info-widget/"
LOOKUP = {"order_number": "ORD-1002", "account": 1612197}


@pytest.mark.parametrize(
    "headers, query, status",
    [
        (PL_AUTH, LOOKUP, 200),
        ({}, LOOKUP, 200),
        (PL_AUTH, {}, 400),
        ({"Authorization": "Bearer nope"}, LOOKUP, 401),
        (PL_AUTH, {"order_number": "NOPE", "account": 1612197}, 404),
        ({**PL_AUTH, "Accept": "text/html"}, LOOKUP, 406),
    ],
)
def test_every_answer_carries_allow_and_drfs_json_type(client, headers, query, status):
    response = client.get(INFO, query_string=query, headers=headers)
    assert response.status_code == status
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["text/html", "image/png", "application/xml", ""])
def test_an_accept_the_view_cannot_render_is_406_before_authentication(client, accept):
    response = client.get(INFO, query_string=LOOKUP, headers={"Authorization": "Bearer nope", "Accept": accept})
    assert response.status_code == 406 and response.get_json() == {
        "type": "client_error",
        "errors": [{"code": "not_acceptable", "detail": "Could not satisfy the request Accept header.", "attr": None}],
    }


def test_the_widget_renders_png_only(client):
    assert client.get(WIDGET, query_string=LOOKUP, headers={**PL_AUTH, "Accept": "image/*"}).mimetype == "image/png"
    assert client.get(WIDGET, query_string=LOOKUP, headers={**PL_AUTH, "Accept": "application/json"}).status_code == 406
    assert client.get(WIDGET, query_string={**LOOKUP, "format": "png"}, headers=PL_AUTH).status_code == 200
    assert client.options(WIDGET).get_json()["renders"] == ["image/png"]
    assert client.options(INFO).get_json()["renders"] == ["application/json"]


def test_a_format_the_view_has_no_renderer_for_is_404(client):
    response = client.get(INFO, query_string={**LOOKUP, "format": "api"})
    assert response.status_code == 404 and response.get_json()["errors"][0]["detail"] == "Not found."
    assert client.get(INFO, query_string={**LOOKUP, "format": "json"}).status_code == 200


def test_options_is_answered_as_drf_does(client):
    response = client.options(INFO, headers={"Authorization": "Basic dXNlcjpwYXNz"})  # another scheme: anonymous
    assert response.status_code == 200 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.get_json() == {
        "name": "Info List",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    }


def test_the_legacy_call_is_no_drf_view(client):
    response = client.get(f"{PL}/tracking-securityhash?orderNo=ORD-1001")
    assert response.status_code == 401 and "Allow" not in response.headers
    assert "WWW-Authenticate" not in response.headers
