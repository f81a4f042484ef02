"""The server as a forward proxy for the carriers' own hosts, so a client that hard-codes
`https://www.parcel2go.com` reaches the mock with nothing changed but HTTPS_PROXY (and the CA it
trusts). It forwards nothing: a host that is not a carrier's is refused, naming the ones it knows.

- `CONNECT host:443` is answered `200 Connection established`; TLS is then terminated with that
  host's certificate and the requests inside are served like any other, routed by their host.
- An absolute-form request (`GET http://api.bex.co.za/api/...`, what HTTP_PROXY makes) is served
  the same way; one for the mock's own address is simply served.
- The namespace is the proxy URL's user name (`http://t42@127.0.0.1:8080`, which clients send as
  `Proxy-Authorization: Basic`); `X-Mock-Namespace` still wins where a client can send it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from mock_carriers.core.errors import CarrierError
from mock_carriers.core.routing import check_namespace_name

NAMESPACE_KEY = "mock_carriers.proxy_namespace"  # environ: the namespace a proxy client named
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


class Refused(Exception):
    """A proxy request the mock will not serve: (status, error code, message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def proxy_namespace(header: str | None) -> str | None:
    """The user name of `Proxy-Authorization: Basic base64(user:password)`; None if absent or empty."""
    if not header:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise Refused(400, "bad_proxy_authorization", "Proxy-Authorization must be Basic, its user name the namespace")
    try:
        user = base64.b64decode(credential.strip(), validate=True).decode("utf-8").partition(":")[0]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refused(
            400, "bad_proxy_authorization", "Proxy-Authorization is not valid base64 of user:password"
        ) from None
    if not user:
        return None
    try:
        return check_namespace_name(user)
    except CarrierError as error:
        raise Refused(
            400, "bad_proxy_authorization", f"the proxy user name is the namespace: {error.message}"
        ) from None


def connect_target(authority: str, carrier_hosts: frozenset[str]) -> str:
    """The carrier host a `CONNECT host:port` names; Refused for anything else."""
    host, _, port = authority.rpartition(":")
    if not host or not port.isdigit():
        raise Refused(400, "bad_connect", f"CONNECT takes host:port, not {authority[:200]!r}")
    return _carrier_host(host.strip("[]").lower(), carrier_hosts)


def absolute_target(target: str, carrier_hosts: frozenset[str], own_port: int) -> str | None:
    """For an absolute-form request line: the carrier host it names, or None when it names the
    mock itself (served as usual); Refused for any other host."""
    try:
        parts = urlsplit(target)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise Refused(400, "bad_request", f"not a URL: {target[:200]!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise Refused(400, "bad_request", f"a proxy request names an http(s) URL, not {target[:200]!r}")
    if _is_local(host) and port == own_port:
        return None
    return _carrier_host(host, carrier_hosts)


def _carrier_host(host: str, carrier_hosts: frozenset[str]) -> str:
    if host in carrier_hosts:
        return host
    raise Refused(
        403,
        "not_a_carrier_host",
        f"mock-carriers is offline and forwards nothing: {host[:200]} is not a carrier host. "
        f"Carrier hosts: {', '.join(sorted(carrier_hosts))}",
    )


def _is_local(host: str) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False
