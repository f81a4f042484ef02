"""`mock-carriers contracts validate FILE` (recorded traffic, or a contract of one's own) and
`serve --contracts DIR`: a broken contract stops start-up, naming the file and the problem."""

import copy
import json

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from support import P2G, bearer, p2g_token

from mock_carriers import traffic
from mock_carriers.cli import main
from mock_carriers.core.contracts import ContractError
from mock_carriers.core.fixtures import load_frozen
from mock_carriers.resources import data_dir

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}


def har_entry(url: str, body: dict, status: int, answer: bytes, method: str = "POST") -> dict:
    return {
        "request": {
            "method": method,
            "url": url,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "queryString": [],
            "postData": {"mimeType": "application/json", "text": json.dumps(body)},
        },
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": answer.decode()},
        },
    }


def test_a_har_file_is_checked_exchange_by_exchange(client, tmp_path):
    answer = client.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(p2g_token(client))).data
    spoiled = json.dumps({**json.loads(answer), "Quotes": "none"}).encode()
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                har_entry("https://www.parcel2go.com/api/quotes", QUOTE, 200, answer),
                har_entry("https://www.parcel2go.com/api/quotes", {**QUOTE, "Parcels": "x"}, 200, spoiled),
                har_entry("https://example.org/unrelated", {}, 200, b"{}"),
                har_entry("http://127.0.0.1:8080/ns/t1/parcel2go/api/nowhere", {}, 404, b"{}", "GET"),
            ],
        }
    }
    (tmp_path / "run.har").write_text(json.dumps(har))
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "run.har")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "#2 POST https://www.parcel2go.com/api/quotes -> 200"
    assert lines[1] == ("    request body $.Parcels: 'x' is not of type 'array' [rule: type; parcel2go:getQuotes]")
    assert lines[2].startswith("    response body $.Quotes: 'none' is not of type 'array'")
    assert lines[3] == "#4 GET http://127.0.0.1:8080/ns/t1/parcel2go/api/nowhere -> 404"
    assert lines[-1] == "3 exchanges with carriers checked, 2 broke a contract"


def test_a_saved_journal_is_checked(client, tmp_path):
    client.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(p2g_token(client)))
    (tmp_path / "journal.json").write_bytes(client.get("/__admin/namespaces/default/journal").data)
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "journal.json")])
    assert (result.exit_code, result.output) == (0, "2 exchanges with carriers checked, 0 broke a contract\n")


def test_a_browsers_preflight_and_drfs_options_in_a_journal_are_no_violations(client, tmp_path):
    """Neither is an operation of a contract, and the real API answers both."""
    client.options(
        f"{P2G}/api/quotes", headers={"Origin": "http://shop.example", "Access-Control-Request-Method": "POST"}
    )
    client.options("/borderless360/api/v1/public_api/orders/", headers={"Authorization": "Token mock-b360-token"})
    (tmp_path / "journal.json").write_bytes(client.get("/__admin/namespaces/default/journal").data)
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "journal.json")])
    assert (result.exit_code, result.output) == (0, "2 exchanges with carriers checked, 0 broke a contract\n")


def test_a_document_that_is_neither_is_refused(tmp_path):
    (tmp_path / "list.json").write_text("[1, 2]")
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "list.json")])
    assert result.exit_code == 1 and "entry 1 is not a recorded exchange" in result.output
    (tmp_path / "text.json").write_text('"text"')
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "text.json")])
    assert result.exit_code == 1 and "not an OpenAPI 3.1 document" in result.output
    (tmp_path / "other.json").write_text('{"something": "else"}')
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "other.json")])
    assert result.exit_code == 1 and "not a HAR file" in result.output
    (tmp_path / "broken.har").write_text('{"log": {"entries": [1]}}')
    result = CliRunner().invoke(main, ["contracts", "validate", str(tmp_path / "broken.har")])
    assert result.exit_code == 1 and "entry 1 is not a recorded exchange" in result.output


def shipped(name: str) -> dict:
    """A shipped contract, as a copy of its own to spoil."""
    return copy.deepcopy(load_frozen(data_dir("contracts") / f"{name}.openapi.yaml"))


