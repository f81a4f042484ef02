"""The top of the README works as written: its table of contents links every section, the
five-minute tour's curl commands answer what it says they answer, and the Docker section's
Testcontainers snippet is Python that waits on the liveness path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_contents_link_every_section_and_only_sections():
    headings = [line[3:] for line in README.splitlines() if line.startswith("## ") and line != "## Contents"]
    links = re.findall(r"\]\(#([^)]+)\)", section("Contents"))
    assert sorted(links) == sorted(anchor(heading) for heading in headings)
    every_anchor = {anchor(line.lstrip("#")) for line in README.splitlines() if line.startswith("#")}
    assert set(re.findall(r"\]\(#([^)]+)\)", README)) <= every_anchor  # no link elsewhere points nowhere


def test_the_five_minute_tour_answers_as_it_says(live_server):
    url = live_server()
    script = re.search(r"```sh\n(.*?)```", section("Five-minute tour"), re.S).group(1)
    assert "MOCK=http://127.0.0.1:8080\n" in script
    script = script.replace("MOCK=http://127.0.0.1:8080\n", f"MOCK={url}\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first = out.split("\r\n\r\n", 1)[0]
    assert first.startswith("HTTP/1.1 401") and "WWW-Authenticate: Bearer" in first and "Content-Length: 0" in first
    statuses = out.index('{"Statuses":[{"Status":"Delivered"')
    fault = out.index('"effect":"status"', statuses)
    broken = out.index("HTTP/1.1 503", fault)
    assert '"title":"Service Unavailable"' in out[broken:]
    journal = out.index('"entries":[', broken)
    assert '"status":503' in out[journal:] and '"faults":[{"id":"fault_1","effect":"status"}]' in out[journal:]
    assert out.rstrip().endswith('{"reset":1}')


def test_the_docker_section_runs_the_image_and_waits_on_the_liveness_path():
    docker = section("Docker")
    assert "docker run --rm -p 8080:8080 mock-carriers" in docker
    snippet = re.search(r"```python\n(.*?)```", docker, re.S).group(1)
    compile(snippet, "README.md (Docker)", "exec")
    assert 'HttpWaitStrategy(8080, "/__admin/livez")' in snippet and "MockCarriers.connect(url)" in snippet
    assert "path: /__admin/livez" in docker and "--mock-carriers-url" in docker
