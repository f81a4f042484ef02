"""The `mock-carriers` command: serve the mock, check fixture files, and drive a running server
(scenarios, faults, clock, tokens, journal, webhooks) through its admin API."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from mock_carriers import __version__


class Duration(click.ParamType):
    """A duration as the admin API takes it ("90s", "5m" or seconds), in seconds."""

    name = "duration"

    def convert(self, value, param, ctx) -> float:
        from mock_carriers.core.durations import parse_duration

        try:
            return parse_duration(value).total_seconds()
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Port(click.ParamType):
    """A TCP port, 0 to 65535 (0: a free one), refused with the range instead of wrapping or a traceback."""

    name = "port"

    def convert(self, value, param, ctx) -> int:
        from mock_carriers.settings import PORT_RANGE, is_port

        number = value if isinstance(value, int) else int(value) if str(value).strip().lstrip("-").isdigit() else None
        if not is_port(number):
            self.fail(f"{value!r} is not a port: use {PORT_RANGE}", param, ctx)
        return number


class ServerUrl(click.ParamType):
    """The URL of a running mock: http(s), a host, and a port in range if it names one."""

    name = "url"

    def convert(self, value, param, ctx) -> str:
        from urllib.parse import urlsplit

        from mock_carriers.settings import PORT_RANGE

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https"):
            self.fail(f"{value!r} must start with http:// or https://", param, ctx)
        if not parts.hostname:
            self.fail(f"{value!r} has no host", param, ctx)
        try:
            parts.port
        except ValueError:
            self.fail(f"{value!r} has a port out of range: use {PORT_RANGE}", param, ctx)
        return value


class NamespaceName(click.ParamType):
    """A namespace name as the server takes it, checked before anything is sent."""

    name = "namespace"

    def convert(self, value, param, ctx) -> str:
        from mock_carriers.core.errors import CarrierError
        from mock_carriers.core.routing import check_namespace_name

        try:
            return check_namespace_name(value)
        except CarrierError as error:
            self.fail(error.message, param, ctx)


class ScenarioSource(click.ParamType):
    """A scenario file, or the name of one shipped with mock-carriers (`parcel2go-429`); a file
    of that name wins."""

    name = "file|name"

    def convert(self, value, param, ctx) -> Path:
        if isinstance(value, Path):
            return value
        path = Path(value)
        if path.is_file():
            return path
        shipped = _shipped_scenarios()
        name = path.name.removesuffix(".yaml").removesuffix(".yml")
        if path.name == value and name in shipped:
            return shipped[name]
        self.fail(f"no file nor shipped scenario {value!r}; the shipped ones are: {', '.join(shipped)}", param, ctx)


def _shipped_scenarios() -> dict[str, Path]:
    from mock_carriers.resources import data_dir

    return {path.stem: path for path in sorted(data_dir("scenarios").glob("*.yaml"))}


@click.group()
@click.version_option(__version__, prog_name="mock-carriers")
def main() -> None:
    """An offline sandbox that speaks real parcel carriers' HTTP APIs."""


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; 0.0.0.0 in a container).")
@click.option("--port", type=Port(), default=None, help="Port, 0 to 65535 (default 8080; 0 picks a free one).")
@click.option("--fixtures", "fixtures_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of <carrier>.yaml files replacing the shipped ones.")
@click.option("--seed", type=int, default=None, help="Default RNG seed of every namespace.")
@click.option("--admin-token", default=None, help="Require `Authorization: Bearer <token>` on /__admin.")
@click.option("--journal-limit", type=click.IntRange(min=1), default=None, help="Journal entries kept per namespace.")
@click.option("--max-namespaces", type=click.IntRange(min=1), default=None,
              help="Live namespaces kept besides default (beyond it the least recently used idle one goes).")
@click.option("--namespace-idle", "namespace_idle_seconds", type=Duration(), default=None,
              help="How long unused before a namespace may be dropped for room (300, 90s, 5m; default 5m).")
@click.option("--journal-body-limit", type=click.IntRange(min=0), default=None, metavar="BYTES",
              help="Bytes of each request and response body a journal entry keeps (default 65536).")
@click.option("--contracts", "contracts_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of <carrier>.openapi.yaml files replacing the shipped contracts.")
@click.option("--strict", is_flag=True, flag_value=True, default=None,
              help="Check every request against its carrier's contract (namespaces may choose otherwise).")
