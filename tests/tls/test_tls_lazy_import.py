"""TLS costs nothing until asked for: importing the package, building an app, and a real server
answering a request over plain HTTP load neither `cryptography` nor the CA module."""

from __future__ import annotations

import subprocess

from launching import PYTHON

SCRIPT = """
import sys
import mock_carriers
assert "ssl" not in sys.modules, "import mock_carriers loaded ssl"
app = mock_carriers.create_app()
assert app.test_client().get("/__admin/health").status_code == 200
import mock_carriers.cli, mock_carriers.settings
import urllib.request
from mock_carriers.server import Server
server = Server(app).start()
assert urllib.request.urlopen(server.url + "/__admin/health", timeout=10).status == 200
server.stop()
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "cryptography"
                or name.startswith("mock_carriers.tls"))
assert not loaded, loaded
print("lazy")
"""


def test_tls_is_imported_only_when_used():
    result = subprocess.run([*PYTHON, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "lazy", result.stderr
