"""`mock-carriers ca` and `ca --env` as a user runs them, and the `ca_dir` setting of `serve`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner, Result

from mock_carriers.cli import main
from mock_carriers.settings import Settings


def run(*args: str, ca_dir: Path) -> Result:
    result = CliRunner().invoke(main, list(args), env={"MOCK_CARRIERS_CA_DIR": str(ca_dir)})
    assert "PRIVATE KEY" not in result.output
    return result


def test_ca_prints_the_certificates_path_making_it_once(tmp_path):
    first = run("ca", ca_dir=tmp_path / "ca")
    assert (first.exit_code, first.output) == (0, f"{tmp_path / 'ca' / 'ca.pem'}\n")
    certificate = (tmp_path / "ca" / "ca.pem").read_text()
    assert certificate.startswith("-----BEGIN CERTIFICATE-----")
    assert run("ca", ca_dir=tmp_path / "ca").output == first.output
    assert (tmp_path / "ca" / "ca.pem").read_text() == certificate


def test_ca_env_prints_shell_lines_for_every_client(tmp_path):
    result = run("ca", "--env", ca_dir=tmp_path / "ca")
    bundle, cert = tmp_path / "ca" / "ca-bundle.pem", tmp_path / "ca" / "ca.pem"
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"export SSL_CERT_FILE={bundle}",
        f"export REQUESTS_CA_BUNDLE={bundle}",
        f"export CURL_CA_BUNDLE={bundle}",
        f"export NODE_EXTRA_CA_CERTS={cert}",
    ]


def test_ca_env_lines_survive_a_folder_with_spaces(tmp_path):
    folder = tmp_path / "my CA's folder"
    lines = run("ca", "--env", ca_dir=folder).output
    shell = subprocess.run(
        ["sh", "-c", lines + 'printf "%s\\n" "$SSL_CERT_FILE" "$NODE_EXTRA_CA_CERTS"'],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert shell.stdout.splitlines() == [str(folder / "ca-bundle.pem"), str(folder / "ca.pem")]


def test_the_option_beats_the_environment(tmp_path):
    result = run("ca", "--ca-dir", str(tmp_path / "chosen"), ca_dir=tmp_path / "from-env")
    assert result.output == f"{tmp_path / 'chosen' / 'ca.pem'}\n"
    assert not (tmp_path / "from-env").exists()


def test_a_folder_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    result = run("ca", "--ca-dir", str(tmp_path / "file"), ca_dir=tmp_path)
    assert result.exit_code == 2 and "is a file" in result.output and "Traceback" not in result.output
    below = run("ca", "--ca-dir", str(tmp_path / "file" / "ca"), ca_dir=tmp_path)
    assert below.exit_code == 1 and below.output.startswith("Error: cannot use the CA folder:")
    assert "Traceback" not in below.output and not isinstance(below.exception, OSError)


def test_serve_takes_a_ca_dir(tmp_path):
    assert "--ca-dir" in CliRunner().invoke(main, ["serve", "--help"]).output
    assert Settings.from_env({"MOCK_CARRIERS_CA_DIR": str(tmp_path)}).ca_dir == tmp_path
    assert Settings.from_env({"MOCK_CARRIERS_CA_DIR": "/elsewhere"}, ca_dir=tmp_path).ca_dir == tmp_path
    assert Settings.from_env({}).ca_dir is None  # the per-user default, chosen by mock_carriers.tls
