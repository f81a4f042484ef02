"""A small Borderless360 client, written the way a user of the real API would.

It shows:

* Token authentication, Django REST Framework style: `Authorization: Token <key>`. Borderless360
  issues the key by email and it never expires, so there is nothing to refresh: a 401 means the
  key was revoked, and the client raises `AuthenticationFailed` at once (retrying cannot help).
* The main flow: list orders (every LimitOffset page, following `next`; a 401 half-way raises
  rather than returning a partial list), create an outbound order, read one with `expand=`, its
  shipments (tracking number and status), and cancel a draft.
* Retries: a 429 waits as long as `Retry-After` says (seconds); a 5xx is retried after a short
  exponential backoff, a bounded number of times (`sleep` is injectable for tests). Repeating a
  create is safe: `customer_reference` is unique per client, so a second copy is refused with a
  field error, and `orders(customer_reference=...)` finds the first.
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

import requests

API = "/api/v1/public_api"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class Borderless360Error(Exception):
    """The API refused a call: `status`, and DRF's body (`detail`, or field errors by field)."""

    def __init__(self, response: requests.Response) -> None:
        try:
            self.body = response.json()
        except ValueError:
            self.body = {}
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {self.body}")
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
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_attempts, self.backoff, self.sleep = max_attempts, backoff, sleep
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
        """One call, repeated on 429 and 5xx up to `max_attempts` times in all."""
        attempt = 1
        while True:
            response = self.http.request(method, url, timeout=30, **kwargs)
            if response.status_code not in RETRY_STATUSES or attempt >= self.max_attempts:
                break
            retry_after = response.headers.get("Retry-After", "")  # seconds
            self.sleep(float(retry_after) if retry_after.isdigit() else self.backoff * 2 ** (attempt - 1))
            attempt += 1
        if response.status_code == 401:
            raise AuthenticationFailed(response)
        if response.status_code >= 400:
            raise Borderless360Error(response)
        return response


def verify_webhook(headers: Mapping[str, str], secret: str, header: str = "X-Webhook-Secret") -> bool:
    """True when the delivery carries the secret header you agreed with Borderless360."""
    sent = next((value for name, value in headers.items() if name.lower() == header.lower()), "")
    return hmac.compare_digest(sent.encode(), secret.encode())


def webhook_kind(payload: dict) -> str:
    """`tracking_update` (it has `tracking_event`) or `order_update` (the full order)."""
    return "tracking_update" if "tracking_event" in payload else "order_update"
