"""What the `mock-carriers` commands share: their parameter types (each checks a value before
anything is sent, with a message that says what is allowed), the options and the call of the
commands that drive a running server through its admin API, and how an admin error reads."""

from __future__ import annotations

import json
from pathlib import Path

import click


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
            self.fail(error.message or error.code, param, ctx)


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
        shipped = shipped_scenarios()
        name = path.name.removesuffix(".yaml").removesuffix(".yml")
        if path.name == value and name in shipped:
            return shipped[name]
        self.fail(f"no file nor shipped scenario {value!r}; the shipped ones are: {', '.join(shipped)}", param, ctx)


def shipped_scenarios() -> dict[str, Path]:
    from mock_carriers.admin.scenario import shipped

    return shipped()


def scenario_namespace(raw: bytes) -> str:
    """The `namespace` a scenario names, else `default` (the server checks the rest)."""
    from mock_carriers.core import safe_yaml

    try:
        document = safe_yaml.load(raw)
    except safe_yaml.YamlError:
        return "default"
    name = document.get("namespace") if isinstance(document, dict) else None
    return name if isinstance(name, str) and name else "default"


def problem(body, subject: str = "the request") -> str:
    """An admin API error for a person: its message, or each field's mistakes, one per line."""
    if isinstance(body, dict) and body.get("fields"):
        lines = [
            f"{field}: {message}"
            for field, messages in body["fields"].items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
        if len(lines) == 1:
            return lines[0]
        return f"{subject} has {len(lines)} mistakes:\n" + "\n".join(f"  {line}" for line in lines)
    return body.get("message", str(body)) if isinstance(body, dict) else str(body)


DEFAULT_URL = "http://127.0.0.1:8080"


def server_options(command):
    """--url and --admin-token: which running server, and its admin token."""
    command = click.option(
        "--admin-token",
        envvar="MOCK_CARRIERS_ADMIN_TOKEN",
        default=None,
        help="The server's admin token, if it has one (default: $MOCK_CARRIERS_ADMIN_TOKEN).",
    )(command)
    return click.option(
        "--url",
        envvar="MOCK_CARRIERS_URL",
        default=DEFAULT_URL,
        type=ServerUrl(),
        help=f"The running server (default: $MOCK_CARRIERS_URL, else {DEFAULT_URL}).",
    )(command)


def admin_options(command):
    """--url, --namespace and --admin-token for the commands that drive a running server."""
    command = click.option(
        "--namespace", "-n", type=NamespaceName(), default="default", show_default=True, help="The namespace to act on."
    )(command)
    return server_options(command)


def call(url: str, admin_token: str | None, method: str, path: str, subject: str = "the request", **kwargs):
    """The admin API's answer; a ClickException saying what went wrong otherwise."""
    import requests

    from mock_carriers.client import AdminError, _Admin

    try:
        return _Admin(url, admin_token).call(method, path, **kwargs)
    except AdminError as error:
        raise click.ClickException(f"{error.status}: {problem(error.body, subject)}") from None
    except requests.RequestException as error:
        raise click.ClickException(f"cannot reach {url}: {error}") from None


def echo_json(value) -> None:
    """`value` as indented JSON, for a person or a pipe (`--json`)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))