@pytest.mark.parametrize(
    "spoil, problem",
    [
        (lambda doc: doc["paths"]["/api/quotes"]["post"].pop("operationId"), "paths./api/quotes.post: no operationId"),
        (
            lambda doc: doc["components"]["schemas"].pop("QuoteRequest"),
            "$ref #/components/schemas/QuoteRequest leads nowhere",
        ),
        (lambda doc: doc.update(openapi="3.0.3"), "not an OpenAPI 3.1 document"),
        (
            lambda doc: doc["components"]["schemas"]["Decimal"].update(type="decimal"),
            "components.schemas.Decimal: not a JSON Schema",
        ),
    ],
)
def test_a_broken_contract_is_named_with_its_problem(tmp_path, spoil, problem):
    document = shipped("parcel2go")
    spoil(document)
    path = tmp_path / "parcel2go.openapi.yaml"
    path.write_text(yaml.safe_dump(document))
    result = CliRunner().invoke(main, ["contracts", "validate", str(path)])
    assert result.exit_code == 1 and str(path) in result.output and problem in result.output


def test_a_usable_contract_is_reported_so():
    path = data_dir("contracts") / "bex.openapi.yaml"
    result = CliRunner().invoke(main, ["contracts", "validate", str(path)])
    assert result.exit_code == 0 and result.output.endswith("a usable contract (39 operations)\n")


def test_serve_stops_on_a_contract_that_is_not_yaml(tmp_path):
    (tmp_path / "bex.openapi.yaml").write_text("openapi: 3.1.0\npaths: [unclosed\n")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--contracts", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bex.openapi.yaml'}:3: not valid YAML" in result.output


def test_an_unreadable_contract_is_named(make_app, tmp_path):
    (tmp_path / "bex.openapi.yaml").mkdir()
    with pytest.raises(ContractError, match="bex.openapi.yaml: cannot be read"):
        make_app(contracts_dir=tmp_path)


def test_a_contract_of_ones_own_replaces_the_shipped_one(make_app, tmp_path):
    document = shipped("parcel2go")
    document["components"]["schemas"]["QuoteRequest"]["properties"]["Parcels"]["maxItems"] = 1
    (tmp_path / "parcel2go.openapi.yaml").write_text(yaml.safe_dump(document))
    client = make_app(strict=True, contracts_dir=tmp_path).test_client()
    token = p2g_token(client)
    response = client.post(f"{P2G}/api/quotes", json={**QUOTE, "Parcels": QUOTE["Parcels"] * 2}, headers=bearer(token))
    assert response.status_code == 400
    assert list(response.get_json()["ModelState"]) == ["request.Parcels"]


def test_a_strict_server_loads_every_contract_before_it_serves(make_app, tmp_path, monkeypatch):
    for path in data_dir("contracts").glob("*.openapi.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "parcellab.openapi.yaml").write_text("openapi: 3.1.0\npaths:\n  /x:\n    get: {}\n")
    monkeypatch.setattr("mock_carriers.state.data_dir", lambda kind: tmp_path)
    make_app()  # a lenient server reads contracts when a strict namespace first needs them
    with pytest.raises(ContractError, match=r"parcellab.openapi.yaml: not a usable contract \(KeyError"):
        make_app(strict=True)


LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(
        ["GET", "POST", "https://www.parcel2go.com/api/quotes", "/bex/api/service/login", "application/json"]
    )
)
DOCUMENT = st.recursive(
    LEAF,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "log",
                    "entries",
                    "request",
                    "response",
                    "method",
                    "url",
                    "path",
                    "query",
                    "headers",
                    "status",
                    "body",
                    "body_base64",
                    "postData",
                    "text",
                    "content",
                    "encoding",
                    "name",
                    "value",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(document=DOCUMENT)
def test_any_recording_is_checked_or_refused_by_name(document):
    """Whatever a recording holds, its check answers findings or a ValueError naming the problem."""
    try:
        list(traffic.check(traffic.exchanges(document)))
    except ValueError as error:
        assert str(error)
