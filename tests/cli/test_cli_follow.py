"""`mock-carriers journal --follow`: the latest entries, then each new one as it comes, through a
namespace's reset, until interrupted (a real process, as a user runs it in a second terminal)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading

import pytest
import requests
from launching import MOCK_CARRIERS
from support import BEX_LOGIN


class Following:
    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [*MOCK_CARRIERS, "journal", "--follow", "--interval", "0.05", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(
                target=lambda s=stream, q=lines: [q.put(line.rstrip("\n")) for line in s], daemon=True
            ).start()

    def next(self, source: queue.Queue | None = None) -> str:
        return (source or self.out).get(timeout=15)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=10)


@pytest.fixture
def follow():
    started = []

    def start(*args) -> Following:
        started.append(Following(*args))
        return started[-1]

    yield start
    for following in started:
        if following.process.poll() is None:
            following.process.kill()
            following.process.wait()


def login(url: str, prefix: str = "") -> None:
    assert requests.post(f"{url}{prefix}/bex/api/service/login", json=BEX_LOGIN, timeout=5).ok


def test_it_prints_the_latest_then_each_new_entry_until_interrupted(live_server, follow):
    url = live_server()
    login(url)
    following = follow("--url", url, "--limit", "1")
    assert "POST   200  bex:login  /bex/api/service/login" in following.next()
    for _ in range(3):
        login(url)
    assert all("bex:login" in following.next() for _ in range(3))
    requests.delete(f"{url}/__admin/namespaces/default", timeout=5)
    assert following.next(following.err) == "(namespace default was reset)"
    login(url)
    assert "bex:login" in following.next()
    assert following.interrupt() == 0
    assert following.out.empty()


def test_it_waits_for_a_namespace_and_prints_json_lines(live_server, follow):
    url = live_server()
    following = follow("--url", url, "-n", "later", "--json", "--carrier", "bex")
    assert following.next(following.err) == "(waiting for namespace later: not live yet)"
    login(url, "/ns/later")
    requests.post(f"{url}/ns/later/border-express/token", timeout=5, data={"grant_type": "client_credentials"})
    login(url, "/ns/later")
    assert following.next(following.err) == "(namespace later is live)"
    entries = [json.loads(following.next()) for _ in range(2)]
    assert [entry["carrier"] for entry in entries] == ["bex", "bex"] and entries[0]["id"] < entries[1]["id"]
    assert following.interrupt() == 0


def test_a_server_that_is_not_there_is_an_error():
    result = subprocess.run(
        [*MOCK_CARRIERS, "journal", "-f", "--url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and "cannot reach http://127.0.0.1:9" in result.stderr
