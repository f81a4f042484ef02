"""What each fault effect does to a request, applied by the pipeline for every carrier alike:
before the carrier handles it (wait, answer instead, spoil the caller's token) or to its answer
(break the JSON). The carrier only supplies its typical business error, its Retry-After form and
where its clients send their credentials."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from flask import Request
from werkzeug.wrappers import Response

from mock_carriers.carriers.base import Carrier
from mock_carriers.connection_faults import ENVIRON_KEY, STOPPING_KEY
from mock_carriers.core.errors import TooManyRequests, Unavailable
from mock_carriers.core.faults import FaultRule
from mock_carriers.core.namespaces import Namespace


def before(rule: FaultRule, request: Request, carrier: Carrier, namespace: Namespace) -> bool:
    """Apply a rule before handling: raises to answer instead of the carrier, else answers whether
    the rule did anything (a quota with room left does not, nor a rule whose `times` another
    request used up meanwhile). A rule is claimed (counted as fired) only when it acts."""
    effect, params, book = rule.effect, rule.params, namespace.faults
    if effect == "quota":
        assert rule.quota is not None  # parse_rule gives every quota rule its window
        retry_after = rule.quota.hit(_quota_key(request, carrier), namespace.clock.timestamp())
        if retry_after is None or not book.claim(rule):
            return False
        raise _throttled(retry_after, carrier.retry_after_format, carrier, namespace)
    if not book.claim(rule):
        return False
    if effect == "latency":
        _wait(request, book.latency_ms(rule) / 1000)
    elif effect in ("expire_token", "revoke_token"):
        authority = namespace.tokens(carrier)
        for value in carrier.credentials(request):
            getattr(authority, effect.removesuffix("_token"))(token=value)
    elif effect == "status":
        raise Unavailable(params["status"])
    elif effect == "rate_limit":
        raise _throttled(params["retry_after"], params["retry_after_format"], carrier, namespace)
    elif effect == "carrier_error":
        raise carrier.business_error(params["message"])
    return True


def _wait(request: Request, seconds: float) -> None:
    """Real time (clients measure real time), cut short when the server stops: a stopping server
    would otherwise wait for the latency to run out before its connections close. Cut short, the
    request gets no answer (its connection is dropped), as from a real server going down."""
    stopping = request.environ.get(STOPPING_KEY)
    if stopping is None:  # in-process (Flask's test client): no server to stop
        time.sleep(seconds)
    elif stopping.wait(seconds):
        request.environ[ENVIRON_KEY] = ("drop", {})


def after(rule: FaultRule, response: Response) -> Response:
    """`malformed`: the carrier's answer cut in the middle and spoiled, its Content-Type kept."""
    body = response.get_data()
    response.set_data(body[: max(len(body) // 2, 1)] + b'\x00{"')
    return response


def _quota_key(request: Request, carrier: Carrier) -> str:
    """Whom a quota counts: the request's own credential, else its client's address."""
    presented = carrier.credentials(request)
    return f"credential {presented[0][:200]}" if presented else f"address {request.remote_addr or ''}"


def _throttled(seconds: int, form: str, carrier: Carrier, namespace: Namespace) -> TooManyRequests:
    error = TooManyRequests(seconds)
    if form == "http-date":
        moment = namespace.clock.now().astimezone(timezone.utc) + timedelta(seconds=seconds)
        error.headers["Retry-After"] = format_datetime(
            datetime.fromtimestamp(int(moment.timestamp()), timezone.utc), usegmt=True
        )
    return error
