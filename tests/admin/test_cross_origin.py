"""A page of another origin cannot change the mock through its visitor's browser: a change whose
`Origin` is not the server's own, or whose `Sec-Fetch-Site` says another site, is a 403 and changes
nothing. Reads, same-origin changes (the dashboard) and clients that send neither header (curl, the
CLI, requests) are unaffected."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.admin.origin import cross_site

FAULTS = "/__admin/namespaces/default/faults"
RULE = {"carrier": "bex", "effect": "status"}


def rules(client) -> list:
    return client.get(FAULTS).get_json()["faults"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:8081"},  # another port is another origin
        {"Origin": "https://localhost"},  # another scheme too
        {"Origin": "null"},  # a sandboxed frame, a file:// page
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_change_from_another_origin_is_refused_and_changes_nothing(client, headers):
    response = client.post(FAULTS, json=RULE, headers=headers)
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "cross_origin" and "another origin" in body["message"]
    assert rules(client) == []
    assert client.post("/__admin/reset", headers=headers).status_code == 403
    assert client.delete("/__admin/namespaces/default", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, the CLI, the Python client
        {"Origin": "http://localhost"},  # the dashboard, served by the mock itself
        {"Origin": "http://LOCALHOST:80"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed by the user
    ],
)
def test_changes_from_the_same_origin_or_no_browser_pass(client, headers):
    assert client.post(FAULTS, json=RULE, headers=headers).status_code == 201


def test_reads_from_anywhere_pass_a_browser_keeps_their_answers_from_the_page(client):
    response = client.get(FAULTS, headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers


def test_behind_a_trusted_proxy_the_origin_is_the_one_its_users_see(client):
    headers = {
        "Origin": "https://mock.example.com",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "mock.example.com",
    }
    assert client.post(FAULTS, json=RULE, headers=headers).status_code == 201


def test_the_origin_check_comes_before_the_admin_token(make_app):
    client = make_app(admin_token="s3cret").test_client()
    headers = {"Origin": "http://evil.example", "Authorization": "Bearer s3cret"}
    assert client.post(FAULTS, json=RULE, headers=headers).status_code == 403


@given(
    st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]),
    st.dictionaries(st.sampled_from(["Origin", "Sec-Fetch-Site", "Other"]), st.text(max_size=40)),
)
def test_any_headers_give_a_decision_never_an_error(method, headers):
    reason = cross_site(method, headers, "http://127.0.0.1:8080/")
    assert reason is None or isinstance(reason, str)
    if method in ("GET", "HEAD", "OPTIONS"):
        assert reason is None
