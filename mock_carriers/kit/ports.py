"""The port a `receive-webhooks` driver listens on: chosen by the kit, free when handed out, and
kept free until the driver binds it.

A port is probed by binding it for a moment. A child process forked during that moment holds a
copy of the probe's socket, and with it the port, until it execs; a driver binding the port
meanwhile would find it taken. So probing and starting a child (`spawning`) take one lock.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

_listening: set[int] = set()  # ports handed to runs of this process that have not ended
_lock = threading.Lock()  # held to probe a port, or to start a child process
_BELOW_EPHEMERAL = 12_000  # how many ports under the system's ephemeral range a driver's port is drawn from


@contextmanager
def listening_port(host: str) -> Iterator[int]:
    """A port free on `host` for one driver to listen on, given to no other run of this process
    until this one ends. Drawn under the system's range of ephemeral ports where this can tell it
    (Linux): a port from that range can be taken, between this check and the driver's bind, as the
    local end of any outgoing connection (the kit's own, other drivers')."""
    with _lock:
        port = _free_port(host)
        _listening.add(port)
    try:
        yield port
    finally:
        with _lock:
            _listening.discard(port)


@contextmanager
def spawning() -> Iterator[None]:
    """Hold while starting a child process (until it has exec'd, as `subprocess.Popen` returns), so
    that it never inherits a socket probing a port another run is about to be handed."""
    with _lock:
        yield


def wait_listening(host: str, port: int, alive: Callable[[], bool], deadline: float) -> str | None:
    """Poll until `host:port` accepts a connection; else why not (the driver ended, or time ran out)."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.25):
                return None
        except OSError:
            if not alive():
                return f"the driver ended before listening on {host}:{port}"
            time.sleep(0.02)
    return f"nothing listened on {host}:{port} in time"


def _free_port(host: str) -> int:
    low = _ephemeral_low()
    if low is not None and low > 1024:
        candidates = range(max(1024, low - _BELOW_EPHEMERAL), low)
        for port in random.sample(candidates, min(200, len(candidates))):  # not a shuffle of them all: 200 draws
            if port not in _listening and _bindable(host, port):
                return port
    while True:  # elsewhere, or when every port tried is taken: one the system picks
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if port not in _listening:
            return port


def _ephemeral_low() -> int | None:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
