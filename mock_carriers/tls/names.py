"""Which leaf certificate a host name gets: one canonical name per leaf, or a refusal."""

from __future__ import annotations

import ipaddress
import re

LOCALHOST = "localhost"
LOCALHOST_NAMES = (LOCALHOST, "127.0.0.1", "::1")  # the one leaf a client reaching the mock directly checks
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")


def leaf_name(host: str) -> str:
    """The canonical name of HOST's leaf: `localhost` for localhost, 127.0.0.1 and ::1, an IP address in
    its short form, else the lower-case DNS name without a trailing dot. Raises ValueError for
    anything else (a wildcard, an underscore, a Unicode name not given as its xn-- form)."""
    if not isinstance(host, str) or not host.isascii():
        raise ValueError(f"{host!r} is not a host name (an IDN is given as its xn-- form)")
    text = host.lower()
    address = ip_address(text[1:-1] if text.startswith("[") and text.endswith("]") else text)  # [::1] as in a URL
    if address is not None:
        return LOCALHOST if str(address) in LOCALHOST_NAMES else str(address)
    text = text.removesuffix(".")
    labels = text.split(".")
    if not text or len(text) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{host!r} is not a host name (letters, digits, hyphens and dots; an IDN as its xn-- form)")
    return text


def ip_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """TEXT as an IP address without a zone (`fe80::1%eth0` names no certificate), else None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return None if getattr(address, "scope_id", None) else address


def subject_names(name: str) -> tuple[str, ...]:
    """The names a leaf for canonical NAME covers."""
    return LOCALHOST_NAMES if name == LOCALHOST else (name,)


def file_stem(name: str) -> str:
    """A file name for NAME's leaf on every system (no `:`; `_` never occurs in a DNS name)."""
    return name.replace(":", "_")
