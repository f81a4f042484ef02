"""The dashboard reads the mock only through the admin API, in-process: each read is a real admin
request through the app (the same routing, token check, validation and contract checks as any
client's), carrying the caller's own `Authorization`. So the page shows exactly what the admin API
answers, and without the admin token it shows nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.test import Client


class Refused(Exception):
    """The admin API did not answer 200: its answer (status and JSON error) goes back to the page."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def admin_get(path: str, **query: Any) -> Any:
    """GET `/__admin<path>` for the current caller; the parsed JSON (or text), else Refused."""
    headers = {}
    if "Authorization" in request.headers:
        headers["Authorization"] = request.headers["Authorization"]
    client = Client(current_app._get_current_object(), Response)  # type: ignore[attr-defined]
    answer = client.get(
        "/__admin" + path,
        query_string={key: value for key, value in query.items() if value not in (None, "")},
        headers=headers,
        base_url=request.host_url,
        environ_overrides={"REMOTE_ADDR": request.remote_addr or "127.0.0.1"},
    )
    if answer.status_code != 200:
        raise Refused(Response(answer.get_data(), answer.status_code, dict(answer.headers)))
    if answer.mimetype == "application/json":
        return json.loads(answer.get_data())
    return answer.get_data(as_text=True)


def segment(name: str) -> str:
    """A path segment as the admin API reads it back (a namespace name with markup stays text)."""
    return quote(name, safe="")
