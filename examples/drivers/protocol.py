"""The driver's side of mock-carriers' conformance protocol (docs/conformance.md), shared by the
example drivers here so that each of them is only what its task needs.

The kit runs a driver once per check with `MOCK_CARRIERS_CARRIER`, `MOCK_CARRIERS_TASK`,
`MOCK_CARRIERS_BASE_URL`, `MOCK_CARRIERS_CONTEXT` (a JSON file: `credentials`, `references`,
`timeouts`, and for webhooks `listen_host`, `listen_port`, `secret`) and `MOCK_CARRIERS_RESULT`
(where the result goes) in its environment.

* `run(main)`: calls `main(task)`; what it answers is written as the result, exit 0. An exception
  is the driver reporting failure: `{"error": "<one line>"}` written, the same line on stderr,
  exit 1 (a traceback would make it look like a crash). `outcome(main, task)` is that verdict
  without the process around it (result and exit status), for a caller that runs `main` itself.
* `Task.client_options(...)`: the credentials a client takes, with the context's `timeouts.request`
  and, when the kit gives it, `hints.backoff`.
* `receive(task, accept)`: the `receive-webhooks` task, called from `main`, which returns what it
  answers. Listens on `listen_host:listen_port`; `accept(headers, body)` answers a genuine
  delivery's id or raises to refuse it (401). A delivery seen before is answered 200 again (else
  the carrier retries) but not processed twice. When `task.stop` is set (in a process of its own,
  on SIGTERM or Ctrl-C) it answers `{"processed": [ids]}`.

The example clients live one folder up and are imported from there, unchanged.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Callable, Mapping, NoReturn
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the clients


@dataclass(frozen=True)
class Task:
    carrier: str
    name: str
    base_url: str
    context: dict
    result_path: str | None
    stop: threading.Event = field(default_factory=threading.Event)  # set when the kit asks a receiver to end

    @property
    def credentials(self) -> dict:
        return self.context.get("credentials") or {}

    @property
    def references(self) -> dict:
        return self.context.get("references") or {}

    def client_options(self, *credentials: str) -> dict:
        """The named credentials, `timeouts.request` as the client's timeout when the kit gives one,
        and the kit's optional `hints.backoff` as the client's first retry delay (a test suite that
        grades quickly asks for a short one; without it the client keeps its own)."""
        options = {name: self.credentials[name] for name in credentials if name in self.credentials}
        request_timeout = (self.context.get("timeouts") or {}).get("request")
        if request_timeout:
            options["timeout"] = float(request_timeout)
        backoff = (self.context.get("hints") or {}).get("backoff")
        if backoff:
            options["backoff"] = float(backoff)
        return options


def load() -> Task:
    """The task the kit gave, from the environment (a missing variable is a KeyError naming it)."""
    with open(os.environ["MOCK_CARRIERS_CONTEXT"], encoding="utf-8") as file:
        context = json.load(file)
    return Task(
        os.environ["MOCK_CARRIERS_CARRIER"],
        os.environ["MOCK_CARRIERS_TASK"],
        os.environ["MOCK_CARRIERS_BASE_URL"],
        context,
        os.environ.get("MOCK_CARRIERS_RESULT"),
    )


def finish(result: dict, status: int = 0) -> NoReturn:
    path = os.environ.get("MOCK_CARRIERS_RESULT")
    if path:
        Path(path).write_text(json.dumps(result), encoding="utf-8")
    sys.exit(status)


def outcome(main: Callable[[Task], dict], task: Task) -> tuple[dict, int]:
    """`main(task)`'s result and exit status 0, or, when it raised, its failure and exit status 1."""
    try:
        return main(task), 0
    except Exception as error:  # the driver's verdict on the task: it failed, and why
        return {"error": f"{type(error).__name__}: {error}".replace("\n", " ")}, 1


def run(main: Callable[[Task], dict]) -> NoReturn:
    """Run one task: its result written and exit 0, or its failure written and exit 1. A webhook
    receiver's SIGTERM (and Ctrl-C) set `task.stop`."""
    task = load()
    if task.name == "receive-webhooks":
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: task.stop.set())
    result, status = outcome(main, task)
    if status:
        print(f"failed: {result['error']}", file=sys.stderr)
    finish(result, status)


def receive(task: Task, accept: Callable[[Mapping[str, str], bytes], str], echo: bool = False) -> dict:
    """Serve webhook deliveries until `task.stop` is set, then answer the ids processed. `echo`: answer
    `GET ?echo=<value>` with the value, the check BEX makes of a receiver before it registers it."""
    processed: list[str] = []
    seen: set[str] = set()
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                delivery = accept(self.headers, body)
            except Exception as refused:  # forged, stale, or not a delivery at all: never processed
                self._answer(401, f"refused: {refused}")
                return
            with lock:
                if delivery not in seen:  # a carrier repeats a delivery it thinks failed: act once
                    seen.add(delivery)
                    processed.append(delivery)
            self._answer(200, "ok")

        def do_GET(self) -> None:
            value = parse_qs(urlsplit(self.path).query).get("echo")
            self._answer(200, value[0]) if echo and value else self._answer(404, "not found")

        def _answer(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # quiet: the kit captures output, and needs none
            pass

    server = HTTPServer((task.context["listen_host"], int(task.context["listen_port"])), Receiver)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    while not task.stop.wait(1):
        pass
    server.shutdown()  # within a poll interval
    server.server_close()
    with lock:
        return {"processed": list(processed)}
