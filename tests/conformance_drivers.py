"""Reference drivers for the conformance kit's tests: one small client per carrier that does every
task the right way, and `Naive` knobs that each break one behaviour, the way real clients do (retry
at once, ignore Retry-After, loop on 401, take BEX's `ex` for success, pay again after a reset,
trust any webhook, ...). `driver(**knobs)` is a Python callable driver (docs/conformance.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from mock_carriers.kit import Run, TaskFailed

BACKOFF = 0.15  # seconds before the first retry of a 5xx (doubling)


@dataclass(frozen=True)
class Naive:
    """Each knob, when set, breaks one behaviour of the reference driver."""

    instant_retry: bool = False  # retries a 5xx at once
    retry_forever: bool = False  # retries a 5xx twenty times
    seconds_only: bool = False  # reads Retry-After only as seconds
    dates_only: bool = False  # reads Retry-After only as an HTTP date
    max_wait: float | None = None  # never waits longer than this, whatever Retry-After says
    no_refresh: bool = False  # a 401 is the end
    loop_on_401: bool = False  # a 401 always means a new token, without limit
    ignore_ex: bool = False  # BEX: an `ex` in a 200 is success (but for "anonymous access")
    blind_commit: bool = False  # a lost payment or waybill answer: do it again
    no_timeout: bool = False  # waits for every answer as long as it takes
    crash_on_bad_json: bool = False  # a body that is not JSON raises (unhandled)
    lower_case_fields: bool = False  # Parcel2Go: `parcels` for `Parcels` (the carrier binds it anyway)
    reread_first_page: bool = False  # a sync reads the first page twice
    short_list_on_401: bool = False  # a sync takes a 401 after the first page as the end of the list
    trust_all: bool = False  # accepts any webhook
    no_stale_check: bool = False  # accepts old Parcel2Go timestamps
    no_dedupe: bool = False  # processes a repeated delivery again
    reject_older: bool = False  # refuses an event older than one already seen for its shipment


class BadBody(Exception):
    pass


class Lost(TaskFailed):
    """The connection broke or timed out: the call may or may not have been carried out."""


class Client:
    """What every carrier's client shares: retries, Retry-After, timeouts, a token renewed once."""

    def __init__(self, run: Run, naive: Naive) -> None:
        self.run, self.naive = run, naive
        self.base = run.base_url
        self.credentials = run.credentials
        self.http = requests.Session()
        self.http.trust_env = False
        if run.proxy_env:  # the kit's --proxy: the carrier's real host, through the mock
            self.http.proxies = {"https": run.proxy_env["HTTPS_PROXY"]}
            self.http.verify = run.proxy_env["REQUESTS_CA_BUNDLE"]
        self.token: str | None = None
        self.losses = 0  # connections lost (or timed out) before an answer

    # --- to override per carrier -----------------------------------------------------------

    def new_token(self) -> str | None:
        return None

    def auth(self) -> dict:
        return {}

    def refused_auth(self, response: requests.Response) -> bool:
        return response.status_code == 401

    renewable = False

    # --- shared --------------------------------------------------------------------------------

    def wait_for(self, response: requests.Response, attempt: int) -> float:
        value = response.headers.get("Retry-After", "").strip()
        wait = None
        if value.isdigit() and not self.naive.dates_only:
            wait = float(value)
        elif value and not value.isdigit() and not self.naive.seconds_only:
            try:
                wait = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                wait = None
        if wait is None:
            wait = BACKOFF * 2 ** (attempt - 1)
        if self.naive.max_wait is not None:
            wait = min(wait, self.naive.max_wait)
        return max(wait, 0.0)

    def pause(self, attempt: int) -> float:
        if self.naive.instant_retry:
            return 0.0
        return BACKOFF if self.naive.retry_forever else BACKOFF * 2 ** (attempt - 1)  # forever: no doubling

    def send(
        self, method: str, path: str, *, authorised: bool = True, retry: bool = True, **kwargs
    ) -> requests.Response:
        """One call with retries on 429, 5xx and lost connections (when `retry`)."""
        limit = 20 if self.naive.retry_forever else 4
        timeout = None if self.naive.no_timeout else self.run.timeouts["request"]
        extra = kwargs.pop("headers", {})
        for attempt in range(1, limit + 1):
            headers = {**extra, **(self.auth() if authorised else {})}
            try:
                response = self.http.request(method, self.base + path, headers=headers, timeout=timeout, **kwargs)
            except requests.RequestException as exc:
                self.losses += 1
                if not retry or attempt == limit:
                    raise Lost(f"{method} {path}: {type(exc).__name__}") from None
                time.sleep(BACKOFF)
                continue
            if response.status_code == 429 and attempt < limit:
                time.sleep(self.wait_for(response, attempt))
                continue
            if response.status_code >= 500 and retry and attempt < limit:
                time.sleep(self.pause(attempt))
                continue
            return response
        return response

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """`send` with the token: a refused one is renewed once (where tokens can be renewed)."""
        if self.renewable and self.token is None:
            self.token = self.new_token()
        response = self.send(method, path, **kwargs)
        renewals = 0
        while self.refused_auth(response) and self.renewable and not self.naive.no_refresh:
            if renewals >= (20 if self.naive.loop_on_401 else 1):
                break
            renewals += 1
            self.token = self.new_token()
            response = self.send(method, path, **kwargs)
        if self.refused_auth(response):
            raise TaskFailed(f"{method} {path}: the credential was refused")
        return response

    def body(self, response: requests.Response, *ok: int):
        if response.status_code not in (ok or (200,)):
            raise TaskFailed(f"{response.request.method} {response.url}: HTTP {response.status_code}")
        if self.naive.crash_on_bad_json:
            return response.json()
        try:
            return response.json()
        except ValueError:
            raise BadBody(f"{response.url}: the answer is not JSON") from None

    def json_call(self, method: str, path: str, *ok: int, **kwargs):
        """A call whose answer must be JSON: a malformed one is asked again once, then a failure."""
        try:
            return self.body(self.call(method, path, **kwargs), *ok)
        except BadBody:
            try:
                return self.body(self.call(method, path, **kwargs), *ok)
            except BadBody as again:
                raise TaskFailed(str(again)) from None


