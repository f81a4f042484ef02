"""A small Border Express (Australia) client, written the way a user of the real API would.

It shows:

* OAuth 2.0 client credentials: `POST /token` (a form), then `Authorization: bearer <token>`.
  Tokens live one hour; on a 401 the client gets a new token once and repeats the call.
* The main flow: a consignment's current status, its status history (newest first) and its proofs
  of delivery (metadata, then the POD file itself).
* Retries: a 429 waits as long as `Retry-After` says (seconds or an HTTP date); a 5xx, a broken
  connection, a timeout (every call has one: `timeout`, 10 s by default) or a garbled JSON answer
  is retried after a short exponential backoff, a bounded number of times. Every call here reads
  (or asks for a token), so repeating one is always safe. `sleep` is injectable so tests do not wait.
* No webhooks: Border Express documents none, so there is nothing to verify; poll `statuses()`.

Point it at the real carrier (`https://api.borderexpress.com.au`) or at mock-carriers
(`http://127.0.0.1:8080/border-express`); nothing else changes. Standalone: copy this one file.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

RETRY_STATUSES = {429, 500, 502, 503, 504}
# the answer never arrived whole: a broken connection, a timeout, a body cut short
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class BorderExpressError(Exception):
    """The API refused a call (or answered garbled JSON); `status` and `title` (the ProblemDetails
    title, when there is one) say why."""

    def __init__(self, response: requests.Response, reason: str = "") -> None:
        try:
            title = response.json().get("title") or response.json().get("error")
        except (ValueError, AttributeError):
            title = None
        detail = reason or title or ""
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {detail}".strip())
        self.status, self.title = response.status_code, title


class BorderExpressClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.max_attempts, self.backoff, self.timeout, self.sleep = max_attempts, backoff, timeout, sleep
        self.http = session or requests.Session()
        self._token: str | None = None

    # --- the main flow ---------------------------------------------------------------------

    def consignment(self, number: str) -> dict:
        """The consignment's detail; `Status` is its current status, `ETADate` its ETA."""
        return self._get(f"/api/v1/consignments/{number}").json()

    def statuses(self, number: str) -> list[dict]:
        """Every status, newest first: `Status`, `DateOccurred` (Sydney time), `Suburb`, ..."""
        return self._get(f"/api/v1/consignments/{number}/Statuses").json()["Statuses"]

    def pods(self, number: str) -> list[dict]:
        """The proofs of delivery: `Id`, `DateSigned`, `SignedBy`; empty until delivered."""
        return self._get(f"/api/v1/consignments/{number}/pods/Metadata").json()

    def pod_file(self, number: str, file_format: str = "pdf", pod_id: int | None = None) -> bytes:
        """The latest POD (or the one with `pod_id`) as a `jpg`, `png` or `pdf` file."""
        path = f"/api/v1/consignments/{number}/pods/" + (f"{pod_id}/" if pod_id else "") + file_format
        return self._get(path).content

    # --- auth and retries --------------------------------------------------------------------

    def _new_token(self) -> str:
        response = self._send(
            "POST",
            "/token",
            data={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret},
        )
        if response.status_code != 200:
            raise BorderExpressError(response)
        return response.json()["access_token"]

    def _get(self, path: str) -> requests.Response:
        """GET with the token; on a 401 (expired or revoked) get a new token once and try again (a
        second 401 is raised: the credentials themselves are no good)."""
        if self._token is None:
            self._token = self._new_token()
        response = self._send("GET", path, headers={"Authorization": f"bearer {self._token}"})
        if response.status_code == 401:
            self._token = self._new_token()
            response = self._send("GET", path, headers={"Authorization": f"bearer {self._token}"})
        if response.status_code != 200:
            raise BorderExpressError(response)
        return response

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call, repeated on a 429, a 5xx, a lost answer or a garbled one, up to `max_attempts`
        times in all. A JSON 200 is only returned whole: it parses."""
        attempt = 1
        while True:
            backoff = self.backoff * 2 ** (attempt - 1)
            try:
                response = self.http.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
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
        if garbled:
            raise BorderExpressError(response, "the answer is not valid JSON")
        return response


def _whole(response: requests.Response) -> bool:
    """False for a JSON answer that does not parse (a POD file is not JSON, and is not checked)."""
    if "json" not in response.headers.get("Content-Type", ""):
        return True
    try:
        response.json()
    except ValueError:
        return False
    return True


def retry_delay(response: requests.Response, backoff: float) -> float:
    """Seconds to wait: `Retry-After` (seconds, or an HTTP date read against the answer's own
    `Date` so clock skew does not matter) when the server sent one, else the backoff."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        sent = response.headers.get("Date")
        now = parsedate_to_datetime(sent) if sent else datetime.now(UTC)
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):  # none, or not a date
        return backoff
