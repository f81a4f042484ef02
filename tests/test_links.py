"""Every absolute URL the mock writes follows the client: the scheme, host and port it used (TLS on
a carrier's real host, plain HTTP with a prefix, or what a trusted reverse proxy says it used),
under the prefix it used; and every such link leads somewhere the mock answers."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from bodies import p2g_order_with

from mock_carriers.carriers import CARRIERS

REAL_HOSTS = {
    "border-express": "api.borderexpress.com.au",
    "bex": "api.bex.co.za",
    "parcel2go": "www.parcel2go.com",
    "borderless360": "api.borderless360.com",
    "parcellab": "api.parcellab.com",
}
PROXY_HOST = "mock.example.test"
MOCK_HOSTS = {*CARRIERS.hosts, "127.0.0.1", "localhost", PROXY_HOST}  # a link to any of these must be in form
LOOPBACK_HTTP = "http://127.0.0.1:8080"
UNTRUSTED = "10.0.0.5"
ORDER = p2g_order_with(Upsells=[])
SPOOF = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "spoofed.example",
    "X-Forwarded-Port": "444",
    "Forwarded": "proto=https;host=spoofed.example",
}


@dataclass(frozen=True)
class Form:
    """How a client reaches the mock (`{host}`: the carrier's real host, `{carrier}`: its name),
    and the root its links must have."""

    base_url: str
    prefixed: bool
    expected: str
    headers: dict = field(default_factory=dict)
    peer: str = "127.0.0.1"
    settings: dict = field(default_factory=dict)


FORMS = {
    "tls": Form("https://{host}", False, "https://{host}"),
    "tls-explicit-443": Form("https://{host}:443", False, "https://{host}"),
    "plain-prefix": Form(LOOPBACK_HTTP, True, LOOPBACK_HTTP + "/ns/t42/{carrier}"),
    "tls-prefix-other-port": Form("https://localhost:8443", True, "https://localhost:8443/ns/t42/{carrier}"),
    "x-forwarded-from-loopback": Form(
        LOOPBACK_HTTP, False, "https://{host}", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "{host}"}
    ),
    "x-forwarded-port": Form(
        LOOPBACK_HTTP,
        False,
        "https://{host}:8443",
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "{host}", "X-Forwarded-Port": "8443"},
    ),
    "forwarded-rfc7239": Form(
        LOOPBACK_HTTP, False, "https://{host}", {"Forwarded": 'for="[2001:db8::1]:4711";proto=https;host={host}'}
    ),
    "proxy-keeps-prefix": Form(
        LOOPBACK_HTTP,
        True,
        f"https://{PROXY_HOST}/ns/t42/{{carrier}}",
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": PROXY_HOST},
    ),
    "untrusted-peer-ignored": Form(LOOPBACK_HTTP, True, LOOPBACK_HTTP + "/ns/t42/{carrier}", SPOOF, peer=UNTRUSTED),
    "widened-trust-honoured": Form(
        LOOPBACK_HTTP,
        False,
        "https://{host}",
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "{host}"},
        peer=UNTRUSTED,
        settings={"trust_forwarded": ("127.0.0.0/8", "10.0.0.0/8")},
    ),
    "trust-everyone": Form(
        LOOPBACK_HTTP,
        False,
        "https://{host}",
        {"Forwarded": "proto=https;host={host}"},
        peer="203.0.113.9",
        settings={"trust_forwarded": "*"},
    ),
    "trust-nobody": Form(
        LOOPBACK_HTTP, True, LOOPBACK_HTTP + "/ns/t42/{carrier}", SPOOF, settings={"trust_forwarded": ("none",)}
    ),
}


class Visit:
    """A client in one form: it sends every request that way, checks every absolute URL in every
    answer (JSON bodies and Location) and follows the links it is told to."""

    def __init__(self, app, form: Form, carrier: str) -> None:
        host = REAL_HOSTS[carrier]
        self.http, self.form = app.test_client(), form
        self.base_url = form.base_url.format(host=host)
        self.headers = {name: value.format(host=host) for name, value in form.headers.items()}
        self.prefix = f"/ns/t42/{carrier}" if form.prefixed else ""
        self.root = form.expected.format(host=host, carrier=carrier)
        self.links: set[str] = set()

    def call(self, method: str, path: str, *, headers: dict | None = None, **kwargs):
        """`path` (with its query) on the carrier, as the carrier's real API has it."""
        response = self.http.open(
            self.prefix + path,
            method=method,
            base_url=self.base_url,
            headers={**self.headers, **(headers or {})},
            environ_base={"REMOTE_ADDR": self.form.peer},
            **kwargs,
        )
        assert response.status_code < 500, response.data
        found = _urls(response.get_json(silent=True)) if response.is_json else []
        if "Location" in response.headers:
            found.append(urljoin(f"{self.root}{path}", response.headers["Location"]))
        for url in found:
            if urlsplit(url).hostname in MOCK_HOSTS:
                assert url.startswith(self.root + "/"), f"{url} is not under {self.root}/"
                self.links.add(url)
        return response

    def follow(self, url: str, method: str = "GET", **kwargs):
        assert url.startswith(self.root + "/"), f"{url} is not under {self.root}/"
        response = self.call(method, url[len(self.root) :], **kwargs)
        assert response.status_code == 200, (url, response.data)
        return response


def _urls(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        value = list(value.values())
    return [url for item in value for url in _urls(item)] if isinstance(value, list) else []


# --- a typical flow per carrier ---------------------------------------------------------------------


def border_express(visit: Visit) -> None:
    token = visit.call(
        "POST",
        "/token",
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    ).get_json()["access_token"]
    for path in ("", "/Statuses", "/pods/Metadata", "/scans"):
        response = visit.call(
            "GET", f"/api/v1/consignments/BE10000001{path}", headers={"Authorization": f"bearer {token}"}
        )
        assert response.status_code == 200


def bex(visit: Visit) -> None:
    login = visit.call(
        "POST", "/api/service/login", json={"username": "mock-bex-user", "password": "mock-bex-password"}
    )
    assert login.get_json()["value"]
    tracking = visit.call("GET", "/api/service/waybillquicktrackingv3customtreeview?searchItems=BEX1000001")
    assert len(tracking.get_json()["items"]) > 1


def parcel2go(visit: Visit) -> None:
    discovery = visit.call("GET", "/auth/.well-known/openid-configuration").get_json()
    assert discovery["issuer"] == f"{visit.root}/auth"
    visit.follow(discovery["jwks_uri"])
    token = visit.follow(
        discovery["token_endpoint"],
        "POST",
        data={
            "grant_type": "client_credentials",
            "client_id": "mock-p2g-client",
            "client_secret": "mock-p2g-secret",
            "scope": "public-api payment my-profile",
        },
    ).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    services = visit.call("GET", "/api/services", headers=auth).get_json()
    for link in services[0]["Links"].values():
        visit.follow(link)
    order = visit.call("POST", "/api/orders", json=ORDER, headers=auth).get_json()
    assert set(order["Links"]) == {"PayWithPrePay", "payment", "help"}
    for name in ("payment", "help"):
        visit.follow(order["Links"][name])
    paid = visit.follow(order["Links"]["PayWithPrePay"], "POST", headers=auth).get_json()
    for link in paid["Links"]:
        visit.follow(link["Link"], headers=auth if link["Name"] == "Labels" else {})
    found = visit.call("GET", f"/api/orders?orderId={order['OrderId']}&hash={order['Hash']}", headers=auth).get_json()
    pages = [parcel["Links"]["tracking-page"] for item in found["Items"] for parcel in item["Parcels"]]
    assert pages
    for page in pages:
        visit.follow(page)


def borderless360(visit: Visit) -> None:
    auth = {"Authorization": "Token mock-b360-token"}
    api = "/api/v1/public_api"
    moved = visit.call("GET", f"{api}/orders?limit=1", headers=auth)
    assert moved.status_code == 301
    page = visit.follow(urljoin(f"{visit.root}{api}/orders", moved.headers["Location"]), headers=auth).get_json()
    pages = 1
    while page["next"] is not None:
        assert page["next"].startswith(f"{visit.root}{api}/orders/?")
        page, pages = visit.follow(page["next"], headers=auth).get_json(), pages + 1
    assert pages > 2 and page["previous"] is not None
    visit.follow(page["previous"], headers=auth)
    returned = visit.call(
        "POST",
        f"{api}/order/return/",
        headers=auth,
        json={
            "order_id": 383487,
            "email": "user@example.com",
            "customer_reference": "ARM2393",
            "order_items": [{"sku": "WAG4628", "quantity": 1}],
            "source": "API",
        },
    ).get_json()
    label = visit.follow(returned["fulfillments"][0]["shipping_label"])
    assert label.data.startswith(b"%PDF")


def parcellab(visit: Visit) -> None:
    auth = {"Authorization": "Parcellab-API-Token " + base64.b64encode(b"1612197:mock-pl-token").decode()}
    query = "?order_number=ORD-1001&account=1612197"
    assert visit.call("GET", f"/v4/track/orders/info/{query}", headers=auth).status_code == 200
    assert visit.call("GET", f"/v4/track/orders/info-widget/{query}", headers=auth).mimetype == "image/png"


FLOWS = {
    "border-express": border_express,
    "bex": bex,
    "parcel2go": parcel2go,
    "borderless360": borderless360,
    "parcellab": parcellab,
}
WRITES_LINKS = {"parcel2go", "borderless360"}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("carrier", list(FLOWS))
def test_every_link_follows_the_client(make_app, carrier, form):
    visit = Visit(make_app(**FORMS[form].settings), FORMS[form], carrier)
    FLOWS[carrier](visit)
    assert bool(visit.links) == (carrier in WRITES_LINKS)