class OAuth(Client):
    """Border Express and Parcel2Go: client credentials, then `Authorization: Bearer`."""

    renewable = True
    token_path = "/token"
    scope: str | None = None

    def new_token(self) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials["client_id"],
            "client_secret": self.credentials["client_secret"],
            **({"scope": self.scope} if self.scope else {}),
        }
        return self.body(self.send("POST", self.token_path, authorised=False, data=form))["access_token"]

    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


class BorderExpress(OAuth):
    def track(self) -> dict:
        number = self.run.references["consignment"]
        return {"statuses": len(self.json_call("GET", f"/api/v1/consignments/{number}/Statuses")["Statuses"])}


class Parcel2Go(OAuth):
    token_path = "/auth/connect/token"
    scope = "public-api payment"

    def track(self) -> dict:
        return {"results": len(self.json_call("GET", f"/api/tracking/{self.run.references['order_line']}")["Results"])}

    def quote(self) -> dict:
        refs = self.run.references
        key = "parcels" if self.naive.lower_case_fields else "Parcels"
        body = {
            "CollectionAddress": {"Country": refs["collection_country"]},
            "DeliveryAddress": {"Country": refs["delivery_country"]},
            key: refs["parcels"],
        }
        quotes = self.json_call("POST", "/api/quotes", json=body)["Quotes"]
        if not quotes:
            raise TaskFailed("no quotes")
        return {"services": [q["Service"]["Slug"] for q in quotes]}

    def book(self) -> dict:
        self.quote()
        order = self.json_call("POST", "/api/orders", json=self.run.references["order"])
        path = f"/api/orders/{order['OrderId']}/paywithprepay"
        for _ in range(3):
            try:
                response = self.call("POST", path, params={"hash": order["Hash"]}, retry=False)
            except Lost:
                response = None  # the answer was lost: the payment may have gone through
            if response is not None and response.status_code == 200:
                return {"order_id": order["OrderId"]}
            if response is not None and response.status_code < 500:
                raise TaskFailed(f"payment refused: HTTP {response.status_code}")
            if not self.naive.blind_commit:
                paid = self.json_call("GET", "/api/orders", params={"orderId": order["OrderId"], "hash": order["Hash"]})
                if paid.get("PaidDate"):
                    return {"order_id": order["OrderId"]}
            time.sleep(BACKOFF)
        raise TaskFailed("the payment did not go through")


