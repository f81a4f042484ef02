"""The URL forms of DESIGN.md section 2: prefix, /ns/ prefix, real Host headers, X-Mock-Namespace."""

import pytest

from conftest import be_token, bearer

PATH = "/api/v1/consignments/BE10000001"


@pytest.mark.parametrize("host", ["api.borderexpress.com.au", "integrationapi.borderexpress.com.au",
                                  "API.BORDEREXPRESS.COM.AU:443"])
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
    assert client.get(PATH, headers={"Host": "api.borderexpress.com.au", "X-Mock-Namespace": "t7",
                                     **bearer(token)}).status_code == 200


@pytest.mark.parametrize("path, header", [("/ns/bad%20name/border-express/token", None),
                                          ("/ns/" + "x" * 65 + "/border-express/token", None),
                                          ("/border-express/token", "no/slashes"),
                                          ("/border-express/token", "\u00e9"),
                                          ("/ns/../border-express/token", None),
                                          ("/ns/./border-express/token", None),
                                          ("/border-express/token", ".."),
                                          ("/border-express/token", ".")])
def test_bad_namespace_names_are_admin_400s(client, path, header):
    headers = {"X-Mock-Namespace": header.encode("utf-8").decode("latin-1")} if header else {}
    response = client.post(path, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("path", ["/", "/nowhere", "/ns/t1/nowhere/x", "/BORDER-EXPRESS/token"])
def test_paths_naming_no_carrier_get_a_json_404(client, path):
    response = client.post(path)
    assert response.status_code == 404 and "carriers are at" in response.get_json()["message"]


def test_namespaces_do_not_share_clocks_or_timelines(client):
    for ns in ("a", "b"):
        client.put(f"/__admin/namespaces/{ns}")
    client.post("/__admin/namespaces/a/clock", json={"action": "advance", "by": "7h"})
    statuses = {}
    for ns in ("a", "b"):
        token = be_token(client, prefix=f"/ns/{ns}/border-express")
        statuses[ns] = client.get(f"/ns/{ns}/border-express/api/v1/consignments/BE10000003",
                                  headers=bearer(token)).get_json()["Status"]
    assert statuses == {"a": "Delivered", "b": "Despatched"}
