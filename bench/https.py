"""HTTPS: start-up with `--https-port` against plain start (the CA already made), and what a
request costs over an open TLS connection, and over a new one each time, against plain HTTP."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

import requests
import urllib3

from bench.core_platform import _as_installed
from bench.server_layer import _median_us

HEALTH = "/__admin/health"


def _first_200(args: list[str], env: dict, ca: str | None) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_carriers", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline()
    if ca:  # "HTTPS for the carriers' hosts on https://127.0.0.1:PORT (trust ...)"
        line = process.stdout.readline()
    url = next(word for word in line.split() if word.startswith(("http://", "https://")))
    pool = urllib3.PoolManager(ca_certs=ca, assert_hostname="localhost") if ca else urllib3.PoolManager()
    deadline = time.monotonic() + 30
    while True:
        try:
            if pool.request("GET", f"{url}{HEALTH}", retries=False, timeout=1).status == 200:
                break
        except urllib3.exceptions.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.001)
    elapsed = (time.perf_counter() - started) * 1000
    process.terminate()
    process.wait()
    return elapsed


def start_up(runs: int) -> tuple[float, float]:
    """Median ms to the first 200: plain `serve`, and `serve --https-port 0` over HTTPS."""
    with tempfile.TemporaryDirectory() as ca_dir:
        env = {**_as_installed(), "MOCK_CARRIERS_CA_DIR": ca_dir}
        from mock_carriers.tls import CertificateAuthority

        ca = str(CertificateAuthority.load_or_create(__import__("pathlib").Path(ca_dir)).cert_path)
        plain, secure = [], []
        for _ in range(runs):  # alternating, so the machine's drift hits both alike
            plain.append(_first_200([], env, None))
            secure.append(_first_200(["--https-port", "0"], env, ca))
    return statistics.median(plain), statistics.median(secure)


def per_request(count: int) -> dict:
    from mock_carriers import create_app
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings

    with tempfile.TemporaryDirectory() as ca_dir:
        server = Server(create_app(Settings(ca_dir=ca_dir)), https_port=0).start()
        try:
            ca = server.ca_cert_path
            plain = urllib3.PoolManager()
            secure = urllib3.PoolManager(ca_certs=ca, assert_hostname="localhost")
            https = f"https://127.0.0.1:{server.https_port}{HEALTH}"
            http = f"{server.url}{HEALTH}"
            figures = {
                "kept_plain": _median_us(lambda: plain.request("GET", http), count),
                "kept_tls": _median_us(lambda: secure.request("GET", https), count),
                "new_plain": _median_us(lambda: urllib3.PoolManager().request("GET", http), count // 4),
                "new_tls": _median_us(
                    lambda: urllib3.PoolManager(ca_certs=ca, assert_hostname="localhost").request("GET", https),
                    count // 4,
                ),
            }
            session = requests.Session()
            proxies = {"https": f"http://127.0.0.1:{server.port}"}
            login = {"username": "mock-bex-user", "password": "mock-bex-password"}
            figures["kept_proxy"] = _median_us(  # verify per call: REQUESTS_CA_BUNDLE would beat the session's
                lambda: session.post("https://api.bex.co.za/api/service/login", json=login, proxies=proxies, verify=ca),
                count // 4,
            )
        finally:
            server.stop()
    return figures


def run(quick: bool = False) -> list[dict]:
    plain, secure = start_up(3 if quick else 9)
    figures = per_request(200 if quick else 1000)
    return [
        {"name": "https: serve to first 200, plain", "value": plain, "unit": "ms"},
        {"name": "https: serve --https-port to first HTTPS 200", "value": secure, "unit": "ms"},
        {"name": "https: start-up ratio", "value": secure / plain, "unit": "x", "target": "<= 1.5x"},
        {"name": "https: request on an open TLS connection", "value": figures["kept_tls"], "unit": "us"},
        {"name": "https: request on an open plain connection", "value": figures["kept_plain"], "unit": "us"},
        {
            "name": "https: open TLS / open plain",
            "value": figures["kept_tls"] / figures["kept_plain"],
            "unit": "x",
            "target": "<= 1.2x",
        },
        {"name": "https: request on a new TLS connection", "value": figures["new_tls"], "unit": "us"},
        {"name": "https: request on a new plain connection", "value": figures["new_plain"], "unit": "us"},
        {"name": "https: BEX login through the proxy's tunnel", "value": figures["kept_proxy"], "unit": "us"},
    ]
