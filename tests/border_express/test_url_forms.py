"""The URL forms: prefix, /ns/ prefix, real Host headers, X-Mock-Namespace."""

import pytest
import requests
from support import be_token, bearer, sandbox

PATH = "/api/v1/consignments/BE10000001"


@pytest.mark.parametrize(
    "host", ["api.borderexpress.com.au", "integrationapi.borderexpress.com.au", "API.BORDEREXPRESS.COM.AU:443"]
)
def test_real_hosts_reach_border_express(client, host):
    token = be_token(client, prefix="", headers={"Host": host})
    assert client.get(PATH, headers={"Host": host, **bearer(token)}).status_code == 200


def test_real_host_tokens_live_in_the_default_namespace(client):
    token = be_token(client, prefix="", headers={"Host": "api.borderexpress.com.au"})
    assert client.get(f"/border-express{PATH}", headers=bearer(token)).status_code == 200


def test_namespace_header_overrides_every_form(client):
    token = be_token(client, prefix="/border-express", headers={"X-Mock-Namespace": "t7"})
    assert client.get(f"/ns/t7/border-express{PATH}", headers=bearer(token)).status_code == 200
    assert client.get(f"/border-express{PATH}", headers=bearer(token)).status_code == 401
    assert (
        client.get(
            PATH, headers={"Host": "api.borderexpress.com.au", "X-Mock-Namespace": "t7", **bearer(token)}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path, header",
    [
        ("/ns/bad%20name/border-express/token", None),
        ("/ns/" + "x" * 65 + "/border-express/token", None),
        ("/border-express/token", "no/slashes"),
        ("/border-express/token", "\u00e9"),
        ("/ns/../border-express/token", None),
        ("/ns/./border-express/token", None),
        ("/border-express/token", ".."),
        ("/border-express/token", "."),
    ],
)
def test_bad_namespace_names_are_admin_400s(client, path, header):
    headers = {"X-Mock-Namespace": header.encode("utf-8").decode("latin-1")} if header else {}
    response = client.post(path, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("path", ["/", "/nowhere", "/ns/t1/nowhere/x", "/BORDER-EXPRESS/token"])
def test_paths_naming_no_carrier_get_a_json_404(client, path):
    response = client.post(path)
    assert response.status_code == 404 and "carriers are at" in response.get_json()["message"]


def test_namespaces_do_not_share_clocks_or_timelines(client):
    a, _ = sandbox(client, "a"), sandbox(client, "b")
    a.clock.advance("7h")
    statuses = {}
    for ns in ("a", "b"):
        token = be_token(client, prefix=f"/ns/{ns}/border-express")
        statuses[ns] = client.get(
            f"/ns/{ns}/border-express/api/v1/consignments/BE10000003", headers=bearer(token)
        ).get_json()["Status"]
    assert statuses == {"a": "Delivered", "b": "Despatched"}


FORM = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"}


@pytest.mark.parametrize(
    "base, host",
    [("{url}/border-express/", None), ("{url}/ns/t42/border-express/", None), ("{url}/", "api.borderexpress.com.au")],
)
def test_a_base_url_ending_in_a_slash_works_in_every_url_form(live_server, base, host):
    """Real clients build `base + '/api/connotes/' + n` on a base ending in `/`; the ASP.NET host
    reads `//api/...` as `/api/...`, so the mock does too, whatever the URL form."""
    base = base.format(url=live_server())
    headers = {"Host": host} if host else {}
    token = requests.post(base + "/token", data=FORM, headers=headers, timeout=5)
    assert token.status_code == 200, token.text
    headers["Authorization"] = f"bearer {token.json()['access_token']}"
    for path, key in [
        ("/api/connotes/BE10000001", "Status"),
        ("/api/connotes/BE10000001/Statuses", "Statuses"),
        ("/api/connotes/BE10000001/pods/Metadata", None),
        ("/api/connotes/BE10000001/pods/jpg?base64=true", "Base64"),
    ]:
        response = requests.get(base + path, headers=headers, timeout=5)
        assert response.status_code == 200, (path, response.status_code)
        body = response.json()
        assert key in body if key else body[0]["Id"] == 70001


@pytest.mark.parametrize(
    "path",
    [
        "/border-express//api//v1///consignments/BE10000001//Statuses",
        "/ns/t42/border-express///api/connotes//BE10000001/",
    ],
)
def test_repeated_slashes_anywhere_in_the_carriers_path_are_one(client, path):
    token = be_token(client, prefix=path.split("//")[0])
    assert client.get(path, headers=bearer(token)).status_code == 200


def test_repeated_slashes_are_still_the_journaled_path(client):
    token = be_token(client)
    client.get("/border-express//api/connotes/BE10000001", headers=bearer(token))
    entry = client.get("/__admin/namespaces/default/journal").get_json()["entries"][-1]
    assert entry["request"]["path"] == "/border-express//api/connotes/BE10000001"
    assert entry["operation"] == "getConnote" and entry["response"]["status"] == 200
