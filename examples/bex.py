"""A small BEX (South Africa) client, written the way a user of the real API would.

It shows:

* Login: `POST /api/service/login` answers the token in `value`; every protected call sends it as
  the raw header `token: <value>`. BEX tokens do not expire, but one can be revoked: BEX then
  answers "Access to 'Service.<endpoint>' does not allow anonymous access", and the client logs in
  again once and repeats the call.
* BEX answers **HTTP 200 even for errors**: a failure is `{"id": 0, "ex": "<reason>"}`, so every
  answer is checked for `ex` (raised as `BexError`), not just the status code.
* The main flow: a quote, a waybill, the parcel labels (a PDF, authorised by the separate
  *alternate* token passed as a parameter), and anonymous tracking (the "tree view" rows, turned
  into events per waybill).
* Retries: a 429 waits as long as `Retry-After` says (seconds, or an HTTP date); a 5xx from BEX's
  front end, a broken connection, a timeout (every call has one: `timeout`, 10 s by default) or
  a garbled JSON answer is retried after a short exponential backoff, a bounded number of times
  (`sleep` is injectable for tests). A waybill submit is the exception, since BEX would make a
  second waybill: the client picks the `waybillNumber` itself (unless you give one; BEX keeps a
  new one, and refuses a repeat with the `ex` "Waybill number ... already exists."), and when a
  submit's answer is lost it tracks that number before sending it again.
* Webhooks (Microsoft.AspNet.WebHooks): register a receiver with the WebHook API key, activate it,
  and check each delivery's `ms-signature: sha256=<HEX>`, the HMAC-SHA256 of the exact body bytes
  with your secret. Your receiver must also answer BEX's `GET ?echo=<value>` with the value.

Base URL: `https://api.bex.co.za` (webhook registrations on `https://webhook.bex.co.za`), or
mock-carriers' `http://127.0.0.1:8080/bex` for both. Standalone: copy this one file.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

RETRY_STATUSES = {429, 500, 502, 503, 504}
# the call may have been carried out, but its answer never arrived whole
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
NO_ACCESS = "does not allow anonymous access"


class BexError(Exception):
    """BEX refused the call: its `ex` text, or the HTTP status when the front end failed."""


class FrontEndError(BexError):
    """BEX's front end failed (an HTTP error status, or an answer that is not JSON): the call may
    or may not have been carried out."""


class BexClient:
    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        account_number: str,
        *,
        webhook_url: str | None = None,
        webhook_api_key: str | None = None,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
        sleep=time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook_url = (webhook_url or base_url).rstrip("/")
        self.username, self.password, self.account_number = username, password, account_number
        self.webhook_api_key = webhook_api_key
        self.max_attempts, self.backoff, self.timeout, self.sleep = max_attempts, backoff, timeout, sleep
        self.http = session or requests.Session()
        self._token: str | None = None
        self._alternate_token: str | None = None

    # --- the main flow ---------------------------------------------------------------------

    def quote(self, shipment: dict) -> list[dict]:
        """Every service priced (`serviceCodeStr`, `totalCharges`, ...) for BEX's quote fields:
        `totalWeight`, `dimMass`, `originSuburb`/`originPostCode`, `destinationSuburb`/..."""
        body = {"accountNumber": self.account_number, **shipment}
        return self._call("getquoteservicedeliverypricingv2", body)["items"]

    def submit_waybill(self, waybill: dict) -> dict:
        """Create a waybill (`submitwaybillv4` fields), once; answers `waybillNumber` and its charges
        (only `waybillNumber` when the answer was lost and tracking found the waybill)."""
        number = waybill.get("waybillNumber") or uuid.uuid4().hex[:16].upper()  # BEX's are letters and digits
        body = {"accountNumber": self.account_number, **waybill, "waybillNumber": number}
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._call("submitwaybillv4", body, retry=False)["items"][0]
            except (*LOST, FrontEndError):
                if attempt == self.max_attempts:
                    raise
            if number in self.track(number):
                return {"waybillNumber": number}  # BEX has it; only the answer was lost
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def parcel_labels(self, *waybill_numbers: str) -> bytes:
        """The labels PDF. The downloads take the *alternate* token, as a parameter."""
        if self._alternate_token is None:
            self._alternate_token = self._login(alternate=True)
        response = self._send(
            "POST",
            "/api/service/downloadparcellabels",
            json={"token": self._alternate_token, "waybillNumbers": ",".join(waybill_numbers)},
        )
        if response.headers.get("Content-Type", "").startswith("application/pdf"):
            return response.content
        raise BexError(response.json().get("ex", f"no PDF: {response.status_code}"))

    def track(self, *items: str) -> dict[str, list[dict]]:
        """Anonymous tracking by waybill numbers or senders references (at most 10): each found
        waybill's events, newest first."""
        rows = self._call("waybillquicktrackingv3customtreeview", {"searchItems": ",".join(items)}, auth=False)[
            "items"
        ][1:]  # the first row holds the column captions
        found: dict[str, list[dict]] = {}
        for row in rows:
            if row["col2"]:  # the waybill number is on the first row of its group only
                waybill = found.setdefault(row["col2"], [])
            waybill.append(
                {"date": row["col1"], "reference": row["col3"], "description": row["col4"], "user": row["col5"]}
            )
        return found

    # --- webhooks --------------------------------------------------------------------------

    def register_webhook(self, receiver_url: str, secret: str, filters: tuple[str, ...] = ()) -> dict:
        """Register (BEX first checks the receiver answers its echo) and activate deliveries."""
        auth = {"X-InsightWebHooks-Auth": self.webhook_api_key}
        response = self.http.post(
            f"{self.webhook_url}/api/webhooks/registrations",
            headers=auth,
            timeout=self.timeout,
            json={
                "WebHookUri": receiver_url,
                "Secret": secret,
                "Filters": list(filters),
                "Description": "example client",
            },
        )
        if response.status_code not in (200, 201):
            raise BexError(f"registration refused: {response.status_code} {response.text}")
        self.http.post(
            f"{self.webhook_url}/api/ActivateWebHook", json={"webHookKey": self.webhook_api_key}, timeout=self.timeout
        ).raise_for_status()
        return response.json()

    # --- auth, `ex` and retries ------------------------------------------------------------

    def _login(self, alternate: bool = False) -> str:
        body = {"username": self.username, "password": self.password, "preferAlternateToken": alternate}
        return self._call("login", body, auth=False)["value"]

    def _call(self, endpoint: str, body: dict, auth: bool = True, retry: bool = True) -> dict:
        """POST (BEX recommends POST, to avoid caching) and raise on `ex`. A token BEX no longer
        accepts was revoked (they never expire on their own): log in again, once (if BEX refuses
        the new one too, that is raised)."""
        answer = self._post(endpoint, body, auth, retry)
        if auth and NO_ACCESS in answer.get("ex", ""):
            self._token = None
            answer = self._post(endpoint, body, auth, retry)
        if "ex" in answer:
            raise BexError(answer["ex"])
        return answer

    def _post(self, endpoint: str, body: dict, auth: bool, retry: bool) -> dict:
        if auth and self._token is None:
            self._token = self._login()
        response = self._send(
            "POST", f"/api/service/{endpoint}", retry, json=body, headers={"token": self._token} if auth else {}
        )
        if response.status_code != 200:  # only a front-end failure; BEX's own errors come as `ex`
            raise FrontEndError(f"{endpoint}: HTTP {response.status_code}")
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
            raise FrontEndError(f"{path}: the answer is not valid JSON")
        return response


def _whole(response: requests.Response) -> bool:
    """False for a JSON answer that does not parse (a PDF is not checked)."""
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


def verify_webhook(body: bytes, signature_header: str | None, secret: str) -> bool:
    """True when `ms-signature` is `sha256=` + the HMAC-SHA256 of these exact bytes with your
    secret. BEX writes the hex in upper case; compare without regard to case."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, (signature_header or "").lower())
