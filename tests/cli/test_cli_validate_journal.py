"""`contracts validate` takes what `journal --json` prints, and does not hold a response broken on
purpose (an injected fault) against the contract, as the server does not; it says how many."""

from __future__ import annotations

import json

import requests
from click.testing import CliRunner

from mock_carriers.cli import main

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _quote(url: str, **request) -> None:
    token = requests.post(
        f"{url}/parcel2go/auth/connect/token",
        timeout=5,
        data={
            "grant_type": "client_credentials",
            "client_id": "mock-p2g-client",
            "client_secret": "mock-p2g-secret",
            "scope": "public-api",
        },
    ).json()["access_token"]
    requests.post(
        f"{url}/parcel2go/api/quotes", timeout=5, headers={"Authorization": f"Bearer {token}"}, json=QUOTE, **request
    )


def test_journal_json_is_validated_and_faulted_responses_are_skipped(live_server, tmp_path):
    url = live_server()
    _quote(url)
    run("fault", "add", "malformed", "--carrier", "parcel2go", "--operation", "getQuotes", "--times", "1", "--url", url)
    run(
        "fault",
        "add",
        "status",
        "--carrier",
        "parcel2go",
        "--operation",
        "getQuotes",
        "-p",
        "status=502",
        "--times",
        "1",
        "--url",
        url,
    )
    _quote(url)
    _quote(url)
    saved = tmp_path / "journal.json"
    saved.write_text(run("journal", "--json", "--url", url).output)
    entries = json.loads(saved.read_text())
    assert isinstance(entries, list) and sum(bool(entry["faults"]) for entry in entries) == 2

    result = run("contracts", "validate", str(saved))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "2 responses carried an injected fault and were not checked (breaking the contract is their point)",
        f"{len(entries)} exchanges with carriers checked, 0 broke a contract",
    ]


def test_a_faulted_exchanges_request_is_still_checked(live_server, tmp_path):
    url = live_server()
    run("fault", "add", "malformed", "--carrier", "parcel2go", "--operation", "getQuotes", "--url", url)
    _quote(url)
    entries = json.loads(run("journal", "--json", "--url", url).output)
    quote = next(entry for entry in entries if entry["operation"] == "getQuotes")
    quote["request"]["body"] = json.dumps({**QUOTE, "Parcels": "x"})
    (tmp_path / "journal.json").write_text(json.dumps(entries))
    result = run("contracts", "validate", str(tmp_path / "journal.json"))
    assert result.exit_code == 1 and "request body $.Parcels" in result.output
    assert "response body" not in result.output
