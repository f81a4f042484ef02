"""Borderless360 as a DRF service: token authentication, trailing slashes, DRF error bodies,
`?format=json`, unreadable bodies."""

import pytest
from support import B360, B360_AUTH, sandbox


@pytest.mark.parametrize(
    "headers, detail",
    [
        ({}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer mock-b360-token"}, "Authentication credentials were not provided."),
        ({"Authorization": "Token"}, "Invalid token header. No credentials provided."),
        ({"Authorization": "Token a b"}, "Invalid token header. Token string should not contain spaces."),
        ({"Authorization": "Token nope"}, "Invalid token."),
    ],
)
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
    clock = sandbox(client).clock
    clock.advance("400d")
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


@pytest.mark.parametrize(
    "data, content_type, status, start",
    [
        ("{bad", "application/json", 400, "JSON parse error - "),
        ("[" * 5000 + "]" * 5000, "application/json", 400, "JSON parse error - "),
        ("hello", "text/plain", 415, 'Unsupported media type "text/plain" in request.'),
    ],
)
def test_unreadable_bodies(client, data, content_type, status, start):
    response = client.post(f"{B360}/products/", data=data, content_type=content_type, headers=B360_AUTH)
    assert response.status_code == status and response.get_json()["detail"].startswith(start)


def test_a_form_body_is_read_too(client):
    response = client.post(f"{B360}/products/", data={"sku": "FORM-1", "title": "From a form"}, headers=B360_AUTH)
    assert response.status_code == 201 and response.get_json()["sku"] == "FORM-1"


def test_by_host_header(client):
    response = client.get(
        "/api/v1/public_api/three_pl/three_pls/", headers={**B360_AUTH, "Host": "api.borderless360.com"}
    )
    assert response.status_code == 200 and response.get_json()["count"] == 4


# What every DRF view does around its handler: negotiation, Allow, the JSON media type, parsers.

ORDER_VIEW = "GET, PUT, PATCH, HEAD, OPTIONS"


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("get", "/orders/", {}, 200),
        ("post", "/products/", {"json": {"sku": "ALLOW-1", "title": "Allowed"}}, 201),
        ("post", "/products/", {"json": {}}, 400),
        ("get", "/orders/999999/", {}, 404),
        ("get", "/orders/383495/", {"headers": {}}, 401),
        ("patch", "/orders/383487/", {"json": {"notes": "late"}}, 400),
        ("head", "/orders/383495/", {}, 200),
    ],
)
def test_every_answer_of_a_view_carries_allow_and_drfs_json_type(client, method, path, kwargs, status):
    kwargs.setdefault("headers", B360_AUTH)
    response = getattr(client, method)(f"{B360}{path}", **kwargs)
    assert response.status_code == status
    views = {"/orders/": "GET, POST, HEAD, OPTIONS", "/products/": "GET, POST, HEAD, OPTIONS"}
    assert response.headers["Allow"] == views.get(path, ORDER_VIEW)
    assert response.headers["Content-Type"] == "application/json"  # DRF's JSONRenderer: no charset


