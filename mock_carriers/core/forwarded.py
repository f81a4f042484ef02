"""What a reverse proxy says about the client's request, believed only from a trusted proxy.

A proxy that takes a client's HTTPS request for a real host and passes it on to the mock in plain
HTTP says what the client used in `X-Forwarded-Proto` / `-Host` / `-Port` or in RFC 7239's
`Forwarded` (`proto=`, `host=`). From a trusted peer (REMOTE_ADDR) they replace the scheme and Host
of the WSGI environ before anything reads it, so links, Host-based routing and the journal all see
what the client used. From any other peer they change nothing: a client can send them itself.

Each proxy on the way appends its own value, so only the last one (the peer's own) is taken, as
Werkzeug's ProxyFix does with one trusted proxy. `Forwarded` wins over `X-Forwarded-*` for the
parameters it gives. A value that breaks its grammar is ignored, never an error.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
_LEXEME = re.compile(rf"[ \t]*(?:(?P<name>{_TOKEN})=(?P<value>{_TOKEN}|{_QUOTED})|(?P<separator>[;,]))[ \t]*")
# what Werkzeug itself accepts as a Host (else it reports none, and links lose their host)
_HOST = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f]*:[0-9A-Fa-f.:]{1,44}\])"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?\Z"
)
_PORT = re.compile(r"[0-9]{1,5}\Z")


@dataclass(frozen=True)
class TrustedPeers:
    """The peers whose forwarded headers are believed: address ranges, or every peer."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    everyone: bool = False

    @classmethod
    def parse(cls, values: str | Iterable[str]) -> "TrustedPeers":
        """From addresses and CIDR ranges (each value may hold several, comma-separated), `*` for
        every peer or `none` for nobody; raises ValueError naming a value that is none of these."""
        parts = [
            part.strip()
            for value in ([values] if isinstance(values, str) else values)
            for part in value.split(",")
            if part.strip()
        ]
        words = [part.lower() for part in parts if part.lower() in ("*", "none")]
        if not parts or (words and len(parts) > 1):
            raise ValueError(
                f"{', '.join(parts) or 'nothing'}: give IP addresses or CIDR ranges "
                "(like 10.0.0.0/8), or '*' alone (every peer), or 'none' alone (nobody)"
            )
        if words:
            return cls(everyone=words[0] == "*")
        networks = []
        for part in parts:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(
                    f"{part[:100]!r} is not an IP address or CIDR range (like 10.0.0.0/8); "
                    "'*' trusts every peer, 'none' nobody"
                ) from None
        return cls(tuple(networks))

    def trust(self, address: str | None) -> bool:
        if self.everyone:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        ip = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:127.0.0.1 is the IPv4 peer it maps
        return any(ip in network for network in self.networks)


def apply_forwarded(environ: dict[str, Any]) -> None:
    """Replace the environ's scheme and Host with what the forwarded headers say (a trusted
    peer's request only); a parameter whose value is not valid is left as it was."""
    element = _last_element(environ.get("HTTP_FORWARDED", ""))
    proto = _proto(element.get("proto")) or _proto(_last(environ.get("HTTP_X_FORWARDED_PROTO")))
    host = _host(element.get("host")) or _host(_last(environ.get("HTTP_X_FORWARDED_HOST")))
    port = _port(_last(environ.get("HTTP_X_FORWARDED_PORT")))
    if proto:
        environ["wsgi.url_scheme"] = proto
    if host:
        environ["HTTP_HOST"] = host
    if port:
        current = _host(environ.get("HTTP_HOST"))
        if current and (found := _HOST.match(current)):
            environ["HTTP_HOST"] = f"{found['name']}:{port}"
        else:
            environ["SERVER_PORT"] = port


class ForwardedHeaders:
    """WSGI middleware: a trusted peer's forwarded headers applied, then the app."""

    def __init__(self, app: WSGIApplication, peers: TrustedPeers) -> None:
        self.app, self.peers = app, peers

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.peers.trust(environ.get("REMOTE_ADDR")):
            apply_forwarded(environ)
        return self.app(environ, start_response)


def _last_element(header: str) -> dict[str, str]:
    """The parameters (names in lower case, values unquoted) of the last element of a `Forwarded`
    header; {} when the header breaks RFC 7239's grammar anywhere."""
    elements: list[dict[str, str]] = [{}]
    position, after_pair = 0, False
    while position < len(header):
        found = _LEXEME.match(header, position)
        if found is None or (after_pair and found["name"]):  # junk, or two pairs with no separator
            return {}
        if found["name"]:
            name, value = found["name"].lower(), found["value"]
            if name in elements[-1]:  # a parameter given twice in one element
                return {}
            elements[-1][name] = re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value
        elif found["separator"] == ",":
            elements.append({})
        after_pair, position = bool(found["name"]), found.end()
    return elements[-1]


def _last(value: str | None) -> str | None:
    """The last of a comma-separated X-Forwarded-* list: the value the closest proxy added."""
    return value.rsplit(",", 1)[-1].strip() if value else None


def _proto(value: str | None) -> str | None:
    return value.lower() if value and value.lower() in ("http", "https") else None


def _host(value: str | None) -> str | None:
    """`value` if it is a host name, IPv4 address or bracketed IPv6 address with an optional port."""
    found = _HOST.match(value or "")
    if found is None or (found["port"] is not None and not _port(found["port"])):
        return None
    if not found["name"].startswith("[") and ("" in found["name"].removesuffix(".").split(".")):
        return None  # an empty label ("0..", ".x"): Werkzeug takes it, but no URL can be made of it
    if found["name"].startswith("["):
        try:
            ipaddress.IPv6Address(found["name"][1:-1])
        except ValueError:
            return None
    return value


def _port(value: str | None) -> str | None:
    return value if value and _PORT.match(value) and 0 < int(value) < 65536 else None
