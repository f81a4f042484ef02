"""A real browser (headless Chromium through selenium) on a page of another origin gets a Parcel2Go
token, a quote, a readable 401 and a readable 429 with `fetch` from `https://www.parcel2go.com`
itself, as the carrier's own browser demo does: the mock is the browser's proxy, and its CA is the
one the browser trusts. Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them); without
them the test fails, naming them."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from support import PageServer, chromium_driver

WAIT_SECONDS = 60  # a page that never answers fails after this (a loaded CI machine starts Chromium slowly)
POLL = 0.05  # seconds between two looks at the page while waiting (selenium's own is half a second)
QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>mock-carriers CORS check</title></head>
<body><pre id="result"></pre>
<script>
const config = %(config)s;
async function run() {
  const form = new URLSearchParams({grant_type: "client_credentials", client_id: config.client_id,
                                    client_secret: config.client_secret, scope: config.scope});
  const issued = await fetch(config.base + "/auth/connect/token", {method: "POST", body: form});
  const token = (await issued.json()).access_token;
  const ask = (bearer) => fetch(config.base + "/api/quotes", {method: "POST", body: JSON.stringify(config.quote),
      headers: {"Authorization": "Bearer " + bearer, "Content-Type": "application/json"}});
  const quoted = await ask(token);
  const quotes = (await quoted.json()).Quotes;
  const refused = await ask("not-a-token");
  const throttled = await fetch(config.base + "/api/countries", {headers: {"Authorization": "Bearer " + token}});
  return {token_status: issued.status, quote_status: quoted.status, quotes: quotes.length,
          service: quotes[0].Service.Name, refused_status: refused.status,
          challenge: refused.headers.get("WWW-Authenticate"), throttled_status: throttled.status,
          retry_after: throttled.headers.get("Retry-After")};
}
run().catch((error) => ({error: String(error)}))
     .then((result) => { document.getElementById("result").textContent = JSON.stringify(result); });
</script></body></html>
"""


@dataclass
class MockSite:
    """Parcel2Go as the browser reaches it (`base_url`), and the mock as the test itself does (`admin_url`)."""

    base_url: str
    admin_url: str
    chromium_flags: list[str] = field(default_factory=list)  # what reaching base_url needs (a CA to trust ...)


@pytest.fixture
def mock_site(start_server, tmp_path) -> MockSite:
    """Parcel2Go's real host over HTTPS, through the mock as the browser's proxy, the mock's CA
    trusted by its key; the page is on 127.0.0.1 (which Chromium never proxies), another origin."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    server = start_server(ca_dir=tmp_path / "ca")
    ca = x509.load_pem_x509_certificate(Path(server.ca_cert_path).read_bytes())
    spki = ca.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    flags = [
        f"--proxy-server=http://127.0.0.1:{server.port}",
        f"--ignore-certificate-errors-spki-list={base64.b64encode(hashlib.sha256(spki).digest()).decode()}",
    ]
    return MockSite("https://www.parcel2go.com", server.url, flags)


@pytest.fixture
def serve_page():
    """A static page server on 127.0.0.1 (another origin than the mock's); answers the page's URL."""
    servers = []

    def serve(page: bytes) -> str:
        servers.append(PageServer(page))
        return servers[-1].url

    yield serve
    for server in servers:
        server.close()


@pytest.fixture
def chromium():
    """A function that opens a URL in headless Chromium and answers the page's #result, parsed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drivers = []

    def open_page(url: str, flags: list[str]) -> dict:
        driver = chromium_driver(*flags)
        drivers.append(driver)
        driver.get(url)
        text = WebDriverWait(driver, WAIT_SECONDS, poll_frequency=POLL).until(
            lambda d: d.find_element(By.ID, "result").text
        )
        return json.loads(text)

    yield open_page
    for driver in drivers:
        driver.quit()


def test_a_page_of_another_origin_reads_parcel2go_answers(mock_site, serve_page, chromium):
    admin = f"{mock_site.admin_url}/__admin/namespaces/default"
    credentials = requests.get(admin, timeout=10).json()["carriers"]["parcel2go"]["credentials"]
    rule = {"carrier": "parcel2go", "operation": "getCountries", "effect": "rate_limit", "retry_after": 30}
    assert requests.post(f"{admin}/faults", json=rule, timeout=10).status_code == 201
    config = {**credentials, "base": mock_site.base_url, "quote": QUOTE}
    page = serve_page((PAGE % {"config": json.dumps(config)}).encode())

    result = chromium(page, mock_site.chromium_flags)

    assert "error" not in result, result
    assert (result["token_status"], result["quote_status"]) == (200, 200)
    assert result["quotes"] > 0 and result["service"]
    assert result["refused_status"] == 401 and result["challenge"].startswith("Bearer")  # readable, headers too
    assert (result["throttled_status"], result["retry_after"]) == (429, "30")
    journal = requests.get(f"{admin}/journal?carrier=parcel2go", timeout=10).json()["entries"]
    preflights = [entry for entry in journal if entry["request"]["method"] == "OPTIONS"]
    assert preflights and all(entry["response"]["status"] == 200 for entry in preflights)
