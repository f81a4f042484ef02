"""Borderless360 as a DRF service: token authentication, trailing slashes, DRF error bodies,
`?format=json`, unreadable bodies."""

import pytest

from conftest import B360, B360_AUTH


@pytest.mark.parametrize("headers, detail", [
    ({}, "Authentication credentials were not provided."),
    ({"Authorization": "Bearer mock-b360-token"}, "Authentication credentials were not provided."),
    ({"Authorization": "Token"}, "Invalid token header. No credentials provided."),
    ({"Authorization": "Token a b"}, "Invalid token header. Token string should not contain spaces."),
    ({"Authorization": "Token nope"}, "Invalid token."),
])
def test_token_authentication(client, headers, detail):
    response = client.get(f"{B360}/orders/", headers=headers)
    assert response.status_code == 401 and response.get_json() == {"detail": detail}
    assert response.headers["WWW-Authenticate"] == "Token"


def test_the_keyword_matches_in_any_case(client):
    assert client.get(f"{B360}/orders/", headers={"Authorization": "token mock-b360-token"}).status_code == 200


@pytest.mark.parametrize("action", ["revoke", "expire"])
def test_a_token_revoked_through_the_admin_api_is_invalid(client, action):
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "borderless360"})
    response = client.get(f"{B360}/orders/", headers=B360_AUTH)
    assert response.status_code == 401 and response.get_json() == {"detail": "Invalid token."}


def test_tokens_never_expire_on_their_own(client):
    client.post("/__admin/namespaces/default/clock", json={"action": "advance", "by": "400d"})
    assert client.get(f"{B360}/three_pl/three_pls/", headers=B360_AUTH).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_path_without_its_slash_redirects(client, method):
    response = getattr(client, method)(f"{B360}/orders?limit=5", headers=B360_AUTH)
    assert response.status_code == 301 and response.headers["Location"] == f"{B360}/orders/?limit=5"
    assert response.data == b""


def test_the_redirect_keeps_the_namespace_prefix(client):
    response = client.get("/ns/t1/borderless360/api/v1/public_api/products", headers=B360_AUTH)
    assert response.headers["Location"] == "/ns/t1/borderless360/api/v1/public_api/products/"


def test_the_redirect_escapes_the_path_as_django_does(client):
    """A line break in the path once made the Location header a 500."""
    response = client.get(f"{B360}/orders/a%0Ab%20c", headers=B360_AUTH)
    assert response.status_code == 301 and response.headers["Location"] == f"{B360}/orders/a%0Ab%20c/"


def test_paths_are_case_sensitive_and_unknown_ones_are_drf_404s(client):
    for path in (f"{B360}/Orders/", f"{B360}/nothing/", "/borderless360/"):
        response = client.get(path, headers=B360_AUTH)
        assert response.status_code == 404 and response.get_json() == {"detail": "Not found."}


def test_wrong_methods(client):
    response = client.delete(f"{B360}/orders/", headers=B360_AUTH)
    assert response.status_code == 405 and response.get_json() == {"detail": 'Method "DELETE" not allowed.'}
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"  # DRF's order; every view takes OPTIONS


def test_format_json_is_accepted_and_others_are_not(client):
    assert client.get(f"{B360}/three_pl/three_pls/?format=json", headers=B360_AUTH).status_code == 200
    response = client.get(f"{B360}/three_pl/three_pls/?format=api", headers=B360_AUTH)
    assert response.status_code == 404 and response.get_json() == {"detail": "Not found."}


@pytest.mark.parametrize("data, content_type, status, start", [
    ("{bad", "application/json", 400, "JSON parse error - "),
    ("[" * 5000 + "]" * 5000, "application/json", 400, "JSON parse error - "),
    ("hello", "text/plain", 415, 'Unsupported media type "text/plain" in request.'),
])
def test_unreadable_bodies(client, data, content_type, status, start):
    response = client.post(f"{B360}/products/", data=data, content_type=content_type, headers=B360_AUTH)
    assert response.status_code == status and response.get_json()["detail"].startswith(start)


def test_a_form_body_is_read_too(client):
    response = client.post(f"{B360}/products/", data={"sku": "FORM-1", "title": "From a form"}, headers=B360_AUTH)
    assert response.status_code == 201 and response.get_json()["sku"] == "FORM-1"


def test_by_host_header(client):
    response = client.get("/api/v1/public_api/three_pl/three_pls/", headers={**B360_AUTH,
                                                                            "Host": "api.borderless360.com"})
    assert response.status_code == 200 and response.get_json()["count"] == 3
