"""The local CA's costs: making it, loading it and building a server context (what a TLS server
pays at start-up), a host's first leaf (signed, written, loaded) and a leaf already on disk."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from mock_carriers.carriers import CARRIERS
from mock_carriers.tls import CertificateAuthority


def _median_ms(action: Callable[[int], object], rounds: int) -> float:
    samples = []
    for index in range(rounds):
        started = time.perf_counter()
        action(index)
        samples.append((time.perf_counter() - started) * 1e3)
    return statistics.median(samples)


def _import_ms(rounds: int) -> float:
    """A fresh interpreter importing mock_carriers.tls (and so cryptography), less one importing nothing."""

    def run(code: str) -> float:
        return _median_ms(lambda _: subprocess.run([sys.executable, "-c", code], check=True), rounds)

    return run("import mock_carriers.tls") - run("pass")


def run(quick: bool = False) -> list[dict]:
    rounds = 20 if quick else 200
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        make = _median_ms(lambda i: CertificateAuthority.load_or_create(root / f"new{i}"), rounds)
        folder = root / "ca"
        CertificateAuthority.load_or_create(folder).server_context(CARRIERS.hosts)
        start = _median_ms(lambda _: CertificateAuthority.load_or_create(folder).server_context(CARRIERS.hosts), rounds)
        authority = CertificateAuthority.load_or_create(folder)
        first_leaf = _median_ms(lambda i: authority.leaf_context(f"host{i}.example"), rounds)
        fresh = CertificateAuthority.load_or_create(folder)  # nothing cached in memory: leaves come from disk
        disk_leaf = _median_ms(lambda i: fresh.leaf_context(f"host{i}.example"), rounds)
    return [
        {"name": "TLS: make the CA (first use, median)", "value": make, "unit": "ms"},
        {"name": "TLS: load the CA + server_context(carrier hosts)", "value": start, "unit": "ms"},
        {"name": "TLS: a host's first leaf (sign, write, load)", "value": first_leaf, "unit": "ms"},
        {"name": "TLS: a leaf already on disk", "value": disk_leaf, "unit": "ms"},
        {
            "name": "TLS: import mock_carriers.tls, fresh interpreter",
            "value": _import_ms(3 if quick else 10),
            "unit": "ms",
        },
    ]
