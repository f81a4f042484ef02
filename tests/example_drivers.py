"""examples/drivers/ started as the conformance kit starts them (docs/conformance.md): a subprocess
given the protocol's environment and context file, against one namespace."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support import wait_for

DRIVERS = Path(__file__).resolve().parents[1] / "examples" / "drivers"
REQUEST_TIMEOUT = 5  # the kit's `timeouts.request`
BACKOFF = 0.05  # the kit's optional `hints.backoff`: a retry waits 50 ms (the clients' own first wait is 0.5 s)


@dataclass
class DriverRun:
    returncode: int
    result: dict | None  # what it wrote to MOCK_CARRIERS_RESULT, if anything
    stderr: str


class Drivers:
    """examples/drivers/<carrier>_<task>.py started as the conformance kit starts them: a subprocess
    with the protocol's environment and context file, against one test's namespace."""

    def __init__(self, carriers, folder: Path, processes: list | None = None, results: dict | None = None) -> None:
        self.carriers, self.folder = carriers, folder
        self.processes = [] if processes is None else processes  # every one started, stopped after the test
        self.results: dict[int, Path] = {} if results is None else results  # each one's result file, by pid

    def on(self, sandbox) -> "Drivers":
        """The same, against another namespace."""
        return Drivers(sandbox, self.folder, self.processes, self.results)

    def start(self, carrier: str, task: str, references: dict, **context) -> subprocess.Popen:
        name = f"{self.carriers.name}-{carrier}-{task}"  # drivers of several namespaces may run at once
        context_file, result_file = self.folder / f"{name}.json", self.folder / f"{name}.result.json"
        result_file.unlink(missing_ok=True)
        document = {
            "carrier": carrier,
            "task": task,
            "base_url": self.carriers.url(carrier),
            "credentials": self.carriers.credentials(carrier),
            "references": references,
            "timeouts": {"request": REQUEST_TIMEOUT, "task": 60},
            "hints": {"backoff": BACKOFF},
        }
        context_file.write_text(json.dumps(document | context))
        env = os.environ | {
            "MOCK_CARRIERS_CARRIER": carrier,
            "MOCK_CARRIERS_TASK": task,
            "MOCK_CARRIERS_BASE_URL": self.carriers.url(carrier),
            "MOCK_CARRIERS_CONTEXT": str(context_file),
            "MOCK_CARRIERS_RESULT": str(result_file),
        }
        script = DRIVERS / f"{carrier.replace('-', '_')}_{task.replace('-', '_')}.py"
        process = subprocess.Popen(
            [sys.executable, str(script)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.processes.append(process)
        self.results[process.pid] = result_file
        return process

    def finish(self, process: subprocess.Popen, timeout: float = 120) -> DriverRun:
        _, stderr = process.communicate(timeout=timeout)
        result_file = self.results[process.pid]
        result = json.loads(result_file.read_text()) if result_file.exists() else None
        return DriverRun(process.returncode, result, stderr)

    def listen(self, carrier: str, secret: str) -> tuple[subprocess.Popen, str]:
        """A `receive-webhooks` driver, started and accepting connections; answers it and its URL."""
        with socket.socket() as probe:  # a free port for the driver to take
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = self.start(carrier, "receive-webhooks", {}, listen_host="127.0.0.1", listen_port=port, secret=secret)

        def accepting() -> bool:
            assert process.poll() is None, process.communicate()[1]
            with socket.socket() as client:
                return client.connect_ex(("127.0.0.1", port)) == 0

        wait_for(accepting, what="the driver listening")
        return process, f"http://127.0.0.1:{port}/webhooks/{carrier}"

    def stop(self, process: subprocess.Popen) -> DriverRun:
        """Ask a `receive-webhooks` driver to end, as the kit does (SIGTERM), and answer how it ended."""
        process.send_signal(signal.SIGTERM)
        return self.finish(process)


def stop_all(started: Drivers) -> None:
    for process in started.processes:
        if process.poll() is None:  # a test that failed half-way
            process.kill()
            process.communicate()
