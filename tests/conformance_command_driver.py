"""The reference driver as a command, speaking the protocol of docs/conformance.md from the outside:
the environment and context file in, the exit status and result file out, SIGTERM to stop
receiving webhooks. `python command_driver.py [KNOB ...]` sets knobs of `Naive`; `--misbehave HOW`
does something no driver should (crash, hang, ignore SIGTERM, garbage, ...), for the kit's own
robustness tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conformance_drivers import driver  # noqa: E402

from mock_carriers.kit import Run, TaskFailed  # noqa: E402


class Accepting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def misbehave(how: str, *args: str) -> None:
    result = os.environ["MOCK_CARRIERS_RESULT"]
    if how == "crash":
        raise RuntimeError("the driver fell over")
    if how == "hang":  # ignores SIGTERM, and leaves a child behind; writes both pids to the file args[0]
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        Path(args[0]).write_text(f"{os.getpid()} {child.pid}")
        time.sleep(3600)
    if how == "deaf":  # listens and answers every delivery, but ignores SIGTERM
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        context = json.loads(Path(os.environ["MOCK_CARRIERS_CONTEXT"]).read_text())
        HTTPServer((context["listen_host"], context["listen_port"]), Accepting).serve_forever()
    if how == "garbage":
        sys.stdout.buffer.write(bytes(range(256)) * 64 + b"<script>alert(1)</script>\n")
        sys.stderr.write("]]></failure><b>not markup</b> \x1b[31m\x00\n")
        Path(result).write_bytes(b"\xff\xfe not json {")
        raise SystemExit(0)
    if how == "list-result":
        Path(result).write_text("[1, 2, 3]")
        raise SystemExit(0)
    if how == "nothing":
        raise SystemExit(0)
    if how == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    raise SystemExit(f"unknown misbehaviour {how}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--misbehave"]:
        misbehave(*argv[1:])
    with open(os.environ["MOCK_CARRIERS_CONTEXT"], encoding="utf-8") as handle:
        context = json.load(handle)
    run = Run(
        carrier=os.environ["MOCK_CARRIERS_CARRIER"],
        task=os.environ["MOCK_CARRIERS_TASK"],
        base_url=os.environ["MOCK_CARRIERS_BASE_URL"],
        credentials=context["credentials"],
        references=context["references"],
        timeouts=context["timeouts"],
        context_path=os.environ["MOCK_CARRIERS_CONTEXT"],
        result_path=os.environ["MOCK_CARRIERS_RESULT"],
        listen_host=context.get("listen_host"),
        listen_port=context.get("listen_port"),
        secret=context.get("secret"),
        proxy_env={
            key: os.environ[key] for key in ("HTTPS_PROXY", "REQUESTS_CA_BUNDLE") if "HTTPS_PROXY" in os.environ
        },
        hints=context.get("hints") or {},
    )
    signal.signal(signal.SIGTERM, lambda *_: run.stop.set())
    try:
        result = driver(**{knob: True for knob in argv})(run) or {}
        code = 0
    except TaskFailed as failure:
        result, code = {"error": str(failure)}, 1
    with open(run.result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
