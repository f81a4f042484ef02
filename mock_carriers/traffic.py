"""Recorded traffic checked against the carriers' contracts: a HAR file (what browsers, mitmproxy
and most HTTP proxies save) or a journal saved from `GET /__admin/namespaces/{ns}/journal` (or its
entries, as `mock-carriers journal --json` prints them). A body the journal kept only the start of
is not checked: the rest of it is not there to check. Nor is a response the mock broke on purpose
(a journal entry with an injected fault), as the mock itself does not check those; its request is.

A request is matched to its carrier by the real API's host name, or by the mock's URL forms
(`/<carrier>/...`, `/ns/<namespace>/<carrier>/...`); exchanges with anything else are skipped.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urlsplit

from mock_carriers import conformance
from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.errors import CarrierError
from mock_carriers.core.routing import resolve_target


@dataclass
class Exchange:
    """One request and its response, as recorded."""

    method: str
    url: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    body_cut: bool = False  # the recording kept only the start of the body: it is not checked
    response_body_cut: bool = False
    faulted: bool = False  # a fault was injected: the response is broken on purpose, so it is not checked


@dataclass
class Finding:
    index: int
    exchange: Exchange
    violations: list[Violation]


def exchanges(document: Any) -> list[Exchange]:
    """The exchanges of a HAR document or a saved journal; ValueError for anything else."""
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        return _each(document["log"].get("entries") or [], _from_har)
    if isinstance(document, dict) and isinstance(document.get("entries"), list):
        return _each(document["entries"], _from_journal)
    if isinstance(document, list):
        return _each(document, _from_journal)
    raise ValueError("not a HAR file (no `log.entries`) nor a saved journal (no `entries`)")


def _each(entries: Any, read) -> list[Exchange]:
    """Every entry read, or ValueError naming the first that is not an exchange."""
    if not isinstance(entries, list):
        raise ValueError("its entries are not a list")
    found = []
    for index, entry in enumerate(entries, 1):
        try:
            exchange = read(entry)
        except (AttributeError, TypeError, ValueError, binascii.Error) as exc:
            raise ValueError(f"entry {index} is not a recorded exchange ({type(exc).__name__}: {exc})") from None
        if not (
            isinstance(exchange.method, str)
            and isinstance(exchange.url, str)
            and (exchange.status is None or type(exchange.status) is int)
        ):
            raise ValueError(f"entry {index} is not a recorded exchange (method, URL or status of the wrong type)")
        found.append(exchange)
    return found


def check(recorded: list[Exchange]) -> Iterator[Finding]:
    """Each exchange with a carrier, with its violations (requests and responses)."""
    for index, exchange in enumerate(recorded, 1):
        parts = urlsplit(exchange.url)
        try:
            target = resolve_target(parts.path or "/", parts.hostname, None, CARRIERS.names, CARRIERS.hosts)
        except CarrierError:
            target = None
        if target is None:
            continue
        path = target.path + (f"?{exchange.query}" if exchange.query else "")
        yield Finding(index, exchange, list(_violations(target.carrier, path, exchange)))


def _violations(carrier: str, path: str, exchange: Exchange) -> Iterator[Violation]:
    if exchange.method == "OPTIONS" and _header(exchange.headers, "access-control-request-method"):
        return  # a browser's preflight: the CORS layer answers it, no operation does
    try:
        conformance.operation_for(carrier, exchange.method, path)
    except ValueError as error:
        yield Violation(carrier, "request", "operation", f"{exchange.method} {path[:200]}", "operation", str(error))
        return
    content_type = _header(exchange.headers, "content-type")
    found = conformance.validate_request(
        carrier, exchange.method, path, headers=exchange.headers, body=exchange.body, content_type=content_type
    )
    yield from (violation for violation in found if not (exchange.body_cut and violation.location == "body"))
    if exchange.status is not None and not exchange.faulted:
        found = conformance.validate_response(
            carrier,
            exchange.method,
            path,
            exchange.status,
            body=exchange.response_body,
            content_type=_header(exchange.response_headers, "content-type"),
            headers=exchange.response_headers,
        )
        yield from (
            violation for violation in found if not (exchange.response_body_cut and violation.location == "body")
        )


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _from_har(entry: dict) -> Exchange:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    parts = urlsplit(request.get("url", ""))
    post = request.get("postData") or {}
    content = response.get("content") or {}
    text = content.get("text") or ""
    body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode("utf-8")
    return Exchange(
        request.get("method", "GET").upper(),
        request.get("url", ""),
        parts.query,
        _har_headers(request.get("headers")),
        (post.get("text") or "").encode("utf-8"),
        response.get("status"),
        _har_headers(response.get("headers")),
        body,
    )


def _har_headers(headers: Any) -> dict[str, str]:
    return {
        str(item["name"]): str(item.get("value", ""))
        for item in headers or []
        if isinstance(item, dict) and "name" in item
    }


def _from_journal(entry: dict) -> Exchange:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    return Exchange(
        request.get("method", "GET").upper(),
        request.get("path", ""),
        str(request.get("query", "")),
        _text_headers(request.get("headers")),
        _journal_body(request),
        response.get("status"),
        _text_headers(response.get("headers")),
        _journal_body(response),
        bool(request.get("body_truncated")),
        bool(response.get("body_truncated")),
        bool(entry.get("faults")),
    )


def _text_headers(headers: Any) -> dict[str, str]:
    return {str(name): str(value) for name, value in (headers or {}).items()}


def _journal_body(part: dict) -> bytes:
    if "body_base64" in part:
        return base64.b64decode(part["body_base64"])
    return (part.get("body") or "").encode("utf-8")