@click.option("--request-timeout", type=click.FloatRange(min=0.1, max=3600), default=None,
              help="Seconds a client has to send a request's head, then its body (default 10); "
                   "past it the connection is closed.")
@click.option("--max-connections", type=click.IntRange(min=1), default=None,
              help="Client connections served at once; more wait in the backlog "
                   "(default: three quarters of the descriptor limit).")
@click.option("--https-port", type=Port(), default=None,
              help="Also serve HTTPS for the carriers' own hosts on this port (0: a free one), with "
                   "certificates from the local CA (see `mock-carriers ca`).")
@click.option("--scenario", "scenario_file", type=ScenarioSource(), default=None,
              help="A scenario file, or a shipped scenario's name (see `scenario list`), applied before serving "
                   "(to its namespace, else default).")
@click.option("--ca-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The local CA's folder (see `mock-carriers ca`).")
@click.option("--trust-forwarded", multiple=True, metavar="CIDR",
              help="Peers whose X-Forwarded-* / Forwarded headers are believed (repeatable or comma-separated; "
                   "'*' every peer, 'none' nobody). Default: loopback.")
@click.option("--quiet", "-q", is_flag=True, envvar="MOCK_CARRIERS_QUIET",
              help="No line per request (contract violations and warnings still print). "
                   "Also MOCK_CARRIERS_QUIET=1.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              envvar="MOCK_CARRIERS_LOG_FORMAT",
              help="Lines for a person, or one JSON object per line for a log collector. "
                   "Also MOCK_CARRIERS_LOG_FORMAT.")
def serve(scenario_file: Path | None, trust_forwarded: tuple[str, ...], quiet: bool, log_format: str,
          **options) -> None:
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
    console.info(f"mock-carriers {__version__} listening on {server.url}", event="listening", url=server.url)
    if server.https_url is not None:
        console.info(f"HTTPS for the carriers' hosts on {server.https_url} (trust {server.ca_cert_path})",
                     event="listening_https", url=server.https_url, ca_cert=str(server.ca_cert_path))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def _apply_in_process(app, settings, path: Path, console) -> str:
    """Apply a scenario file before serving; answers the namespace it made."""
    raw = path.read_bytes()
    namespace = _scenario_namespace(raw)
    headers = {"Authorization": f"Bearer {settings.admin_token}"} if settings.admin_token else {}
    response = app.test_client().post(f"/__admin/namespaces/{namespace}/scenario", data=raw, headers=headers)
    if response.status_code != 201:
        raise click.ClickException(f"{path}: {_problem(response.get_json(), 'the scenario')}")
    console.info(f"scenario {path} applied to namespace {namespace}", event="scenario", scenario=str(path),
                 namespace=namespace)
    return namespace


def _scenario_namespace(raw: bytes) -> str:
    """The `namespace` a scenario names, else `default` (the server checks the rest)."""
    from mock_carriers.core import safe_yaml

    try:
        document = safe_yaml.load(raw)
    except safe_yaml.YamlError:
        return "default"
    name = document.get("namespace") if isinstance(document, dict) else None
    return name if isinstance(name, str) and name else "default"


def _problem(body, subject: str = "the request") -> str:
    """An admin API error for a person: its message, or each field's mistakes, one per line."""
    if isinstance(body, dict) and body.get("fields"):
        lines = [f"{field}: {message}" for field, messages in body["fields"].items()
                 for message in (messages if isinstance(messages, list) else [messages])]
        if len(lines) == 1:
            return lines[0]
        return f"{subject} has {len(lines)} mistakes:\n" + "\n".join(f"  {line}" for line in lines)
    return body.get("message", str(body)) if isinstance(body, dict) else str(body)


DEFAULT_URL = "http://127.0.0.1:8080"


def _server_options(command):
    """--url and --admin-token: which running server, and its admin token."""
    command = click.option("--admin-token", envvar="MOCK_CARRIERS_ADMIN_TOKEN", default=None,
                           help="The server's admin token, if it has one (default: $MOCK_CARRIERS_ADMIN_TOKEN).")(command)
    return click.option("--url", envvar="MOCK_CARRIERS_URL", default=DEFAULT_URL, type=ServerUrl(),
                        help=f"The running server (default: $MOCK_CARRIERS_URL, else {DEFAULT_URL}).")(command)


