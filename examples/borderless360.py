"""A small Borderless360 client, written the way a user of the real API would.

It shows:

* Token authentication, Django REST Framework style: `Authorization: Token <key>`. Borderless360
  issues the key by email and it never expires, so there is nothing to refresh: a 401 means the
  key was revoked, and the client raises `AuthenticationFailed` at once (retrying cannot help).
* The main flow: list orders (every LimitOffset page, following `next`; a 401 half-way raises
  rather than returning a partial list), create an outbound order, read one with `expand=`, its
  shipments (tracking number and status), and cancel a draft.
* Retries: a 429 waits as long as `Retry-After` says (seconds, or an HTTP date); a 5xx is
  retried after a short exponential backoff, a bounded number of times (`sleep` is injectable
  for tests), and so is a read whose answer was lost or garbled (a broken connection, a timeout:
  every call has one, `timeout`, 10 s by default; JSON that does not parse). A page that fails is
  read again, not the list from the start. Repeating a create is safe: `customer_reference` is
  unique per client, so a second copy is refused with a field error, and
  `orders(customer_reference=...)` finds the first.
* Webhooks: Borderless360 signs nothing. Ask them (they set webhooks up by email) to send a
  secret header of your choosing, e.g. `X-Webhook-Secret`, and check it on every delivery with
  `verify_webhook`; use HTTPS so the secret stays secret.

Base URL: `https://api.borderless360.com` (sandbox and production alike: the key picks), or
mock-carriers' `http://127.0.0.1:8080/borderless360`. Standalone: copy this one file.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

API = "/api/v1/public_api"
RETRY_STATUSES = {429, 500, 502, 503, 504}
# the answer never arrived whole: a broken connection, a timeout, a body cut short
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class Borderless360Error(Exception):
    """The API refused a call (or answered garbled JSON): `status`, and DRF's body (`detail`, or
    field errors by field)."""

    def __init__(self, response: requests.Response, reason: str = "") -> None:
        try:
            self.body = response.json()
        except ValueError:
            self.body = {}
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {reason or self.body}")
        self.status = response.status_code


class AuthenticationFailed(Borderless360Error):
    """401: no key, or a revoked one ("Invalid token.")."""


class Borderless360Client:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_attempts, self.backoff, self.timeout, self.sleep = max_attempts, backoff, timeout, sleep
        self.http = session or requests.Session()
        self.http.headers["Authorization"] = f"Token {token}"

    # --- the main flow ---------------------------------------------------------------------

    def orders(self, page_size: int = 100, **filters) -> list[dict]:
        """Every order (newest first) matching `customer_reference`, `state`, `order_type`."""
        found, url = [], f"{self.base_url}{API}/orders/"
        params: dict | None = {"limit": page_size, **filters}
        while url:
            page = self._call("GET", url, params=params).json()
            found += page["results"]
            url, params = page["next"], None  # `next` carries the query along
        return found

    def create_order(self, order: dict) -> dict:
        """An outbound (`order_type: in_store`) or inbound (`asn`) order; answers it, in `draft`."""
        return self._call("POST", f"{self.base_url}{API}/orders/", json=order).json()

    def order(self, order_id: int, expand: tuple[str, ...] = ("destination_address", "order_items")) -> dict:
        params = {"expand": ",".join(expand)} if expand else None
        return self._call("GET", f"{self.base_url}{API}/orders/{order_id}/", params=params).json()

    def shipments(self, order_id: int) -> list[dict]:
        """The order's parcels once shipped: tracking number, status and courier."""
        return [
            {
                "tracking_number": f["tracking_number"],
                "tracking_status": f["tracking_status"],
                "courier": f["courier_service"]["courier"]["name"],
                "tracking_url": f["tracking_url"],
            }
            for f in self.order(order_id, expand=("fulfillments",))["fulfillments"]
            if f["tracking_number"]
        ]

    def cancel(self, order_id: int) -> dict:
        """Only while `"cancel"` is in the order's `actions` (draft, processing)."""
        return self._call("POST", f"{self.base_url}{API}/orders/{order_id}/cancel/").json()

    # --- errors and retries ------------------------------------------------------------------

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        """One call, repeated on a 429 or a 5xx up to `max_attempts` times in all, and so is a GET
        whose answer was lost or garbled (a POST's is raised: it may have been carried out). A
        JSON answer is only returned whole: it parses."""
        attempt, read = 1, method == "GET"
        while True:
            backoff = self.backoff * 2 ** (attempt - 1)
            try:
                response = self.http.request(method, url, timeout=self.timeout, **kwargs)
            except LOST:
                if not read or attempt >= self.max_attempts:
                    raise
                self.sleep(backoff)
                attempt += 1
                continue
            garbled = response.status_code < 300 and not _whole(response)
            again = response.status_code in RETRY_STATUSES or (read and garbled)
            if not again or attempt >= self.max_attempts:
                break
            self.sleep(retry_delay(response, backoff))
            attempt += 1
        if response.status_code == 401:
            raise AuthenticationFailed(response)
        if response.status_code >= 400:
            raise Borderless360Error(response)
        if garbled:
            raise Borderless360Error(response, "the answer is not valid JSON")
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


def verify_webhook(headers: Mapping[str, str], secret: str, header: str = "X-Webhook-Secret") -> bool:
    """True when the delivery carries the secret header you agreed with Borderless360."""
    sent = next((value for name, value in headers.items() if name.lower() == header.lower()), "")
    return hmac.compare_digest(sent.encode(), secret.encode())


def webhook_kind(payload: dict) -> str:
    """`tracking_update` (it has `tracking_event`) or `order_update` (the full order)."""
    return "tracking_update" if "tracking_event" in payload else "order_update"