def test_answers_that_are_no_views_have_no_allow(client):
    assert "Allow" not in client.get(f"{B360}/nothing/", headers=B360_AUTH).headers
    assert "Allow" not in client.get(f"{B360}/orders", headers=B360_AUTH).headers  # Django's redirect


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/*", "text/html, */*;q=0.8", "APPLICATION/JSON"]
)
def test_accept_headers_json_answers(client, accept):
    headers = {**B360_AUTH, **({"Accept": accept} if accept is not None else {})}
    response = client.get(f"{B360}/three_pl/three_pls/", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/*", ""])
def test_an_accept_no_renderer_satisfies_is_406_before_authentication(client, accept):
    for headers in ({"Accept": accept}, {**B360_AUTH, "Accept": accept}):
        response = client.get(f"{B360}/orders/", headers=headers)
        assert response.status_code == 406 and response.get_json() == {
            "detail": "Could not satisfy the request Accept header."
        }
        assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
        assert response.headers["Content-Type"] == "application/json"
    assert client.options(f"{B360}/orders/", headers={**B360_AUTH, "Accept": accept}).status_code == 406


def test_an_indent_asked_for_in_accept_is_honoured(client):
    response = client.get(
        f"{B360}/three_pl/three_pls/?limit=1", headers={**B360_AUTH, "Accept": "application/json; indent=4"}
    )
    assert response.headers["Content-Type"] == "application/json; indent=4"
    assert response.data.startswith(b'{\n    "count": 4,\n    "next": ')


def test_an_unknown_format_is_404_before_authentication(client):
    response = client.get(f"{B360}/orders/?format=xml")
    assert response.status_code == 404 and response.get_json() == {"detail": "Not found."}
    assert client.get(f"{B360}/orders/?format=xml&format=json", headers=B360_AUTH).status_code == 200  # the last


@pytest.mark.parametrize("content_type", ["application/vnd.api+json", "text/plain; charset=utf-8", "application/xml"])
def test_only_application_json_is_json(client, content_type):
    response = client.post(
        f"{B360}/products/", data='{"sku": "X", "title": "Y"}', headers=B360_AUTH, content_type=content_type
    )
    assert response.status_code == 415
    assert response.get_json() == {"detail": f'Unsupported media type "{content_type}" in request.'}


def test_a_body_without_a_content_type_is_415(client):
    response = client.post(f"{B360}/products/", data=b'{"sku": "X"}', headers=B360_AUTH)
    assert response.status_code == 415 and response.get_json() == {"detail": 'Unsupported media type "" in request.'}


def test_json_with_a_charset_is_json(client):
    response = client.post(
        f"{B360}/products/",
        data='{"sku": "CS-1", "title": "Charset"}',
        headers=B360_AUTH,
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


def test_nan_is_not_json(client):
    response = client.post(
        f"{B360}/products/",
        data='{"sku": "N", "title": "N", "weight": NaN}',
        headers=B360_AUTH,
        content_type="application/json",
    )
    assert response.status_code == 400 and response.get_json()["detail"].startswith("JSON parse error - ")


def test_a_multipart_body_is_parsed(client):
    response = client.post(
        f"{B360}/products/",
        data={"sku": "MP-1", "title": "Multipart", "weight": "1.5"},
        headers=B360_AUTH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.get_json()["sku"] == "MP-1" and response.get_json()["weight"] == "1.500"


def test_a_file_is_no_text(client):
    import io

    response = client.post(
        f"{B360}/products/",
        data={"sku": (io.BytesIO(b"x"), "a.txt"), "title": "File"},
        headers=B360_AUTH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and response.get_json() == {"sku": ["Not a valid string."]}


def test_a_multipart_body_without_a_boundary_is_a_parse_error(client):
    response = client.post(f"{B360}/products/", data=b"--x\r\n", headers=B360_AUTH, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json() == {"detail": "Multipart form parse error - Invalid boundary in multipart: None"}


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_carries_nested_objects_and_lists_as_drf_reads_html_input(client, content_type):
    form = {
        "order_type": "in_store",
        "customer_reference": f"FORM-{content_type[:4]}",
        "courier_reference": "Free shipping",
        "destination_address.full_name": "Form Sender",
        "destination_address.address_1": "1 Form St",
        "destination_address.city": "Melbourne",
        "destination_address.country": "AU",
        "order_items[0]sku": "CHOCO",
        "order_items[0]quantity": "2",
        "order_items[1]sku": "WAG4628",
        "order_items[1]quantity": "1",
    }
    response = client.post(
        f"{B360}/orders/?expand=destination_address,order_items",
        data=form,
        headers=B360_AUTH,
        content_type=content_type,
    )
    assert response.status_code == 201, response.get_json()
    order = client.get(
        f"{B360}/orders/{response.get_json()['id']}/?expand=destination_address,order_items", headers=B360_AUTH
    ).get_json()
    assert order["destination_address"]["city"] == "Melbourne"
    assert [(i["product"]["sku"], i["quantity"]) for i in order["order_items"]] == [("CHOCO", 2), ("WAG4628", 1)]


def test_a_repeated_form_field_counts_its_last_value(client):
    from werkzeug.datastructures import MultiDict

    response = client.post(
        f"{B360}/products/",
        data=MultiDict([("sku", "FIRST"), ("sku", "LAST"), ("title", "T")]),
        headers=B360_AUTH,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201 and response.get_json()["sku"] == "LAST"