class Bex(Client):
    """Login, the raw `token` header, and `ex` under HTTP 200."""

    renewable = True
    NO_ACCESS = "does not allow anonymous access"

    def new_token(self) -> str:
        login = {"username": self.credentials["username"], "password": self.credentials["password"]}
        return self.body(self.send("POST", "/api/service/login", authorised=False, json=login))["value"]

    def auth(self) -> dict:
        return {"token": self.token} if self.token else {}

    def refused_auth(self, response: requests.Response) -> bool:
        try:
            return self.NO_ACCESS in str(response.json().get("ex", ""))
        except (ValueError, AttributeError):
            return False

    def endpoint(self, name: str, body: dict, authorised: bool = True, retry: bool = True) -> dict:
        path = f"/api/service/{name}"
        answer = self.json_call("POST", path, json=body, retry=retry) if authorised else self.anonymous(path, body)
        if "ex" in answer and not self.naive.ignore_ex:
            raise TaskFailed(f"{name}: {answer['ex']}")
        return answer

    def anonymous(self, path: str, body: dict) -> dict:
        try:
            return self.body(self.send("POST", path, authorised=False, json=body))
        except BadBody:
            return self.body(self.send("POST", path, authorised=False, json=body))

    def track(self) -> dict:
        rows = self.endpoint(
            "waybillquicktrackingv3customtreeview", {"searchItems": self.run.references["waybill"]}, False
        )
        return {"rows": len(rows.get("items", []))}

    def quote(self) -> dict:
        body = {"accountNumber": self.credentials["account_number"], **self.run.references["shipment"]}
        return {
            "services": [
                item["serviceCodeStr"]
                for item in self.endpoint("getquoteservicedeliverypricingv2", body).get("items", [])
            ]
        }

    def book(self) -> dict:
        waybill = {"accountNumber": self.credentials["account_number"], **self.run.references["waybill"]}
        for attempt in range(3):
            try:  # safe to repeat: BEX refuses a second waybill of the same number
                answer = self.endpoint("submitwaybillv4", waybill)
                return {"waybill_number": answer.get("items", [{}])[0].get("waybillNumber")}
            except TaskFailed as failure:
                if "already exists" not in str(failure) or not self.losses:
                    raise
                if not self.naive.blind_commit:
                    return {"waybill_number": waybill["waybillNumber"]}  # the lost submit went through
                waybill = {key: value for key, value in waybill.items() if key != "waybillNumber"}
        raise TaskFailed("the waybill was not submitted")


class Borderless360(Client):
    """`Authorization: Token <key>`; a key cannot be renewed."""

    def auth(self) -> dict:
        return {"Authorization": f"Token {self.credentials['token']}"}

    def track(self) -> dict:
        order = self.json_call(
            "GET", f"/api/v1/public_api/orders/{self.run.references['order']}/", params={"expand": "fulfillments"}
        )
        return {"order": order["id"]}

    def sync(self) -> dict:
        path, params, found, pages = "/api/v1/public_api/orders/", {"limit": 50}, [], 0
        while path:
            try:
                page = self.json_call("GET", path, params=params)
            except TaskFailed:
                if self.naive.short_list_on_401 and pages:
                    break
                raise
            pages += 1
            found += [order["id"] for order in page["results"]]
            if self.naive.reread_first_page and pages == 1:
                self.json_call("GET", path, params=params)
            nxt = page["next"]
            path, params = (nxt[len(self.base) :], None) if nxt else (None, None)
        return {"orders": len(found)}


