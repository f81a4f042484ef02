"""The memory round trip (issue: hold under abuse): a real server takes rounds of large uploads into
one namespace, each round ending with the namespace dropped. The server's resident memory should
come back to where it was after every drop, not climb round after round: once with the journal
keeping 64 KiB of each body (the default), once keeping them whole (--journal-body-limit 10 MiB),
where only freeing the dropped namespace at once brings it back."""

from __future__ import annotations

import time

import requests

BODY = b"x" * (9 * 1024 * 1024)  # under the 10 MiB a request may carry
UPLOAD = "/ns/memory/borderless360/api/v1/public_api/products/"
AUTH = {"Authorization": "Token mock-b360-token", "Content-Type": "text/plain"}


def rss_mib() -> float:
    """This process's resident memory (the server runs in it, on a thread), from /proc."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def round_trips(rounds: int, uploads: int, body_limit: int) -> tuple[float, list[tuple[float, float]]]:
    """RSS before the first round, and after each round's uploads and after its drop (MiB)."""
    from mock_carriers import create_app
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings

    app = create_app(Settings(journal_body_limit=body_limit))
    server = Server(app, "127.0.0.1", 0).start()
    namespaces = app.extensions["mock_carriers"].namespaces
    try:
        session = requests.Session()
        session.post(f"{server.url}{UPLOAD}", data=b"warm-up", headers=AUTH, timeout=30)
        session.delete(f"{server.url}/__admin/namespaces/memory", timeout=30)
        before, figures = rss_mib(), []
        for _ in range(rounds):
            for _ in range(uploads):
                session.post(f"{server.url}{UPLOAD}", data=BODY, headers=AUTH, timeout=30)
            loaded = rss_mib()
            assert session.delete(f"{server.url}/__admin/namespaces/memory", timeout=30).status_code == 204
            while namespaces.get("memory", create=False) is not None:
                time.sleep(0.01)
            time.sleep(0.2)  # the registry frees a dropped namespace on a timer thread, 50 ms later
            figures.append((loaded, rss_mib()))
    finally:
        server.stop()
        namespaces.close()
    return before, figures


def run(quick: bool = False) -> list[dict]:
    uploads, rows = 10 if quick else 30, []
    for label, body_limit in (("64 KiB kept", 64 * 1024), ("bodies kept whole", 10 * 1024 * 1024)):
        before, figures = round_trips(3, uploads, body_limit)
        rows.append({"name": f"memory ({label}): RSS before", "value": before, "unit": "MiB"})
        for number, (loaded, dropped) in enumerate(figures, 1):
            rows.append(
                {
                    "name": f"memory ({label}): round {number}, after {uploads} x 9 MiB uploads",
                    "value": loaded,
                    "unit": "MiB",
                }
            )
            rows.append({"name": f"memory ({label}): round {number}, after the drop", "value": dropped, "unit": "MiB"})
        # from the first drop on: the allocator may keep some freed memory for reuse once (glibc
        # raises its mmap threshold after a large free), but a leak grows every round
        rows.append(
            {
                "name": f"memory ({label}): growth from round 1's drop to round 3's",
                "value": figures[-1][1] - figures[0][1],
                "unit": "MiB",
                "target": "<= 16 MiB",
            }
        )
    return rows
