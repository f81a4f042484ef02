"""Connection-level faults over a real loopback server, each proven by the exception a `requests`
client raises; the server keeps serving others meanwhile and leaks no thread or socket."""

import threading

import pytest
import requests
from support import open_sockets, wait_for

BEX_LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}


@pytest.fixture
def bex(live_server):
    url = live_server()
    login = f"{url}/bex/api/service/login"
    assert requests.post(login, json=BEX_LOGIN, timeout=5).status_code == 200  # warm: models, scheduler

    def fault(**rule):
        requests.delete(f"{url}/__admin/namespaces/default/faults", timeout=5)
        response = requests.post(f"{url}/__admin/namespaces/default/faults", json={"carrier": "bex", **rule}, timeout=5)
        assert response.status_code == 201, response.text

    return url, login, fault


def _being_answered_with(url: str, effect: str) -> None:
    """Waits until the journal shows a request the carrier answered with `effect`: the journal records
    it before the server applies the effect, so from then on that request holds its connection."""

    def answered() -> bool:
        entries = requests.get(f"{url}/__admin/namespaces/default/journal?limit=1", timeout=5).json()["entries"]
        return bool(entries) and any(fault["effect"] == effect for fault in entries[0]["faults"])

    wait_for(answered, what=f"a request answered with {effect} in the journal")


def test_reset_is_a_connection_reset(bex):
    url, login, fault = bex
    fault(effect="reset")
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.post(login, json=BEX_LOGIN, timeout=5)
    assert "reset" in str(caught.value).lower()


def test_drop_closes_with_no_response(bex):
    url, login, fault = bex
    fault(effect="drop")
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.post(login, json=BEX_LOGIN, timeout=5)
    assert "without response" in str(caught.value)


def test_hang_runs_into_the_clients_timeout_while_others_are_served(bex):
    url, login, fault = bex
    fault(effect="hang", max_ms=3000, times=1)
    outcome = {}

    def hung_call():
        try:
            # the hang lasts 3 s; half a second is fifty times what the journal read and the other
            # request take, so they are done while this one still hangs
            requests.post(login, json=BEX_LOGIN, timeout=0.5)
        except requests.exceptions.ReadTimeout as error:
            outcome["error"] = error

    caller = threading.Thread(target=hung_call)
    caller.start()
    _being_answered_with(url, "hang")
    assert requests.post(login, json=BEX_LOGIN, timeout=5).status_code == 200  # served while one hangs
    caller.join(10)
    assert isinstance(outcome.get("error"), requests.exceptions.ReadTimeout)


def test_truncate_breaks_the_body(bex):
    url, login, fault = bex
    fault(effect="truncate", missing_bytes=10)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.post(login, json=BEX_LOGIN, timeout=5)


def test_dribble_sends_the_whole_body_slowly(bex):
    url, login, fault = bex
    fault(effect="dribble", chunk_bytes=8, interval_ms=5)
    response = requests.post(login, json=BEX_LOGIN, timeout=5)
    assert response.status_code == 200 and response.json()["id"] == 19696  # all of it, piece by piece
    fault(effect="dribble", chunk_bytes=8, interval_ms=1000)
    with pytest.raises(requests.exceptions.ConnectionError):  # a read timeout in the middle of the body
        requests.post(login, json=BEX_LOGIN, timeout=0.3)


def test_the_carrier_handled_the_request_the_client_never_saw_answered(bex):
    url, login, fault = bex
    fault(effect="drop", operation="login")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(login, json=BEX_LOGIN, timeout=5)
    entry = requests.get(f"{url}/__admin/namespaces/default/journal?limit=1", timeout=5).json()["entries"][0]
    assert entry["response"]["status"] == 200 and entry["faults"][0]["effect"] == "drop"


def test_no_thread_or_socket_is_leaked(bex):
    """Counts sockets through /proc (Linux, where the suite runs)."""
    url, login, fault = bex
    threads, sockets = threading.active_count(), open_sockets()
    for effect, extra in (
        ("reset", {}),
        ("drop", {}),
        ("hang", {"max_ms": 300}),
        ("truncate", {}),
        ("dribble", {"chunk_bytes": 64, "interval_ms": 1}),
    ):
        fault(effect=effect, **extra)
        with requests.Session() as session:
            try:
                session.post(login, json=BEX_LOGIN, timeout=0.1 if effect == "hang" else 5)
            except requests.exceptions.RequestException:
                pass
    wait_for(lambda: threading.active_count() <= threads and open_sockets() <= sockets, 5, "no thread nor socket left")


@pytest.mark.parametrize(
    "rule, check",
    [
        (
            {"effect": "status", "status": 504},
            lambda r: r.status_code == 504 and r.json() == {"Message": "An error has occurred."},
        ),
        (
            {"effect": "rate_limit", "retry_after": 9},
            lambda r: r.status_code == 429 and r.headers["Retry-After"] == "9",
        ),
        ({"effect": "carrier_error", "message": "Busy."}, lambda r: r.status_code == 200 and r.json()["ex"] == "Busy."),
        ({"effect": "quota", "limit": 0}, lambda r: r.status_code == 429 and int(r.headers["Retry-After"]) > 0),
    ],
)
def test_answers_a_real_client_sees(bex, rule, check):
    url, login, fault = bex
    fault(**rule)
    assert check(requests.post(login, json=BEX_LOGIN, timeout=5))


def test_an_expired_token_over_loopback(bex):
    url, login, fault = bex
    token = requests.post(login, json=BEX_LOGIN, timeout=5).json()["value"]
    fault(effect="expire_token", operation="getquoteservicedeliverypricingv2")
    answer = requests.post(
        f"{url}/bex/api/service/getquoteservicedeliverypricingv2",
        headers={"token": token},
        json={"accountNumber": "ACC1001"},
        timeout=5,
    ).json()
    assert "anonymous access" in answer["ex"]


def test_others_are_served_while_one_answer_dribbles(bex):
    url, login, fault = bex
    # 231 bytes: about 0.7 s in all, some fifty times what the journal read and the other request take
    fault(effect="dribble", chunk_bytes=16, interval_ms=50, times=1)
    slow = {}
    caller = threading.Thread(target=lambda: slow.update(body=requests.post(login, json=BEX_LOGIN, timeout=30).content))
    caller.start()
    _being_answered_with(url, "dribble")
    assert requests.post(login, json=BEX_LOGIN, timeout=5).status_code == 200  # while the first still dribbles
    assert caller.is_alive()
    caller.join(60)
    assert slow["body"].startswith(b'{"id":19696')