class ParcelLab(Client):
    def auth(self) -> dict:
        return {"Authorization": self.credentials["authorization"]}

    def track(self) -> dict:
        params = {"order_number": self.run.references["order_number"], "account": self.credentials["account"]}
        return {"trackings": len(self.json_call("GET", "/v4/track/orders/info/", params=params)["trackings"])}


CLIENTS = {
    "border-express": BorderExpress,
    "parcel2go": Parcel2Go,
    "bex": Bex,
    "borderless360": Borderless360,
    "parcellab": ParcelLab,
}


# --- webhooks ------------------------------------------------------------------------------


def verified(carrier: str, headers, body: bytes, secret: str, naive: Naive) -> str | None:
    """The delivery's id if it is genuine (and fresh), else None."""
    if carrier == "bex":
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(expected, (headers.get("ms-signature") or "").lower())
        return json.loads(body)["Id"] if good or naive.trust_all else None
    if carrier == "parcel2go":
        envelope = json.loads(body)
        stamp = datetime.fromisoformat(envelope["Timestamp"]).astimezone(UTC)
        signed = f"{envelope['Id']}:{stamp:%Y-%m-%d %H:%M:%S}:{envelope['Type']}"
        expected = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()
        good = naive.trust_all or hmac.compare_digest(expected, str(envelope.get("Signature", "")))
        fresh = naive.no_stale_check or abs((datetime.now(UTC) - stamp).total_seconds()) <= 600
        return envelope["Id"] if good and fresh else None
    header, value = (
        ("X-Webhook-Secret", secret) if carrier == "borderless360" else ("Authorization", f"Bearer {secret}")
    )
    good = naive.trust_all or hmac.compare_digest((headers.get(header) or "").encode(), value.encode())
    return hashlib.sha256(body).hexdigest() if good else None


def moment(carrier: str, body: bytes) -> tuple[str, str]:
    """(the shipment a delivery is about, when its event happened), for `reject_older`."""
    document = json.loads(body)
    if carrier == "bex":
        note = document["Notifications"][0]
        return str(note.get("WaybillNumber")), str(note.get("TrackingDate") or note.get("PODDate") or "")
    if carrier == "parcel2go":
        payload = document["Payload"]
        return str(payload.get("OrderLineId")), str(payload.get("Timestamp") or "")
    if carrier == "borderless360":
        return str(document.get("id") or document.get("order_id")), str(document.get("modified") or "")
    return str(document.get("tracking_number")), str(document.get("timestamp") or "")


def receive(run: Run, naive: Naive) -> dict:
    processed: list[str] = []
    latest: dict[str, str] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            delivery = verified(run.carrier, self.headers, body, run.secret, naive)
            status = 401
            if delivery is not None:
                with lock:
                    status = 200
                    subject, when = moment(run.carrier, body)
                    if delivery in processed and not naive.no_dedupe:
                        pass
                    elif naive.reject_older and when < latest.get(subject, ""):
                        status = 409
                    else:
                        processed.append(delivery)
                        latest[subject] = max(when, latest.get(subject, ""))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((run.listen_host, run.listen_port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    run.stop.wait()
    server.shutdown()
    server.server_close()
    return {"processed": processed}


def driver(**knobs):
    """A callable driver with these knobs of `Naive` set."""
    naive = Naive(**knobs)

    def drive(run: Run) -> dict:
        if run.task == "receive-webhooks":
            return receive(run, naive)
        client = CLIENTS[run.carrier](run, naive)
        return getattr(client, run.task)()

    drive.__qualname__ = "reference driver" + (f" ({', '.join(knobs)})" if knobs else "")
    return drive
