"""A small Parcel2Go (UK) client, written the way a user of the real API would.

It shows:

* OAuth 2.0 client credentials against Parcel2Go's IdentityServer (`POST /auth/connect/token`,
  asking for the scopes you need: `public-api`, plus `payment` to pay), then
  `Authorization: Bearer <token>`. Tokens live two hours; on a 401 the client gets a new token
  once and repeats the call. A 403 means the token lacks a scope: that is raised, not retried.
* The main flow: quote, collection dates, create an order, pay it from the PrePay balance, fetch
  its labels (base64 in JSON) and track its line.
* Retries: a 429 waits as long as `Retry-After` says (seconds, or an HTTP date); a 5xx, a broken
  connection, a timeout (every call has one: `timeout`, 10 s by default) or a garbled JSON answer
  is retried after a short exponential backoff, a bounded number of times (`sleep` is injectable
  for tests). Paying is the exception: Parcel2Go charges again for a second payment, so a payment
  whose answer was lost (any of those) is not repeated blindly; the order is looked up first.
* Webhooks: each delivery carries `Signature`, the lower-case hex HMAC-SHA256 of
  `Id:Timestamp(yyyy-MM-dd HH:mm:ss):Type` with your secret. The signature does **not** cover
  `Payload`, so also refuse stale timestamps, keep the `Id`s you processed (retries repeat them),
  and read the facts back from the API (`tracking()`) before acting on them.

Base URL: `https://www.parcel2go.com` (or `https://sandbox.parcel2go.com`), or mock-carriers'
`http://127.0.0.1:8080/parcel2go`. Standalone: copy this one file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests

RETRY_STATUSES = {429, 500, 502, 503, 504}
# the call may have been carried out, but its answer never arrived whole
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class Parcel2GoError(Exception):
    """The API refused a call (or answered garbled JSON): `status`, and the `Errors` Parcel2Go
    listed (if any)."""

    def __init__(self, response: requests.Response, reason: str = "") -> None:
        try:
            errors = response.json().get("Errors") or []
        except (ValueError, AttributeError):
            errors = []
        texts = [e.get("Error") or e.get("Description") for e in errors]
        detail = reason or texts or ""
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {detail}".strip())
        self.status, self.errors = response.status_code, errors


class Parcel2GoClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        scope: str = "public-api payment",
        *,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret, self.scope = client_id, client_secret, scope
        self.max_attempts, self.backoff, self.timeout, self.sleep = max_attempts, backoff, timeout, sleep
        self.http = session or requests.Session()
        self._token: str | None = None

    # --- the main flow ---------------------------------------------------------------------

    def quote(self, parcels: list[dict], collection_country: str = "GBR", delivery_country: str = "GBR") -> list[dict]:
        """Every service that can carry the parcels (`Value`, `Weight` kg, `Length`/`Width`/
        `Height` cm), cheapest first: `Service.Slug`, `TotalPrice`, `CutOff`, ..."""
        body = {
            "CollectionAddress": {"Country": collection_country},
            "DeliveryAddress": {"Country": delivery_country},
            "Parcels": parcels,
        }
        return self._api("POST", "/api/quotes", json=body)["Quotes"]

    def collection_dates(self, service_slug: str, postcode: str, country: str = "GBR") -> list[str]:
        body = {"ServiceSlug": service_slug, "Postcode": postcode, "CountryIso3Code": country}
        return [d["CollectionDate"] for d in self._api("POST", "/api/collectiondates", json=body)["CollectionDates"]]

    def create_order(self, order: dict) -> dict:
        """`OrderId`, `Hash`, totals and `OrderlineIdMap`. (Retrying a create after a 5xx can at
        worst leave an unpaid order behind, which costs nothing.)"""
        return self._api("POST", "/api/orders", json=order)

    def order(self, order_id: str, order_hash: str) -> dict:
        return self._api("GET", "/api/orders", params={"orderId": order_id, "hash": order_hash})

    def pay_with_prepay(self, order: dict) -> None:
        """Pay from the PrePay balance (needs the `payment` scope), at most once."""
        path = f"/api/orders/{order['OrderId']}/paywithprepay"
        for attempt in range(1, self.max_attempts + 1):
            try:
                self._api("POST", path, params={"hash": order["Hash"]}, retry=False)
                return
            except LOST:
                if attempt == self.max_attempts:
                    raise
            except Parcel2GoError as error:  # a 5xx, or a 200 whose answer came garbled
                if 400 <= error.status < 500 or attempt == self.max_attempts:
                    raise
            if self.order(order["OrderId"], order["Hash"])["PaidDate"]:
                return  # the payment went through; only its answer was lost
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def prepay_balance(self) -> float:
        return self._api("GET", "/api/prepay")

    def labels(self, order_id: str, media: str = "A4", label_format: str = "PDF") -> list[bytes]:
        """The order's labels: one PDF with every page, or one PNG per page."""
        query = {"referenceType": "OrderId", "detailLevel": "Labels", "labelMedia": media, "labelFormat": label_format}
        answer = self._api("GET", f"/api/labels/{order_id}", params=query)
        return [base64.b64decode(label) for label in answer["Base64EncodedLabels"]]

    def tracking(self, order_line_id: str) -> list[dict]:
        """A line's tracking events, newest first (`TrackingStage`, `Description`, `Timestamp`): the
        latest is `[0]`, as Parcel2Go's own plugin reads it."""
        return self._api("GET", f"/api/tracking/{order_line_id}")["Results"]

    # --- auth and retries --------------------------------------------------------------------

    def _new_token(self) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": self.scope,
        }
        response = self._send("POST", "/auth/connect/token", data=form)
        if response.status_code != 200:
            raise Parcel2GoError(response)
        return response.json()["access_token"]

    def _api(self, method: str, path: str, retry: bool = True, **kwargs):
        """Call with the token; on a 401 (expired or revoked) get a new token once and try again (a
        second 401 is raised: the credentials themselves are no good)."""
        if self._token is None:
            self._token = self._new_token()
        response = self._send(method, path, retry, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        if response.status_code == 401:
            self._token = self._new_token()
            response = self._send(method, path, retry, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        if response.status_code != 200:
            raise Parcel2GoError(response)
        return response.json()

    def _send(self, method: str, path: str, retry: bool = True, **kwargs) -> requests.Response:
        """One call, repeated up to `max_attempts` times in all on a 429, and if `retry` (the call is
        safe to repeat) on a 5xx, a lost answer or a garbled one. A JSON 200 is only returned whole:
        it parses."""
        attempt = 1
        while True:
            backoff = self.backoff * 2 ** (attempt - 1)
            try:
                response = self.http.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
            except LOST:
                if not retry or attempt >= self.max_attempts:
                    raise
                self.sleep(backoff)
                attempt += 1
                continue
            garbled = response.status_code == 200 and not _whole(response)
            again = response.status_code == 429 or (retry and (garbled or response.status_code in RETRY_STATUSES))
            if not again or attempt >= self.max_attempts:
                break
            self.sleep(retry_delay(response, backoff))
            attempt += 1
        if garbled:
            raise Parcel2GoError(response, "the answer is not valid JSON")
        return response


def _whole(response: requests.Response) -> bool:
    """False for a JSON answer that does not parse."""
    if "json" not in response.headers.get("Content-Type", ""):
        return True
    try:
        response.json()
    except ValueError:
        return False
    return True


def retry_delay(response: requests.Response, backoff: float) -> float:
    """Seconds to wait: `Retry-After` (seconds, or an HTTP date read against the answer's own
    `Date`, so clock skew does not matter) when the server sent one, else the backoff."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        sent = response.headers.get("Date")
        now = parsedate_to_datetime(sent) if sent else datetime.now(UTC)
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):  # none, or not a date
        return backoff


class WebhookRejected(Exception):
    pass


def verify_webhook(
    body: bytes, secret: str, *, now: datetime | None = None, tolerance: timedelta = timedelta(minutes=10)
) -> dict:
    """The envelope (`Id`, `Timestamp`, `Type`, `Payload`) of a genuine, fresh delivery; else
    `WebhookRejected`. Parcel2Go signs `Id:Timestamp:Type`, the time as `yyyy-MM-dd HH:mm:ss` UTC."""
    envelope = json.loads(body)
    stamp = datetime.fromisoformat(envelope["Timestamp"]).astimezone(UTC)
    signed = f"{envelope['Id']}:{stamp:%Y-%m-%d %H:%M:%S}:{envelope['Type']}"
    expected = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(envelope.get("Signature", "")).lower()):
        raise WebhookRejected("bad signature")
    if abs((now or datetime.now(UTC)) - stamp) > tolerance:
        raise WebhookRejected(f"stale timestamp {envelope['Timestamp']}")
    return envelope
