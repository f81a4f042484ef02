"""MockCarriers and Sandbox: a thin Python wrapper of the admin API.

with MockCarriers.start() as mock:
    sb = mock.sandbox("t42")
    client = BorderExpressClient(sb.url("border-express"), **sb.credentials("border-express"))
    sb.clock.advance("2h")
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import os
import tempfile
import uuid
from typing import TYPE_CHECKING, Any, Iterable, Iterator, cast
from urllib.parse import urlsplit

import requests

if TYPE_CHECKING:
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings


class AdminError(Exception):
    """The admin API answered with an error; `status` and `body` are its answer."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"admin API answered {status}: {body}")
        self.status = status
        self.body = body


class UnknownName(KeyError):
    """A carrier (or credential) name the namespace does not have; the message names the ones it has."""

    def __init__(self, what: str, name: str, known: Iterable[str]) -> None:
        super().__init__(name)
        self.known = tuple(known)
        close = difflib.get_close_matches(name, self.known, n=1) if isinstance(name, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.message = f"no {what} {name!r}{hint}: the {what}s are {', '.join(self.known)}"

    def __str__(self) -> str:  # KeyError's own would quote the whole message
        return self.message


def check_url(url: str) -> str:
    """`url` without its trailing slash, if it is an http(s) URL with a host; else a ValueError that
    says what a mock's URL looks like (requests' own error names no URL a person gave)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not a mock-carriers URL: give the scheme and host, such as http://127.0.0.1:8080")
    return url.rstrip("/")


def _session_for(url: str) -> requests.Session:
    """A session that takes the environment's proxy and CA bundle settings for `url` once, when the
    client is made: requests otherwise reads the whole environment again on every call (its proxy
    variables, for each request), which was most of the kit's CPU. It applies no ~/.netrc entry,
    which would replace the admin token's Authorization header."""
    session = requests.Session()
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    return session


class _Admin:
    def __init__(self, url: str, admin_token: str | None, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.session = session or _session_for(self.url)
        self._ca_file: str | None = None
        if admin_token:
            self.session.headers["Authorization"] = f"Bearer {admin_token}"

    def call(self, method: str, path: str, timeout: float = 30, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}/__admin{path}", timeout=timeout, **kwargs)
        try:
            body = response.json() if response.content else None
        except ValueError:  # not the admin API answering: another server, or a proxy's error page
            raise AdminError(response.status_code, f"not a JSON answer: {response.text[:120]!r}") from None
        if response.status_code >= 400:
            raise AdminError(response.status_code, body)
        return body

    def ca_file(self) -> str:
        """The server's CA certificate in a file of this machine (fetched once per server)."""
        if self._ca_file is None or not os.path.exists(self._ca_file):
            self._ca_file = self._fetch_ca_file()
        return self._ca_file

    def _fetch_ca_file(self) -> str:
        response = self.session.get(f"{self.url}/__admin/tls/ca.pem", timeout=30)
        if response.status_code != 200:
            raise AdminError(response.status_code, response.text)
        digest = hashlib.sha256(response.content).hexdigest()[:16]
        path = os.path.join(tempfile.gettempdir(), f"mock-carriers-ca-{digest}.pem")
        if not os.path.exists(path):
            with tempfile.NamedTemporaryFile("wb", dir=os.path.dirname(path), delete=False) as handle:
                handle.write(response.content)
            os.replace(handle.name, path)
        return path


class MockCarriers:
    """A running mock: started in this process (`start`) or reached over HTTP (`connect`)."""

    def __init__(
        self,
        url: str,
        admin_token: str | None = None,
        server: Server | None = None,
        session: requests.Session | None = None,
    ) -> None:
        """`session`: the requests.Session the admin calls go through (a transport of your own)."""
        self.url = url.rstrip("/")
        self._admin = _Admin(self.url, admin_token, session)
        self._server = server

    @classmethod
    def start(
        cls, settings: Settings | None = None, *, host: str | None = None, port: int | None = None, **overrides: Any
    ) -> "MockCarriers":
        """A real server in a background thread of this process: on 127.0.0.1 and a free port unless
        `host` / `port` say otherwise (`host="0.0.0.0"` for a client in a container). `overrides` are
        Settings fields; with `settings`, they change a copy of it."""
        from mock_carriers.app import create_app
        from mock_carriers.server import Server
        from mock_carriers.settings import Settings

        if settings is None:
            settings = Settings(host=host or "127.0.0.1", port=0 if port is None else port, **overrides)
        else:
            given: dict[str, Any] = {key: value for key, value in (("host", host), ("port", port)) if value is not None}
            settings = dataclasses.replace(settings, **overrides, **given)
        server = Server(create_app(settings), settings.host, settings.port).start()
        return cls(server.url, settings.admin_token, server)

    @classmethod
    def connect(cls, url: str, admin_token: str | None = None) -> "MockCarriers":
        """A server already running (a container, say); ValueError if `url` is no http(s) URL."""
        return cls(check_url(url), admin_token)

    def health(self, timeout: float = 10) -> dict[str, Any]:
        return cast("dict[str, Any]", self._admin.call("GET", "/health", timeout=timeout))

    def sandbox(
        self,
        name: str | None = None,
        seed: int | None = None,
        fixtures: dict[str, Any] | None = None,
        strict: bool | None = None,
    ) -> "Sandbox":
        """A fresh namespace (created or replaced); a random name if none is given. `strict` checks
        every request against the carriers' contracts (None: as the server says)."""
        name = name or f"sb-{uuid.uuid4().hex[:16]}"
        body = {
            key: value
            for key, value in (("seed", seed), ("fixtures", fixtures), ("strict", strict))
            if value is not None
        }
        return Sandbox(self._admin, self._admin.call("PUT", f"/namespaces/{name}", json=body))

    def reset(self) -> int:
        return cast(int, self._admin.call("POST", "/reset")["reset"])

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> "MockCarriers":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Sandbox:
    """One namespace: its base URLs, credentials, magic references, clock, tokens and journal."""

    def __init__(self, admin: _Admin, document: dict[str, Any]) -> None:
        self._admin = admin
        self.document = document
        self.name: str = document["namespace"]
        self.clock = SandboxClock(admin, self.name)
        self.tokens = SandboxTokens(admin, self.name)
        self.faults = SandboxFaults(admin, self.name)
        self.webhooks = SandboxWebhooks(self, admin)

    def carrier(self, name: str) -> dict[str, Any]:
        """The namespace document's part for one carrier (UnknownName, naming the carriers, if none)."""
        carriers: dict[str, dict[str, Any]] = self.document["carriers"]
        if name not in carriers:
            raise UnknownName("carrier", name, carriers)
        return carriers[name]

    def url(self, carrier: str) -> str:
        return cast(str, self.carrier(carrier)["base_url"])

    def credentials(self, carrier: str, *keys: str) -> dict[str, Any]:
        """The carrier's test credentials, to pass to a client as keyword arguments: all of them, or
        only `keys` for a client that takes fewer (`credentials("parcellab", "account", "token")`)."""
        credentials = dict(self.carrier(carrier)["credentials"])
        for key in keys:
            if key not in credentials:
                raise UnknownName(f"{carrier} credential", key, credentials)
        return {key: credentials[key] for key in keys} if keys else credentials

    def references(self, carrier: str) -> dict[str, Any]:
        return dict(self.carrier(carrier)["references"])

    def proxy_env(self) -> dict[str, str]:
        """Environment variables that send a client's requests for the carriers' real hosts
        (`https://www.parcel2go.com`, ...) to this namespace through the mock as a proxy, trusting
        its CA: set them and run the client unchanged."""
        parts = urlsplit(self._admin.url)
        proxy = f"{parts.scheme}://{self.name}:mock@{parts.netloc}"  # some clients send no user without a password
        ca = self._admin.ca_file()
        local = "localhost,127.0.0.1,::1"
        return {
            "HTTPS_PROXY": proxy,
            "https_proxy": proxy,
            "HTTP_PROXY": proxy,
            "http_proxy": proxy,
            "NO_PROXY": local,
            "no_proxy": local,
            "REQUESTS_CA_BUNDLE": ca,
            "SSL_CERT_FILE": ca,
            "CURL_CA_BUNDLE": ca,
            "NODE_EXTRA_CA_CERTS": ca,
        }

    @contextlib.contextmanager
    def proxied(self) -> Iterator["Sandbox"]:
        """`proxy_env()` set in this process's environment for the block, then restored."""
        values = self.proxy_env()
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield self
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def journal(
        self, carrier: str | None = None, limit: int | None = None, operation: str | None = None
    ) -> list[dict[str, Any]]:
        """The namespace's requests and answers, oldest first: every one, or a carrier's, or one
        operation's (its operationId, "getConsignment", or as violations name it,
        "border-express:getConsignment"); `limit` keeps the newest."""
        if operation is not None and ":" in operation:
            prefix, operation = operation.split(":", 1)
            if carrier not in (None, prefix):
                raise ValueError(f"operation {prefix}:{operation} is not one of {carrier}'s")
            carrier = prefix
        if carrier is not None:
            self.carrier(carrier)
        params = {
            key: value
            for key, value in (("carrier", carrier), ("limit", limit))
            if value is not None and not (key == "limit" and operation is not None)
        }
        answer = self._admin.call("GET", f"/namespaces/{self.name}/journal", params=params)
        entries: list[dict[str, Any]] = answer["entries"]
        if operation is not None:
            entries = [entry for entry in entries if entry["operation"] == operation]
            entries = entries[-limit:] if limit else entries
        return entries

    def apply_scenario(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Replace this namespace's world with a scenario file's; the answer tells what it holds now."""
        with open(path, "rb") as handle:
            result: dict[str, Any] = self._admin.call(
                "POST",
                f"/namespaces/{self.name}/scenario",
                data=handle.read(),
                headers={"Content-Type": "application/yaml"},
            )
        self.document = {key: result[key] for key in ("namespace", "seed", "strict", "carriers")}
        return result

    def violations(self, clear: bool = False) -> list[dict[str, Any]]:
        """The contract violations of this namespace's requests (strict mode); `clear` forgets the
        ones returned, for a test that broke the contract on purpose."""
        method = "DELETE" if clear else "GET"
        return cast(
            "list[dict[str, Any]]", self._admin.call(method, f"/namespaces/{self.name}/violations")["violations"]
        )

    def drop(self) -> None:
        """Reset the namespace: its next use starts again from the fixtures."""
        try:
            self._admin.call("DELETE", f"/namespaces/{self.name}")
        except AdminError as error:
            if error.status != 404:  # already gone (dropped, or evicted as least recently used)
                raise


class SandboxWebhooks:
    """The namespace's webhook subscriptions and outbox, so a test needs no admin call of its own."""

    def __init__(self, sandbox: Sandbox, admin: _Admin) -> None:
        self._sandbox, self._admin = sandbox, admin
        self._path = f"/namespaces/{sandbox.name}/webhooks"

    def subscribe(
        self,
        carrier: str,
        url: str,
        *,
        secret: str | None = None,
        filters: Iterable[str] | None = None,
        headers: dict[str, str] | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Subscribe `url` to the carrier's events as its portal (or support desk) would, for the
        carriers that sign up receivers that way; answers the subscription."""
        self._sandbox.carrier(carrier)
        body = {
            "carrier": carrier,
            "url": url,
            "secret": secret,
            "headers": headers,
            "description": description,
            "filters": list(filters) if filters is not None else None,
        }
        subscription: dict[str, Any] = self._admin.call(
            "POST", f"{self._path}/subscriptions", json={key: value for key, value in body.items() if value is not None}
        )
        return subscription

    def outbox(self, carrier: str | None = None) -> dict[str, Any]:
        """The whole outbox document: `subscriptions`, `deliveries` (each with every attempt) and
        `trimmed` (finished deliveries that made room for newer ones)."""
        if carrier is not None:
            self._sandbox.carrier(carrier)
        outbox: dict[str, Any] = self._admin.call("GET", self._path, params={"carrier": carrier} if carrier else None)
        return outbox

    def subscriptions(self, carrier: str | None = None) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", self.outbox(carrier)["subscriptions"])

    def deliveries(self, carrier: str | None = None) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", self.outbox(carrier)["deliveries"])


class SandboxClock:
    def __init__(self, admin: _Admin, namespace: str) -> None:
        self._admin, self._path = admin, f"/namespaces/{namespace}/clock"

    def now(self) -> str:
        return cast(str, self._admin.call("GET", self._path)["now"])

    def _act(self, **body: Any) -> dict[str, Any]:
        return cast("dict[str, Any]", self._admin.call("POST", self._path, json=body))

    def freeze(self) -> dict[str, Any]:
        return self._act(action="freeze")

    def resume(self) -> dict[str, Any]:
        return self._act(action="resume")

    def advance(self, by: str | float) -> dict[str, Any]:
        return self._act(action="advance", by=by)

    def set(self, to: str) -> dict[str, Any]:
        return self._act(action="set", to=to)


class SandboxTokens:
    def __init__(self, admin: _Admin, namespace: str) -> None:
        self._admin, self._path = admin, f"/namespaces/{namespace}/tokens"

    def expire(self, carrier: str, token: str | None = None, client_id: str | None = None) -> int:
        return self._change("expire", carrier, token, client_id)

    def revoke(self, carrier: str, token: str | None = None, client_id: str | None = None) -> int:
        return self._change("revoke", carrier, token, client_id)

    def _change(self, action: str, carrier: str, token: str | None, client_id: str | None) -> int:
        body = {"carrier": carrier, "token": token, "client_id": client_id}
        affected: int = self._admin.call(
            "POST", f"{self._path}/{action}", json={k: v for k, v in body.items() if v is not None}
        )["affected"]
        return affected


class SandboxFaults:
    """The namespace's fault rules: `add(carrier="bex", effect="status", status=503, times=1)`."""

    def __init__(self, admin: _Admin, namespace: str) -> None:
        self._admin, self._path = admin, f"/namespaces/{namespace}/faults"

    def add(self, **rule: Any) -> "FaultHandle":
        return FaultHandle(self._admin, self._path, self._admin.call("POST", self._path, json=rule))

    def list(self) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", self._admin.call("GET", self._path)["faults"])

    def clear(self) -> int:
        return cast(int, self._admin.call("DELETE", self._path)["removed"])


class FaultHandle:
    """One rule as added; `remove()` takes it out again (a rule already gone is fine)."""

    def __init__(self, admin: _Admin, path: str, rule: dict[str, Any]) -> None:
        self._admin, self._path, self.rule = admin, path, rule
        self.id: str = rule["id"]

    def remove(self) -> None:
        try:
            self._admin.call("DELETE", f"{self._path}/{self.id}")
        except AdminError as error:
            if error.status != 404:
                raise


def violation_report(violations: list[dict[str, Any]]) -> str:
    """Strict mode's violations (as the admin API lists them) for a person: grouped by request,
    each with where it is, the rule and the operation."""
    count = f"{len(violations)} violation{'' if len(violations) == 1 else 's'}"
    lines = [f"mock-carriers strict mode: requests broke the carriers' contracts ({count})"]
    last = None
    for violation in violations:
        if violation["entry"] != last:
            last = violation["entry"]
            lines.append(f"  {violation['request']} -> {violation['status']}")
        lines.append(
            f"    {violation['in']} {violation['json_path']}: {violation['message']} "
            f"[rule: {violation['rule']}; {violation['operation']}]"
        )
    return "\n".join(lines)
