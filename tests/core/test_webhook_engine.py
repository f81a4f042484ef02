"""The webhook engine on its own: signatures, and retry timing for any sequence of answers."""

import hashlib
import hmac
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.outbound import Answer
from mock_carriers.core.webhooks import DELIVERED, GAVE_UP, UNSUBSCRIBED, HeaderSigner, RetryPolicy, WebhookHub


@given(st.binary(max_size=2000), st.text(min_size=1, max_size=64), st.booleans())
def test_signature_is_the_hmac_of_the_exact_body(body, secret, uppercase):
    header = HeaderSigner("ms-signature", "sha256=", uppercase).headers(secret, body)["ms-signature"]
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    assert header == "sha256=" + (expected.upper() if uppercase else expected)


def test_no_secret_no_signature():
    assert HeaderSigner("x").headers(None, b"{}") == {}


class Answers:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, body, headers, deadline):
        answer = self.answers.pop(0) if self.answers else 200
        self.calls.append(body)
        if answer is None:
            raise ConnectionRefusedError("refused")
        return Answer(answer, b"")


POLICY = RetryPolicy(delays=(60.0, 240.0), unsubscribe_on=frozenset({410}))
answer = st.one_of(st.none(), st.sampled_from([200, 201, 204, 301, 400, 404, 410, 429, 500, 502, 503]))


@given(st.lists(answer, max_size=5))
def test_retry_timing_for_any_sequence_of_answers(answers):
    clock = VirtualClock()
    clock.freeze()
    start = clock.timestamp()
    post = Answers(answers)
    hub = WebhookHub(clock, outbox_limit=10, outbound=post)
    hub.subscribe("c", "http://127.0.0.1:9/hook", secret="k")
    delivery = hub.emit("c", "e", {}, lambda d, n, at: (f'{{"attempt":{n}}}'.encode(), {}), POLICY)[0]
    clock.advance(timedelta(hours=1))
    times = [a.at - start for a in delivery.attempts]
    statuses = [a.status for a in delivery.attempts]
    assert times == [0.0, 60.0, 300.0][: len(times)]
    for status in statuses[:-1]:
        assert not (status is not None and 200 <= status < 300) and status != 410
    last = statuses[-1]
    if last is not None and 200 <= last < 300:
        assert delivery.state == DELIVERED
    elif last == 410:
        assert delivery.state == UNSUBSCRIBED and not delivery.subscription.active
    else:
        assert delivery.state == GAVE_UP and len(delivery.attempts) == 3
    assert post.calls == [f'{{"attempt":{n}}}'.encode() for n in range(1, len(times) + 1)]


def test_unsubscribed_subscriptions_get_nothing_more():
    clock = VirtualClock()
    clock.freeze()
    hub = WebhookHub(clock, outbox_limit=10, outbound=Answers([410]))
    hub.subscribe("c", "http://127.0.0.1:9/hook")
    hub.emit("c", "e", {}, lambda d, n, at: (b"{}", {}), POLICY)
    clock.advance(timedelta(0))
    assert hub.emit("c", "e", {}, lambda d, n, at: (b"{}", {}), POLICY) == []


def test_filters_and_scopes():
    hub = WebhookHub(VirtualClock(), outbox_limit=10, outbound=Answers([]))
    hub.subscribe("c", "http://x/1", filters=("pod",))
    hub.subscribe("c", "http://x/2", scope=("ACC1",))
    hub.subscribe("other", "http://x/3")
    sent = hub.emit("c", "pod", {}, lambda d, n, at: (b"{}", {}), POLICY, scope_key="ACC2")
    assert [d.subscription.url for d in sent] == ["http://x/1"]
    sent = hub.emit("c", "tracking", {}, lambda d, n, at: (b"{}", {}), POLICY, scope_key="ACC1")
    assert [d.subscription.url for d in sent] == ["http://x/2"]
