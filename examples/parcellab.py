"""A small parcelLab order status client, written the way a user of the real API would.

It shows:

* API token authentication: `Authorization: Parcellab-API-Token <base64(account:token)>`. The
  token is valid until revoked, so there is nothing to refresh: a 401 raises
  `AuthenticationFailed` at once (retrying cannot help).
* The main flow: `GET /v4/track/orders/info/` by one lookup set (order number and account, or
  tracking number and courier), and reading each tracking's latest status from the answer.
* Retries: parcelLab allows 100 requests a minute per account; the 101st gets a 429 with
  `Retry-After` (seconds, or an HTTP date), which the client waits out. A 5xx, a broken
  connection, a timeout (every call has one: `timeout`, 10 s by default) or a garbled JSON answer
  is retried after a short exponential backoff, a bounded number of times (`sleep` is injectable
  for tests). Every call here reads, so repeating one is always safe.
* Webhooks: parcelLab signs nothing. When you set the webhook up in parcelLab's app, give it a
  credential for your receiver (`Authorization: Bearer <secret>`, Basic auth, or a header such as
  `X-Api-Key`) and check it on every delivery with `verify_webhook`. parcelLab posts only over
  HTTPS, which keeps the credential secret.

Base URL: `https://api.parcellab.com` (or `api.eu.`/`api.us.parcellab.com`), or mock-carriers'
`http://127.0.0.1:8080/parcellab`. Standalone: copy this one file.
"""

from __future__ import annotations

import base64
import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

RETRY_STATUSES = {429, 500, 502, 503, 504}
# the answer never arrived whole: a broken connection, a timeout, a body cut short
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class ParcelLabError(Exception):
    """The API refused a call (or answered garbled JSON): `status` and parcelLab's `errors`
    (`code`, `detail`, `attr`)."""

    def __init__(self, response: requests.Response, reason: str = "") -> None:
        try:
            self.errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            self.errors = []
        details = reason or "; ".join(f"{e.get('code')}: {e.get('detail')}" for e in self.errors)
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {details}".strip())
        self.status = response.status_code


class AuthenticationFailed(ParcelLabError):
    """401: a wrong or revoked token."""


class ParcelLabClient:
    def __init__(
        self,
        base_url: str,
        account: str,
        token: str,
        *,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url, self.account = base_url.rstrip("/"), str(account)
        self.max_attempts, self.backoff, self.timeout, self.sleep = max_attempts, backoff, timeout, sleep
        self.http = session or requests.Session()
        key = base64.b64encode(f"{account}:{token}".encode()).decode()
        self.http.headers["Authorization"] = f"Parcellab-API-Token {key}"

    def order_status(self, order_number: str, lang: str | None = None) -> dict:
        """The order and its trackings (returns hidden), texts in `lang` when parcelLab has it."""
        return self._info(order_number=order_number, account=self.account, lang=lang)

    def order_by_tracking_number(self, tracking_number: str, courier: str, lang: str | None = None) -> dict:
        return self._info(tracking_number=tracking_number, courier=courier, account=self.account, lang=lang)

    def _info(self, **lookup) -> dict:
        params = {name: value for name, value in lookup.items() if value is not None}
        return self._get("/v4/track/orders/info/", params).json()

    def _get(self, path: str, params: dict) -> requests.Response:
        """One GET, repeated on a 429, a 5xx, a lost answer or a garbled one, up to `max_attempts`
        times in all. A JSON answer is only returned whole: it parses."""
        attempt = 1
        while True:
            backoff = self.backoff * 2 ** (attempt - 1)
            try:
                response = self.http.get(self.base_url + path, params=params, timeout=self.timeout)
            except LOST:
                if attempt >= self.max_attempts:
                    raise
                self.sleep(backoff)
                attempt += 1
                continue
            garbled = response.status_code == 200 and not _whole(response)
            if not (garbled or response.status_code in RETRY_STATUSES) or attempt >= self.max_attempts:
                break
            self.sleep(retry_delay(response, backoff))
            attempt += 1
        if response.status_code == 401:
            raise AuthenticationFailed(response)
        if response.status_code != 200:
            raise ParcelLabError(response)
        if garbled:
            raise ParcelLabError(response, "the answer is not valid JSON")
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


def latest_statuses(order: dict) -> dict[str, str | None]:
    """Each tracking number's latest status code (`InTransit`, `Delivered`, ...); None before
    the first checkpoint."""
    return {t["tracking_number"]: (t["last_delivery_status"] or {}).get("status_code") for t in order["trackings"]}


def verify_webhook(headers: Mapping[str, str], expected: str, header: str = "Authorization") -> bool:
    """True when the delivery carries the credential you gave parcelLab for your receiver."""
    sent = next((value for name, value in headers.items() if name.lower() == header.lower()), "")
    return hmac.compare_digest(sent.encode(), expected.encode())
