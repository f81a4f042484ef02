"""Ports, wherever one is taken (flags, MOCK_CARRIERS_PORT, Settings, --url): 0-65535 or a clear
message, never a traceback or a port that silently wraps."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.cli import main
from mock_carriers.settings import Settings


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("flag", ["--port", "--https-port"])
@pytest.mark.parametrize("value", ["80000", "-1", "65536", "http", "8080.5"])
def test_serve_refuses_a_port_out_of_range(flag, value):
    result = invoke("serve", flag, value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{flag}'" in result.output and "0 to 65535" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("variable", ["MOCK_CARRIERS_PORT", "MOCK_CARRIERS_HTTPS_PORT"])
@pytest.mark.parametrize("value", ["80000", "-1", "eighty"])
def test_the_environment_port_is_checked_too(variable, value):
    result = invoke("serve", env={variable: value})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"{variable} must be a port: a whole number from 0 to 65535" in result.output


@given(st.integers())
def test_settings_take_exactly_the_ports_there_are(port):
    if 0 <= port <= 65535:
        assert Settings(port=port, https_port=port).port == port
    else:
        with pytest.raises(ValueError, match="0 to 65535"):
            Settings(port=port)
        with pytest.raises(ValueError, match="0 to 65535"):
            Settings(https_port=port)


def test_settings_refuse_a_port_that_is_not_a_number():
    for bad in ("8080", True, 80.0):
        with pytest.raises(ValueError, match="port"):
            Settings(port=bad)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://127.0.0.1:80000", "0 to 65535"),
        ("http://127.0.0.1:-1", "0 to 65535"),
        ("127.0.0.1:8080", "http:// or https://"),
        ("ftp://127.0.0.1:8080", "http:// or https://"),
        ("http://", "no host"),
    ],
)
def test_a_bad_url_is_a_usage_error_not_a_network_error(url, problem):
    result = invoke("fault", "list", "--url", url)
    assert result.exit_code == 2 and "Invalid value for '--url'" in result.output and problem in result.output


def test_a_bad_url_from_the_environment_is_named():
    result = invoke("fault", "list", env={"MOCK_CARRIERS_URL": "http://127.0.0.1:99999"})
    assert result.exit_code == 2 and "0 to 65535" in result.output
