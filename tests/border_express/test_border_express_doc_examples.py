"""Every example request of the Border Express API page, sent as written, answered as documented.

The page (https://borderexpress.com.au/border-express-api-documentation) gives the token request
and reply, the headers to send, and the POD paths; its status and scan sections name what they
return but every public copy lost the paths, so those examples use the paths real clients call
(`/Statuses`, the consignment itself) or the mock's proposals (scans), as the contract marks them.
Only credentials, tokens and consignment numbers are substituted, from the namespace document.
"""

from __future__ import annotations

import io
from email.utils import parsedate_to_datetime

import pytest
from PIL import Image
from support import BE, sandbox

TEXT_OR_NULL = (str, type(None))


@pytest.fixture
def sb(client):
    return sandbox(client)


@pytest.fixture
def world(sb) -> dict:
    return sb.carrier("border-express")


def _retrieve_token(client, world, prefix: str = BE, host: dict | None = None) -> dict:
    credentials = world["credentials"]
    body = (
        f"grant_type=client_credentials&client_id={credentials['client_id']}"
        f"&client_secret={credentials['client_secret']}"
    )
    response = client.post(
        f"{prefix}/token", data=body, headers={"Content-Type": "application/x-www-form-urlencoded", **(host or {})}
    )
    assert response.status_code == 200, response.data
    return response.get_json()


@pytest.fixture
def headers(client, world) -> dict:
    """ "Using Your Token": the two headers the page says to add to every request."""
    return {
        "Content-Type": "application/json",
        "Authorization": f"bearer {_retrieve_token(client, world)['access_token']}",
    }


def _types(body: dict, expected: dict) -> None:
    for name, kind in expected.items():
        assert name in body, name
        assert isinstance(body[name], kind) and not isinstance(body[name], bool), (name, body[name])


@pytest.mark.parametrize("prefix, host", [(BE, None), ("", {"Host": "api.borderexpress.com.au"})])
def test_retrieving_your_token(client, world, prefix, host):
    """POST /token, form-encoded client credentials; "If successful a result will be returned in JSON"."""
    token = _retrieve_token(client, world, prefix, host)
    _types(
        token,
        {
            "access_token": str,
            "token_type": str,
            "expires_in": int,
            "scope": str,
            "userName": str,
            ".issued": str,
            ".expires": str,
        },
    )
    assert token["token_type"] == "bearer" and token["expires_in"] == 3599
    issued, expires = parsedate_to_datetime(token[".issued"]), parsedate_to_datetime(token[".expires"])
    assert token[".issued"].endswith(" GMT") and (expires - issued).total_seconds() == 3600  # "valid for an hour"


def test_using_your_token(client, headers, world):
    response = client.get(f"{BE}/api/v1/consignments/{world['references']['delivered']}", headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("how", ["revoke", "expire"])
def test_renewing_your_token(client, sb, world, headers, how):
    """ "If a token has been revoked by Border Express you will receive a 401 status code" (and
    "Tokens must be renewed once expired"); a new token works again."""
    path = f"{BE}/api/v1/consignments/{world['references']['delivered']}"
    assert client.get(path, headers=headers).status_code == 200
    if how == "revoke":
        sb.tokens.revoke("border-express")
    else:
        sb.clock.advance("1h")
    assert client.get(path, headers=headers).status_code == 401
    renewed = {**headers, "Authorization": f"bearer {_retrieve_token(client, world)['access_token']}"}
    assert client.get(path, headers=renewed).status_code == 200


def test_retrieve_pods_actual_images(client, headers, world):
    response = client.get(f"{BE}/api/v1/consignments/{world['references']['delivered']}/pods/jpg", headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).format == "JPEG"


def test_retrieve_pods_base64_string(client, headers, world):
    response = client.get(
        f"{BE}/api/v1/consignments/{world['references']['delivered']}/pods/jpg?base64=true", headers=headers
    )
    assert response.status_code == 200
    _types(response.get_json(), {"Base64": str})


def test_retrieve_pods_metadata(client, headers, world):
    """ "a list of POD details attached to a consignment", each with the Id used below."""
    response = client.get(f"{BE}/api/connotes/{world['references']['delivered']}/pods/Metadata", headers=headers)
    assert response.status_code == 200
    pods = response.get_json()
    assert isinstance(pods, list) and pods
    for pod in pods:
        _types(pod, {"Id": int, "DateSigned": str})


def test_retrieve_pods_one_by_its_id(client, headers, world):
    number = world["references"]["delivered"]
    [pod] = client.get(f"{BE}/api/connotes/{number}/pods/Metadata", headers=headers).get_json()
    response = client.get(f"{BE}/api/v1/consignments/{number}/pods/{pod['Id']}/png", headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_consignment_status_updates_history(client, headers, world):
    """ "the history of status updates for a consignment (Despatched, In Transit, On Board and Delivered)"."""
    response = client.get(f"{BE}/api/v1/consignments/{world['references']['delivered']}/Statuses", headers=headers)
    assert response.status_code == 200
    statuses = response.get_json()["Statuses"]
    for status in statuses:
        _types(status, {"Status": str, "DateOccurred": str, "Suburb": str, "State": str, "Postcode": str})
    assert {"Despatched", "In Transit", "On Board", "Delivered"} <= {s["Status"] for s in statuses}


def test_consignment_status_updates_current(client, headers, world):
    response = client.get(f"{BE}/api/v1/consignments/{world['references']['in_transit']}", headers=headers)
    assert response.status_code == 200
    _types(response.get_json(), {"Status": str, "ETADate": TEXT_OR_NULL})
    assert response.get_json()["Status"] == "In Transit"


def test_item_scanning_for_a_consignment(client, headers, world):
    response = client.get(f"{BE}/api/v1/consignments/{world['references']['delivered']}/scans", headers=headers)
    assert response.status_code == 200
    for scan in response.get_json()["Scans"]:
        _types(scan, {"Barcode": str, "ScanType": str, "DateOccurred": str})


def test_item_scanning_for_a_barcode(client, headers, world):
    number = world["references"]["delivered"]
    barcode = client.get(f"{BE}/api/v1/consignments/{number}/scans", headers=headers).get_json()["Scans"][0]["Barcode"]
    response = client.get(f"{BE}/api/v1/barcodes/{barcode}/scans", headers=headers)
    assert response.status_code == 200 and {s["Barcode"] for s in response.get_json()["Scans"]} == {barcode}


def test_item_scanning_scan_types(client, headers):
    response = client.get(f"{BE}/api/v1/scantypes", headers=headers)
    assert response.status_code == 200
    for scan_type in response.get_json()["ScanTypes"]:
        _types(scan_type, {"Code": str, "Description": str})