def _admin_options(command):
    """--url, --namespace and --admin-token for the commands that drive a running server."""
    command = click.option("--namespace", "-n", type=NamespaceName(), default="default", show_default=True,
                           help="The namespace to act on.")(command)
    return _server_options(command)


def _call(url: str, admin_token: str | None, method: str, path: str, subject: str = "the request", **kwargs):
    from mock_carriers.client import AdminError, _Admin
    import requests

    try:
        return _Admin(url, admin_token).call(method, path, **kwargs)
    except AdminError as error:
        raise click.ClickException(f"{error.status}: {_problem(error.body, subject)}") from None
    except requests.RequestException as error:
        raise click.ClickException(f"cannot reach {url}: {error}") from None


def _echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


@main.group()
def scenario() -> None:
    """Scenario files, and the ones shipped with mock-carriers."""


@scenario.command("list")
def list_scenarios() -> None:
    """The shipped scenarios: name, namespace, and what each sets up."""
    from mock_carriers.core import safe_yaml

    for name, path in _shipped_scenarios().items():
        raw = path.read_bytes()
        document = safe_yaml.load(raw)
        click.echo(f"{name:<32} {document.get('namespace') or 'default':<20} {_purpose(raw.decode(), document)}")


def _purpose(text: str, document: dict) -> str:
    """A scenario's `description`, else the first sentence of its leading comment."""
    if document.get("description"):
        return str(document["description"])
    comment = " ".join(line.lstrip("# ").strip() for line in text.splitlines()
                       if line.startswith("#") and line.strip("# "))
    head, dot, _ = comment.partition(". ")
    return head + "." if dot else comment


@scenario.command("show")
@click.argument("name", type=ScenarioSource())
def show_scenario(name: Path) -> None:
    """Print scenario NAME (or a file), to read or to copy and change."""
    click.echo(name.read_text(encoding="utf-8"), nl=False)


@scenario.command("apply")
@click.argument("file", type=ScenarioSource())
@click.option("--namespace", "-n", type=NamespaceName(), default=None,
              help="Overrides the scenario's own `namespace`.")
@_server_options
def apply_scenario(file: Path, url: str, namespace: str | None, admin_token: str | None) -> None:
    """Apply FILE, or a shipped scenario by name, to a running server (replacing the namespace's world)."""
    raw = file.read_bytes()
    target = namespace or _scenario_namespace(raw)
    result = _call(url, admin_token, "POST", f"/namespaces/{target}/scenario", "the scenario", data=raw,
                   headers={"Content-Type": "application/yaml"})
    click.echo(f"applied {file} to {target}: {len(result['faults'])} fault rules, "
               f"{len(result['subscriptions'])} subscriptions, clock {result['clock']['now']}")


@main.group()
def namespaces() -> None:
    """The namespaces of a running server: each an isolated world (state, tokens, clock, faults,
    journal, outbox)."""


@namespaces.command("list")
@click.option("--json", "as_json", is_flag=True, help="The namespaces as JSON.")
@_server_options
def list_namespaces(as_json: bool, url: str, admin_token: str | None) -> None:
    """The live namespaces: name, seed and when each was created."""
    found = _call(url, admin_token, "GET", "/namespaces")["namespaces"]
    if as_json:
        _echo_json(found)
        return
    width = max(len("NAMESPACE"), *(len(ns["namespace"]) for ns in found))
    click.echo(f"{'NAMESPACE':<{width}}  {'SEED':<10}  CREATED")
    for ns in found:
        click.echo(f"{ns['namespace']:<{width}}  {ns['seed']!s:<10}  {ns['created']}")


