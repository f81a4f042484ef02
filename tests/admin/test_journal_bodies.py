"""The journal keeps a prefix of each body (64 KiB unless `journal_body_limit` says otherwise) and
says how many bytes it cut; strict mode and the contract checks still see the whole body."""

import json
import os

import pytest
from click.testing import CliRunner
from launching import MOCK_CARRIERS
from support import B360, B360_AUTH, P2G, bearer, p2g_token

from mock_carriers.cli import main
from mock_carriers.settings import Settings

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}] * 20,
}


def last_entry(client, namespace="default") -> dict:
    return client.get(f"/__admin/namespaces/{namespace}/journal?limit=1").get_json()["entries"][0]


def test_a_large_body_is_kept_as_its_first_64_kib_and_says_what_was_cut(client):
    body = b"x" * (1024 * 1024)
    client.post(f"{B360}/products/", data=body, content_type="text/plain", headers=B360_AUTH)
    request = last_entry(client)["request"]
    assert request["body"] == "x" * 65536 and request["body_truncated"] == len(body) - 65536


def test_the_limit_is_a_setting_and_applies_to_responses_too(make_app):
    client = make_app(journal_body_limit=100).test_client()
    token = p2g_token(client)
    response = client.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(token))
    entry = last_entry(client)
    sent = len(json.dumps(QUOTE).encode())
    assert len(entry["request"]["body"]) == 100 and entry["request"]["body_truncated"] == sent - 100
    assert len(entry["response"]["body"]) == 100
    assert entry["response"]["body_truncated"] == len(response.data) - 100


def test_a_body_within_the_limit_is_kept_whole_and_not_marked(make_app):
    client = make_app(journal_body_limit=100).test_client()
    client.post(f"{B360}/products/", data=b"y" * 100, content_type="text/plain", headers=B360_AUTH)
    request = last_entry(client)["request"]
    assert request["body"] == "y" * 100 and "body_truncated" not in request


def test_a_cut_through_a_character_drops_the_broken_character(make_app):
    client = make_app(journal_body_limit=5).test_client()
    client.post(f"{B360}/products/", data="ééé".encode(), content_type="text/plain; charset=utf-8", headers=B360_AUTH)
    request = last_entry(client)["request"]
    assert request["body"] == "éé" and request["body_truncated"] == 2


def test_a_cut_binary_body_is_base64_of_its_prefix(make_app):
    import base64

    client = make_app(journal_body_limit=4).test_client()
    client.post(f"{B360}/products/", data=bytes(range(256)), content_type="application/octet-stream", headers=B360_AUTH)
    request = last_entry(client)["request"]
    assert base64.b64decode(request["body_base64"]) == bytes(range(4)) and request["body_truncated"] == 252


def test_strict_mode_checks_the_whole_body_not_what_the_journal_keeps(make_app):
    client = make_app(journal_body_limit=10, strict=True).test_client()
    token = p2g_token(client)
    assert client.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(token)).status_code == 200
    assert client.get("/__admin/namespaces/default/violations").get_json()["violations"] == []
    assert last_entry(client)["contract_violations"] == []


def test_contracts_validate_skips_a_cut_body_instead_of_reporting_it(make_app, tmp_path, live_server):
    url = live_server(journal_body_limit=10)
    import requests

    token = requests.post(
        f"{url}/parcel2go/auth/connect/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"},
    )
    requests.post(
        f"{url}/parcel2go/api/quotes",
        json=QUOTE,
        timeout=5,
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    saved = CliRunner().invoke(main, ["journal", "--json", "--url", url])
    assert saved.exit_code == 0
    (tmp_path / "journal.json").write_text(saved.output)
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "journal.json")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "2 exchanges with carriers checked, 0 broke a contract"
    assert "4 bodies cut in the journal were not checked" in result.output


def test_the_setting_comes_from_the_environment():
    assert Settings.from_env({"MOCK_CARRIERS_JOURNAL_BODY_LIMIT": "1024"}).journal_body_limit == 1024
    assert Settings().journal_body_limit == 64 * 1024
    for bad in ("-1", "lots"):
        with pytest.raises(ValueError, match="MOCK_CARRIERS_JOURNAL_BODY_LIMIT"):
            Settings.from_env({"MOCK_CARRIERS_JOURNAL_BODY_LIMIT": bad})


def test_serve_takes_the_option():
    import subprocess

    import requests

    process = subprocess.Popen(
        [*MOCK_CARRIERS, "serve", "--port", "0", "--journal-body-limit", "3"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MOCK_CARRIERS_JOURNAL_BODY_LIMIT": "999"},
    )
    try:
        url = process.stdout.readline().split()[-1]
        requests.post(
            f"{url}/borderless360/api/v1/public_api/products/",
            data="abcdef",
            timeout=30,
            headers={"Content-Type": "text/plain", **B360_AUTH},
        )
        entry = requests.get(f"{url}/__admin/namespaces/default/journal?limit=1", timeout=30).json()["entries"][0]
        assert entry["request"]["body"] == "abc" and entry["request"]["body_truncated"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)
