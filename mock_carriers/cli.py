"""The `mock-carriers` command: serve the mock, check fixture files and contracts, (commands of
cli_world.py and cli_records.py) drive a running server through its admin API, and (kit/command.py)
grade a client with the conformance kit."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from mock_carriers import __version__, cli_records, cli_world
from mock_carriers.cli_common import Duration, Port, ScenarioSource, problem, scenario_namespace
from mock_carriers.kit.command import conform


@click.group()
@click.version_option(__version__, prog_name="mock-carriers")
def main() -> None:
    """An offline sandbox that speaks real parcel carriers' HTTP APIs."""


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; 0.0.0.0 in a container).")
@click.option("--port", type=Port(), default=None, help="Port, 0 to 65535 (default 8080; 0 picks a free one).")
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of <carrier>.yaml files replacing the shipped ones.",
)
@click.option("--seed", type=int, default=None, help="Default RNG seed of every namespace.")
@click.option("--admin-token", default=None, help="Require `Authorization: Bearer <token>` on /__admin.")
@click.option("--journal-limit", type=click.IntRange(min=1), default=None, help="Journal entries kept per namespace.")
@click.option(
    "--max-namespaces",
    type=click.IntRange(min=1),
    default=None,
    help="Live namespaces kept besides default (beyond it the least recently used idle one goes).",
)
@click.option(
    "--namespace-idle",
    "namespace_idle_seconds",
    type=Duration(),
    default=None,
    help="How long unused before a namespace may be dropped for room (300, 90s, 5m; default 5m).",
)
@click.option(
    "--journal-body-limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="BYTES",
    help="Bytes of each request and response body a journal entry keeps (default 65536).",
)
@click.option(
    "--contracts",
    "contracts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of <carrier>.openapi.yaml files replacing the shipped contracts.",
)
@click.option(
    "--strict",
    is_flag=True,
    flag_value=True,
    default=None,
    help="Check every request against its carrier's contract (namespaces may choose otherwise).",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.1, max=3600),
    default=None,
    help="Seconds a client has to send a request's head, then its body (default 10); past it the connection is closed.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=None,
    help="Client connections served at once; more wait in the backlog "
    "(default: three quarters of the descriptor limit).",
)
@click.option(
    "--https-port",
    type=Port(),
    default=None,
    help="Also serve HTTPS for the carriers' own hosts on this port (0: a free one), with "
    "certificates from the local CA (see `mock-carriers ca`).",
)
@click.option(
    "--scenario",
    "scenario_file",
    type=ScenarioSource(),
    default=None,
    help="A scenario file, or a shipped scenario's name (see `scenario list`), applied before serving "
    "(to its namespace, else default).",
)
@click.option(
    "--ca-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The local CA's folder (see `mock-carriers ca`).",
)
@click.option(
    "--trust-forwarded",
    multiple=True,
    metavar="CIDR",
    help="Peers whose X-Forwarded-* / Forwarded headers are believed (repeatable or comma-separated; "
    "'*' every peer, 'none' nobody). Default: loopback.",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    envvar="MOCK_CARRIERS_QUIET",
    help="No line per request (contract violations and warnings still print). Also MOCK_CARRIERS_QUIET=1.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="MOCK_CARRIERS_LOG_FORMAT",
    help="Lines for a person, or one JSON object per line for a log collector. Also MOCK_CARRIERS_LOG_FORMAT.",
)
def serve(
    scenario_file: Path | None, trust_forwarded: tuple[str, ...], quiet: bool, log_format: str, **options
) -> None:
    """Run the mock until interrupted, printing a line per request (time, namespace, carrier:operation,
    method and path, status, duration, faults, contract violations). Flags override MOCK_CARRIERS_*
    environment variables."""
    from mock_carriers.app import create_app
    from mock_carriers.console import Console
    from mock_carriers.core.fixtures import FixtureError
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings

    console = Console(log_format, quiet)
    try:
        settings = Settings.from_env(trust_forwarded=trust_forwarded or None, on_request=console.request, **options)
        app = create_app(settings)
        if scenario_file is not None:
            app.extensions["mock_carriers"].namespaces.pin(_apply_in_process(app, settings, scenario_file, console))
        server = Server(app, settings.host, settings.port, https_port=settings.https_port)
    except (FixtureError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    console.install_logging()  # only now: a start-up that fails leaves the process's logging as it was
    console.info(f"mock-carriers {__version__} listening on {server.listening_on()}", event="listening", url=server.url)
    dashboard = f"{server.url}/__admin/ui/"
    console.info(f"dashboard: {dashboard}", event="dashboard", url=dashboard)
    if server.https_url is not None:
        console.info(
            f"HTTPS for the carriers' hosts on {server.https_url} (trust {server.ca_cert_path})",
            event="listening_https",
            url=server.https_url,
            ca_cert=str(server.ca_cert_path),
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def _apply_in_process(app, settings, path: Path, console) -> str:
    """Apply a scenario file before serving; answers the namespace it made."""
    raw = path.read_bytes()
    namespace = scenario_namespace(raw)
    headers = {"Authorization": f"Bearer {settings.admin_token}"} if settings.admin_token else {}
    response = app.test_client().post(f"/__admin/namespaces/{namespace}/scenario", data=raw, headers=headers)
    if response.status_code != 201:
        raise click.ClickException(f"{path}: {problem(response.get_json(), 'the scenario')}")
    console.info(
        f"scenario {path} applied to namespace {namespace}", event="scenario", scenario=str(path), namespace=namespace
    )
    return namespace


@main.group()
def contracts() -> None:
    """The OpenAPI 3.1 contracts of the carriers (and of the admin API)."""


def _contract_files() -> dict[str, Path]:
    from mock_carriers.resources import data_dir

    return {
        path.name.removesuffix(".openapi.yaml"): path for path in sorted(data_dir("contracts").glob("*.openapi.yaml"))
    }


@contracts.command("list")
def list_contracts() -> None:
    """Each contract: its name, title, operations and webhooks."""
    from mock_carriers.core.fixtures import load_yaml

    for name, path in _contract_files().items():
        document = load_yaml(path)
        operations = sum(
            1
            for item in document.get("paths", {}).values()
            for method in item
            if method in ("get", "put", "post", "delete", "patch")
        )
        click.echo(
            f"{name:<16} {operations:>3} operations  {len(document.get('webhooks', {})):>2} webhooks  "
            f"{document['info']['title']}"
        )


@contracts.command("show")
@click.argument("name")
def show_contract(name: str) -> None:
    """NAME's operations: method, path, operationId, and which are the mock's guesses."""
    from mock_carriers.core.fixtures import load_yaml

    files = _contract_files()
    if name not in files:
        raise click.ClickException(f"no contract {name!r}; there are: {', '.join(files)}")
    document = load_yaml(files[name])
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                guess = "  (guess)" if operation.get("x-mock-guess") else ""
                click.echo(f"{method.upper():<7}{path:<60} {operation.get('operationId', '-')}{guess}")
    for event in document.get("webhooks", {}):
        click.echo(f"{'HOOK':<7}{event}")


@contracts.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_contracts(directory: Path) -> None:
    """Copy every contract into DIRECTORY (created if need be), for other OpenAPI tools."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    for path in _contract_files().values():
        shutil.copyfile(path, directory / path.name)
        click.echo(f"wrote {directory / path.name}")


@contracts.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_file(file: Path) -> None:
    """Check FILE: recorded traffic (a HAR file, or a journal saved from the admin API) against the
    carriers' contracts, or a contract of your own (<carrier>.openapi.yaml) as `serve --contracts`
    would load it. Exits 1 when anything breaks a contract."""

    from mock_carriers import traffic
    from mock_carriers.core.contracts import ContractError, load_contract

    try:
        document = json.loads(file.read_bytes())
    except ValueError:
        document = None  # YAML: a contract
    if not isinstance(document, (dict, list)) or isinstance(document, dict) and "openapi" in document:
        try:
            contract = load_contract(file)
        except ContractError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{file}: a usable contract ({len(contract.operations)} operations)")
        return
    try:
        findings = list(traffic.check(traffic.exchanges(document)))
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    broken = [finding for finding in findings if finding.violations]
    for finding in broken:
        click.echo(f"#{finding.index} {finding.exchange.method} {finding.exchange.url} -> {finding.exchange.status}")
        for violation in finding.violations:
            click.echo(
                f"    {violation.kind} {violation.location} {violation.json_path}: {violation.message} "
                f"[rule: {violation.rule}; {violation.operation}]"
            )
    cut = sum(finding.exchange.body_cut + finding.exchange.response_body_cut for finding in findings)
    if cut:
        click.echo(f"{cut} bodies cut in the journal were not checked (serve --journal-body-limit keeps more)")
    faulted = sum(finding.exchange.faulted for finding in findings)
    if faulted:
        many = faulted > 1
        click.echo(
            f"{faulted} response{'s' if many else ''} carried an injected fault and {'were' if many else 'was'} "
            f"not checked (breaking the contract is {'their' if many else 'its'} point)"
        )
    click.echo(f"{len(findings)} exchanges with carriers checked, {len(broken)} broke a contract")
    if broken:
        sys.exit(1)


@main.command()
@click.option(
    "--ca-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="MOCK_CARRIERS_CA_DIR",
    default=None,
    help="The CA's folder (default: mock-carriers/ca in your data folder).",
)
@click.option(
    "--env", "as_env", is_flag=True, help="Print shell lines that make curl, requests, OpenSSL and Node trust it."
)
def ca(ca_dir: Path | None, as_env: bool) -> None:
    """The mock's local certificate authority: print its certificate's path, making it on first use.
    Trust that certificate once and clients reach the mock over HTTPS at the carriers' real hosts."""
    import shlex

    from mock_carriers.tls import CertificateAuthority

    try:
        authority = CertificateAuthority.load_or_create(ca_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot use the CA folder: {exc}") from None
    if not as_env:
        click.echo(authority.cert_path)
        return
    for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        click.echo(f"export {variable}={shlex.quote(str(authority.bundle_path))}")
    click.echo(f"export NODE_EXTRA_CA_CERTS={shlex.quote(str(authority.cert_path))}")


@main.command("mcp")
@click.option(
    "--url",
    envvar="MOCK_CARRIERS_URL",
    default=None,
    help="A running server to drive; reads MOCK_CARRIERS_URL (default: one started in this process on 127.0.0.1).",
)
@click.option("--admin-token", envvar="MOCK_CARRIERS_ADMIN_TOKEN", default=None, help="The server's admin token.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Without --url: the port of the server started here (0 picks a free one).",
)
def mcp_command(url: str | None, admin_token: str | None, port: int) -> None:
    """An MCP server on stdio whose tools are the admin API's operations (needs the [mcp] extra)."""
    try:
        from mock_carriers.mcp_server import run
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in ("mcp", "mcp_types"):
            raise
        raise click.ClickException("the MCP server needs the mcp extra: pip install 'mock-carriers[mcp]'") from None
    try:
        run(url, admin_token, port)
    except (ValueError, OSError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass


@main.group()
def fixtures() -> None:
    """Fixture files."""


@fixtures.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_fixtures(directory: Path | None) -> None:
    """Check DIRECTORY's <carrier>.yaml files (default: the shipped ones) without serving."""
    from mock_carriers.carriers import CARRIERS
    from mock_carriers.core.fixtures import FixtureError, load_yaml, validate
    from mock_carriers.resources import data_dir

    directory = directory or data_dir("fixtures")
    failures = 0
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise click.ClickException(f"{directory}: no .yaml files")
    for path in files:
        name = path.stem
        try:
            if name not in CARRIERS.names:
                raise FixtureError(f"{path}: no carrier named {name!r} (carriers: {', '.join(CARRIERS.names)})")
            validate(load_yaml(path), CARRIERS.load(name), path)
            click.echo(f"ok    {path}")
        except FixtureError as exc:
            failures += 1
            for line in str(exc).splitlines():  # every mistake of the file, one per line
                click.echo(f"error {line}", err=True)
    if failures:
        sys.exit(1)


@main.group()
def scaffold() -> None:
    """Start new parts of the mock in a checkout (see docs/adding-a-carrier.md)."""


@scaffold.command("carrier")
@click.argument("name")
@click.option(
    "--framework",
    type=click.Choice(["aspnet", "drf"]),
    default="aspnet",
    show_default=True,
    help="The web framework the real API runs on: its error dialect and route matching.",
)
@click.option(
    "--into",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The checkout to add the carrier to (default: the current directory).",
)
@click.option(
    "--host",
    "hosts",
    multiple=True,
    metavar="HOST",
    help="A host name of the real API, for Host routing, the proxy and TLS (repeatable).",
)
def scaffold_carrier(name: str, framework: str, root: Path, hosts: tuple[str, ...]) -> None:
    """Add carrier NAME: its package, fixture, contract and test folder, registered, with one route."""
    from mock_carriers.scaffold import ScaffoldError
    from mock_carriers.scaffold import scaffold_carrier as make

    try:
        written = make(root, name, framework, hosts)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")
    package = name.replace("-", "_")
    click.echo(f"next: python -m pytest tests/{package} tests/test_contracts.py, then docs/adding-a-carrier.md")


for _command in (*cli_world.COMMANDS, *cli_records.COMMANDS, conform):
    main.add_command(_command)


if __name__ == "__main__":
    main()