@namespaces.command("create")
@click.argument("name", type=NamespaceName())
@click.option("--seed", type=int, help="Its RNG seed (default: the server's).")
@click.option("--strict/--no-strict", default=None, help="Strict mode on or off for it (default: the server's).")
@click.option("--fixtures", "overlay", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML or JSON file of fixture overlays keyed by carrier, merged onto the shipped fixtures.")
@click.option("--json", "as_json", is_flag=True, help="Print the namespace document (URLs, credentials, references).")
@_server_options
def create_namespace(name: str, seed: int | None, strict: bool | None, overlay: Path | None, as_json: bool,
                     url: str, admin_token: str | None) -> None:
    """Create NAME, or replace it with a fresh world; prints each carrier's base URL."""
    body = {key: value for key, value in (("seed", seed), ("strict", strict)) if value is not None}
    if overlay is not None:
        body["fixtures"] = _read_overlay(overlay)
    document = _call(url, admin_token, "PUT", f"/namespaces/{name}", json=body)
    if as_json:
        _echo_json(document)
        return
    click.echo(f"created {name} ({_seed_and_strict(document)})")
    width = max(map(len, document["carriers"]))
    for carrier, described in document["carriers"].items():
        click.echo(f"  {carrier:<{width + 2}}{described['base_url']}")


def _read_overlay(path: Path) -> object:
    from mock_carriers.core import safe_yaml

    try:
        return safe_yaml.load(path.read_bytes())
    except safe_yaml.YamlError as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--fixtures") from None


def _seed_and_strict(document: dict) -> str:
    return f"seed {document['seed']}, strict {'on' if document['strict'] else 'off'}"


@namespaces.command("reset")
@click.argument("name", type=NamespaceName(), required=False)
@click.option("--all", "every", is_flag=True, help="Reset every namespace (the others are dropped).")
@_server_options
def reset_namespace(name: str | None, every: bool, url: str, admin_token: str | None) -> None:
    """NAME's world starts again from the fixtures, keeping its seed and strict mode (not a fixture
    overlay it was created with: apply that again); --all resets every namespace."""
    if every == (name is not None):
        raise click.UsageError("give a namespace NAME or --all")
    if every:
        click.echo(f"reset {_call(url, admin_token, 'POST', '/reset')['reset']} namespaces")
        return
    before = _call(url, admin_token, "GET", f"/namespaces/{name}")
    document = _call(url, admin_token, "PUT", f"/namespaces/{name}",
                     json={"seed": before["seed"], "strict": before["strict"]})
    click.echo(f"reset {name}: its world starts again from the fixtures ({_seed_and_strict(document)})")


@namespaces.command("drop")
@click.argument("name", type=NamespaceName())
@_server_options
def drop_namespace(name: str, url: str, admin_token: str | None) -> None:
    """Forget NAME and everything in it; its next use starts a new one from the fixtures."""
    _call(url, admin_token, "DELETE", f"/namespaces/{name}")
    click.echo("default starts again from the fixtures (it always exists)" if name == "default" else f"dropped {name}")


@main.group()
def fault() -> None:
    """Fault rules of a namespace."""


class _EffectsCommand(click.Command):
    """`fault add`, whose help ends with every effect and its parameters, read from the fault
    engine itself so the list cannot drift from what the server accepts."""

    def format_epilog(self, ctx, formatter) -> None:
        from mock_carriers.core.faults import AFTER, BEFORE, CONNECTION, PARAMETERS, WEBHOOK

        groups = (("Effects on a request, before the carrier answers", BEFORE),
                  ("Effects on the carrier's answer", AFTER),
                  ("Effects on the connection (a real server: the carrier answers, the socket breaks)", CONNECTION),
                  ("Effects on webhook deliveries (match --carrier and --event)", WEBHOOK))
        for title, effects in groups:
            with formatter.section(title):
                formatter.write_dl([(effect, ", ".join(PARAMETERS.get(effect, ())) or "(no parameters)")
                                    for effect in effects])


@fault.command("add", cls=_EffectsCommand)
@click.argument("effect")
@click.option("--carrier", help="Only this carrier's requests (or webhooks).")
@click.option("--operation", help="Only this operation (the operationId in the carrier's contract).")
@click.option("--method", help="Only requests with this HTTP method.")
@click.option("--path", help="Only paths matching this glob (the carrier's own path, e.g. '/api/orders*').")
@click.option("--event", help="Only this webhook event (webhook effects).")
@click.option("--probability", type=click.FloatRange(0, 1), help="Chance of firing on a match, 0 to 1 (default 1).")
@click.option("--times", type=click.IntRange(min=0), help="Fire at most this many times (default: no limit).")
@click.option("--after", type=click.IntRange(min=0), help="Skip the first N matches (default 0).")
@click.option("--description", help="A note shown by `fault list`.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="An effect parameter (listed below), e.g. -p status=503 -p ms=250 (numbers are read as numbers).")
@_admin_options
def add_fault(effect: str, params: tuple[str, ...], url: str, namespace: str, admin_token: str | None,
              **matchers) -> None:
    """Add a rule with EFFECT to the namespace; it applies to requests (or webhook deliveries) that
    match every option given."""

    rule = {"effect": effect, **{key: value for key, value in matchers.items() if value is not None}}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        try:
            rule[key] = json.loads(value)
        except ValueError:
            rule[key] = value
    created = _call(url, admin_token, "POST", f"/namespaces/{namespace}/faults", json=rule)
    click.echo(f"added {created['id']}")


@fault.command("list")
@_admin_options
def list_faults(url: str, namespace: str, admin_token: str | None) -> None:
    """The rules, one per line: id, effect, what it matches, its parameters, counters."""
    from mock_carriers.core.faults import PARAMETERS

    rules = _call(url, admin_token, "GET", f"/namespaces/{namespace}/faults")["faults"]
    if not rules:
        click.echo(f"no fault rules in namespace {namespace}")
    for rule in rules:
        matchers = " ".join(f"{key}={rule[key]}" for key in ("carrier", "operation", "method", "path", "event")
                            if rule.get(key))
        params = " ".join(f"{key}={_plain(rule.get(key))}" for key in PARAMETERS.get(rule["effect"], ())
                          if rule.get(key) is not None)
        decision = " ".join(f"{key}={rule[key]:g}" if key == "probability" else f"{key}={rule[key]}"
                            for key, usual in (("probability", 1), ("times", None), ("after", 0))
                            if rule.get(key) != usual)
        note = f"  # {rule['description']}" if rule.get("description") else ""
        click.echo("  ".join(part for part in (f"{rule['id']:<10} {rule['effect']:<15}",
                                               matchers or "every request", params, decision,
                                               f"matched={rule['matched']} fired={rule['fired']}"
                                               f"{' retired' if rule['retired'] else ''}") if part) + note)


def _plain(value) -> str:
    """A value as a user would type it after -p (JSON for anything but text)."""
    return value if isinstance(value, str) else json.dumps(value)


@fault.command("clear")
@click.argument("fault_id", required=False)
@_admin_options
def clear_faults(fault_id: str | None, url: str, namespace: str, admin_token: str | None) -> None:
    """Remove FAULT_ID, or every rule."""
    if fault_id:
        _call(url, admin_token, "DELETE", f"/namespaces/{namespace}/faults/{fault_id}")
        click.echo(f"removed {fault_id}")
    else:
        removed = _call(url, admin_token, "DELETE", f"/namespaces/{namespace}/faults")["removed"]
        click.echo(f"removed {removed}")


@main.command()
@click.argument("action", type=click.Choice(["freeze", "resume", "advance", "set", "now"]))
@click.argument("value", required=False)
@_admin_options
def clock(action: str, value: str | None, url: str, namespace: str, admin_token: str | None) -> None:
    """The namespace clock: now, freeze, resume, advance 90m, set 2026-01-01T00:00:00Z."""
    path = f"/namespaces/{namespace}/clock"
    if action == "now":
        state = _call(url, admin_token, "GET", path)
    else:
        if action in ("advance", "set") and not value:
            raise click.UsageError(f"clock {action} needs a value")
        body = {"action": action, **({"by": value} if action == "advance" else {"to": value} if action == "set" else {})}
        state = _call(url, admin_token, "POST", path, json=body)
    click.echo(f"{state['now']}{' (frozen)' if state['frozen'] else ''}")


@main.command()
@click.argument("action", type=click.Choice(["expire", "revoke"]))
@click.option("--carrier", required=True, help="The carrier whose tokens change.")
@click.option("--token", "token_value", help="Only this token.")
@click.option("--client-id", help="Only the tokens issued to this client.")
@_admin_options
def token(action: str, carrier: str, token_value: str | None, client_id: str | None, url: str, namespace: str,
          admin_token: str | None) -> None:
    """Expire or revoke a carrier's tokens (one, a client's, or all)."""
    body = {"carrier": carrier, **({"token": token_value} if token_value else {}),
            **({"client_id": client_id} if client_id else {})}
    result = _call(url, admin_token, "POST", f"/namespaces/{namespace}/tokens/{action}", json=body)
    click.echo(f"{action}d {result['affected']} tokens")


@main.command()
@click.option("--carrier", help="Only this carrier's requests.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The newest N entries.")
@click.option("--json", "as_json", is_flag=True, help="The entries as JSON (with --follow, one entry per line).")
@click.option("--follow", "-f", is_flag=True, help="Then keep printing new entries as they come, until interrupted.")
@click.option("--interval", type=click.FloatRange(min=0.05, max=60), default=0.5, show_default=True,
              help="Seconds between two looks at the journal with --follow.")
@_admin_options
def journal(carrier: str | None, limit: int, as_json: bool, follow: bool, interval: float, url: str, namespace: str,
            admin_token: str | None) -> None:
    """The namespace's latest requests, newest last; with --follow, then every new one as it comes
    (like `tail -f`; Ctrl-C stops)."""
    params = {"limit": limit, **({"carrier": carrier} if carrier else {})}
    if not follow:
        entries = _call(url, admin_token, "GET", f"/namespaces/{namespace}/journal", params=params)["entries"]
        if as_json:
            _echo_json(entries)
        else:
            for entry in entries:
                click.echo(_journal_line(entry))
        return
    show = (lambda entry: click.echo(json.dumps(entry, ensure_ascii=False))) if as_json else \
        (lambda entry: click.echo(_journal_line(entry)))
    try:
        _follow(url, admin_token, namespace, params, show, interval)
    except KeyboardInterrupt:
        pass


def _journal_line(entry: dict) -> str:
    faults = ",".join(f["effect"] for f in entry["faults"])
    count = len(entry.get("contract_violations") or ())
    return (f"{entry['at']}  {entry['request']['method']:<6} {entry['response']['status']}  "
            f"{entry['carrier'] or '-'}:{entry['operation'] or '-'}  {entry['request']['path']}"
            f"{'  [' + faults + ']' if faults else ''}"
            f"{f'  {count} violation' + ('s' if count > 1 else '') if count else ''}")


def _follow(url: str, admin_token: str | None, namespace: str, params: dict, show, interval: float) -> None:
    """Poll the journal: a cheap look at the newest entry's id, then the entries after the last one
    shown. Entry ids count up per namespace, so an id lower than the last means it was reset."""
    import time

    from mock_carriers.client import AdminError, _Admin
    import requests

    admin, path, last, waiting = _Admin(url, admin_token), f"/namespaces/{namespace}/journal", 0, False

    def entries(limit: int) -> list[dict] | None:
        nonlocal waiting
        try:
            found = admin.call("GET", path, params={**params, "limit": limit})["entries"]
        except AdminError as error:
            if error.status != 404:
                raise click.ClickException(f"{error.status}: {_problem(error.body)}") from None
            if not waiting:
                click.echo(f"(waiting for namespace {namespace}: not live yet)", err=True)
            waiting = True
            return None
        except requests.RequestException as error:
            raise click.ClickException(f"cannot reach {url}: {error}") from None
        if waiting:
            click.echo(f"(namespace {namespace} is live)", err=True)
            waiting = False
        return found

    batch = entries(params["limit"]) or []
    while True:
        for entry in batch:
            show(entry)
        last = batch[-1]["id"] if batch else last
        time.sleep(interval)
        newest = entries(1)
        if newest is None:
            last, batch = 0, []
            continue
        top = newest[0]["id"] if newest else 0
        if top < last:
            click.echo(f"(namespace {namespace} was reset)", err=True)
            last = 0
        batch = [entry for entry in entries(top - last + 100) or [] if entry["id"] > last] if top > last else []


@main.command()
@click.option("--clear", is_flag=True, help="Forget the violations shown.")
@click.option("--json", "as_json", is_flag=True, help="The violations as JSON.")
@_admin_options
def violations(clear: bool, as_json: bool, url: str, namespace: str, admin_token: str | None) -> None:
    """Strict mode's contract violations in the namespace, grouped by request. Exits 1 if any."""
    from mock_carriers.client import violation_report

    found = _call(url, admin_token, "DELETE" if clear else "GET", f"/namespaces/{namespace}/violations")["violations"]
    if as_json:
        _echo_json(found)
    elif found:
        click.echo(violation_report(found))
    else:
        click.echo("no contract violations")
    if found:
        sys.exit(1)


@main.command()
@click.option("--carrier", help="Only this carrier's deliveries.")
@click.option("--json", "as_json", is_flag=True, help="The outbox as JSON (each attempt's full error text).")
@_admin_options
def webhooks(carrier: str | None, as_json: bool, url: str, namespace: str, admin_token: str | None) -> None:
    """The outbox as a table: each delivery, its state and every attempt's answer (its status code,
    or what went wrong: refused, timeout, reset, no-answer, unknown-host, tls, cancelled)."""
    params = {"carrier": carrier} if carrier else {}
    outbox = _call(url, admin_token, "GET", f"/namespaces/{namespace}/webhooks", params=params)
    if as_json:
        _echo_json(outbox)
        return
    if not outbox["deliveries"]:
        count = len(outbox["subscriptions"])
        click.echo(f"no webhook deliveries in namespace {namespace} ({count} subscription{'' if count == 1 else 's'})")
    else:
        click.echo(f"{'DELIVERY':<10} {'CARRIER':<14} {'EVENT':<18} {'STATE':<12} {'ATTEMPTS':<30} URL")
    for delivery in outbox["deliveries"]:
        answers = " ".join(str(a["status"]) if a["status"] is not None else _failure(a.get("error"))
                           for a in delivery["attempts"]) or "-"
        faults = f" [{','.join(delivery['faults'])}]" if delivery["faults"] else ""
        click.echo(f"{delivery['id']:<10} {delivery['carrier']:<14} {delivery['event']:<18} "
                   f"{delivery['state']:<12} {answers:<30} {delivery['url']}{faults}")
    if outbox.get("trimmed"):
        click.echo(f"{outbox['trimmed']} finished deliveries were trimmed from the outbox "
                   f"(it keeps as many as --journal-limit)")


_FAILURES = {  # the exception an attempt ended with (its `error` starts with the name) -> a word for the table
    "ConnectionRefusedError": "refused", "DeadlineExceeded": "timeout", "TimeoutError": "timeout",
    "timeout": "timeout", "ConnectionResetError": "reset", "BrokenPipeError": "reset",
    "ConnectionAbortedError": "reset", "RemoteDisconnected": "no-answer", "IncompleteRead": "no-answer",
    "BadStatusLine": "not-http", "LineTooLong": "not-http", "gaierror": "unknown-host", "SSLError": "tls",
    "SSLCertVerificationError": "tls", "Closed": "cancelled"}


def _failure(error: str | None) -> str:
    """An attempt with no status, by what ended it (an unknown exception by its own name)."""
    name = (error or "").partition(":")[0].strip()
    return _FAILURES.get(name, name or "error")


@main.group()
def contracts() -> None:
    """The OpenAPI 3.1 contracts of the carriers (and of the admin API)."""


def _contract_files() -> dict[str, Path]:
    from mock_carriers.resources import data_dir

    return {path.name.removesuffix(".openapi.yaml"): path for path in sorted(data_dir("contracts").glob("*.openapi.yaml"))}


@contracts.command("list")
def list_contracts() -> None:
    """Each contract: its name, title, operations and webhooks."""
    from mock_carriers.core.fixtures import load_yaml

    for name, path in _contract_files().items():
        document = load_yaml(path)
        operations = sum(1 for item in document.get("paths", {}).values() for method in item
                         if method in ("get", "put", "post", "delete", "patch"))
        click.echo(f"{name:<16} {operations:>3} operations  {len(document.get('webhooks', {})):>2} webhooks  "
                   f"{document['info']['title']}")


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
            click.echo(f"    {violation.kind} {violation.location} {violation.json_path}: {violation.message} "
                       f"[rule: {violation.rule}; {violation.operation}]")
    cut = sum(finding.exchange.body_cut + finding.exchange.response_body_cut for finding in findings)
    if cut:
        click.echo(f"{cut} bodies cut in the journal were not checked (serve --journal-body-limit keeps more)")
    faulted = sum(finding.exchange.faulted for finding in findings)
    if faulted:
        many = faulted > 1
        click.echo(f"{faulted} response{'s' if many else ''} carried an injected fault and {'were' if many else 'was'} "
                   f"not checked (breaking the contract is {'their' if many else 'its'} point)")
    click.echo(f"{len(findings)} exchanges with carriers checked, {len(broken)} broke a contract")
    if broken:
        sys.exit(1)


@main.command()
@click.option("--ca-dir", type=click.Path(file_okay=False, path_type=Path), envvar="MOCK_CARRIERS_CA_DIR",
              default=None, help="The CA's folder (default: mock-carriers/ca in your data folder).")
@click.option("--env", "as_env", is_flag=True,
              help="Print shell lines that make curl, requests, OpenSSL and Node trust it.")
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


if __name__ == "__main__":
    main()
