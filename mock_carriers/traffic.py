"""Recorded traffic checked against the carriers' contracts: a HAR file (what browsers, mitmproxy
and most HTTP proxies save) or a journal saved from `GET /__admin/namespaces/{ns}/journal`.

A request is matched to its carrier by the real API's host name, or by the mock's URL forms
(`/<carrier>/...`, `/ns/<namespace>/<carrier>/...`); exchanges with anything else are skipped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urlsplit

from mock_carriers import contracts
from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts import Violation
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


@dataclass
class Finding:
    index: int
    exchange: Exchange
    violations: list[Violation]


def exchanges(document: Any) -> list[Exchange]:
    """The exchanges of a HAR document or a saved journal; ValueError for anything else."""
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        return [_from_har(entry) for entry in document["log"].get("entries") or []]
    if isinstance(document, dict) and isinstance(document.get("entries"), list):
        return [_from_journal(entry) for entry in document["entries"]]
    raise ValueError("not a HAR file (no `log.entries`) nor a saved journal (no `entries`)")


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
    try:
        contracts.operation_for(carrier, exchange.method, path)
    except ValueError as error:
        yield Violation(carrier, "request", "operation", f"{exchange.method} {path[:200]}", "operation", str(error))
        return
    content_type = _header(exchange.headers, "content-type")
    yield from contracts.validate_request(carrier, exchange.method, path, headers=exchange.headers,
                                          body=exchange.body, content_type=content_type)
    if exchange.status is not None:
        yield from contracts.validate_response(carrier, exchange.method, path, exchange.status,
                                               body=exchange.response_body,
                                               content_type=_header(exchange.response_headers, "content-type"),
                                               headers=exchange.response_headers)


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _from_har(entry: dict) -> Exchange:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    parts = urlsplit(request.get("url", ""))
    post = request.get("postData") or {}
    content = response.get("content") or {}
    text = content.get("text") or ""
    body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode("utf-8")
    return Exchange(request.get("method", "GET").upper(), request.get("url", ""), parts.query,
                    _har_headers(request.get("headers")), (post.get("text") or "").encode("utf-8"),
                    response.get("status"), _har_headers(response.get("headers")), body)


def _har_headers(headers: Any) -> dict[str, str]:
    return {item["name"]: item.get("value", "") for item in headers or [] if isinstance(item, dict) and "name" in item}


def _from_journal(entry: dict) -> Exchange:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    return Exchange(request.get("method", "GET").upper(), request.get("path", ""), request.get("query", ""),
                    dict(request.get("headers") or {}), _journal_body(request), response.get("status"),
                    dict(response.get("headers") or {}), _journal_body(response))


def _journal_body(part: dict) -> bytes:
    if "body_base64" in part:
        return base64.b64decode(part["body_base64"])
    return (part.get("body") or "").encode("utf-8")

